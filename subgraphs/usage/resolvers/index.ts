import { scalarResolvers } from "../../../platform/graphql/scalars.js";
import type { Resolvers } from "../generated/resolvers-types.js";
import { QueryResolvers, UsageReportResolvers } from "./report.js";
import { AccessEventResolvers, EventQueries } from "./events.js";

export const resolvers: Resolvers = {
  ...scalarResolvers,
  Query: { ...QueryResolvers, ...EventQueries },
  UsageReport: UsageReportResolvers,
  AccessEvent: AccessEventResolvers,
};
