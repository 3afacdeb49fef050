import type * as Gen from "../generated/resolvers-types.js";

export const ResidentResolvers: Gen.ResidentResolvers = {
  __resolveReference: (ref) => ref,
  carePlan: (r, _, ctx) => ctx.loaders.approvedPlan.load(r.nhsNumber),
  carePlanHistory: (r, _, ctx) => ctx.loaders.history.load(r.nhsNumber),
};
