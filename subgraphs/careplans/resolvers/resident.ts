import type { CareplansContext } from "../context.js";

export const ResidentResolvers = {
  __resolveReference: (ref: { nhsNumber: string }) => ref,
  carePlan: (r: { nhsNumber: string }, _: unknown, ctx: CareplansContext) => ctx.loaders.approvedPlan.load(r.nhsNumber),
  carePlanHistory: (r: { nhsNumber: string }, _: unknown, ctx: CareplansContext) => ctx.loaders.history.load(r.nhsNumber),
};
