import { scalarResolvers } from "../../../platform/graphql/scalars.js";
import { QueryResolvers, UsageReportResolvers } from "./report.js";
import { EventQueries } from "./events.js";

export const resolvers = { ...scalarResolvers, Query: { ...QueryResolvers, ...EventQueries }, UsageReport: UsageReportResolvers };
