import { scalarResolvers } from "../../../platform/graphql/scalars.js";
import type { Resolvers } from "../generated/resolvers-types.js";
import { QueryResolvers, UsageReportResolvers } from "./report.js";
import { AccessEventResolvers, EventQueries } from "./events.js";
import { CareHomeResolvers, CareHomeUnseenResolvers, ResidentResolvers } from "./unseen.js";
import { MarkSeenMutations } from "./mark-seen.js";

export const resolvers: Resolvers = {
  ...scalarResolvers,
  Query: { ...QueryResolvers, ...EventQueries },
  Mutation: MarkSeenMutations,
  UsageReport: UsageReportResolvers,
  AccessEvent: AccessEventResolvers,
  Resident: ResidentResolvers,
  CareHome: CareHomeResolvers,
  CareHomeUnseen: CareHomeUnseenResolvers,
};
