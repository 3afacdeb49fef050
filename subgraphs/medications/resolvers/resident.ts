import type * as Gen from "../generated/resolvers-types.js";
import { statusFilter } from "../statuses.js";

export const ResidentResolvers: Gen.ResidentResolvers = {
  __resolveReference: (ref) => ref,
  // Urgent care's current-list-only view is decided before this runs (permissions.ts).
  medications: (resident, args, ctx) => ctx.loaders.requestsOfResident.load({ key: resident.nhsNumber, args: statusFilter(args.status) }),
};
