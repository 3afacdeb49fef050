// The care plan lifecycle's three steps (lifecycle.ts), each written once per idempotency key.
// Who may take them is decided before these run (permissions.ts).
import type * as Gen from "../generated/resolvers-types.js";
import { idempotencyRequest } from "../../../platform/db/idempotency.js";
import { clinicalDetail, futureReviewDate, mustBeApprovable, mustBeSubmitted, questionnaireVersion } from "../lifecycle.js";
import type { CareplansContext } from "../context.js";

// The permission rule has loaded the plan (and found it) through the same request's loader.
async function plan(ctx: CareplansContext, id: string) {
  const found = await ctx.loaders.plan.load(id);
  if (!found) throw new Error("care plan resolved without its permission rule");
  return found;
}

export const CarePlanMutations: Gen.MutationResolvers = {
  submitCarePlanQuestionnaire: async (_, args, ctx) => {
    const fields = questionnaireVersion(args.nhsNumber, args.input, ctx.identity, new Date());
    const request = idempotencyRequest(ctx.identity.userId, "submitCarePlanQuestionnaire", args);
    return ctx.repo.submitOnce(args.nhsNumber, request, (version) => ({ id: `CP-${args.nhsNumber}-${version}`, version, ...fields }));
  },
  addCarePlanClinicalDetail: async (_, args, ctx) => {
    const p = await plan(ctx, args.id);
    const request = idempotencyRequest(ctx.identity.userId, "addCarePlanClinicalDetail", args);
    return ctx.repo.updateOnce(p, request, mustBeSubmitted, clinicalDetail(args.input, ctx.identity, new Date()));
  },
  approveCarePlan: async (_, args, ctx) => {
    const p = await plan(ctx, args.id);
    const now = new Date();
    const request = idempotencyRequest(ctx.identity.userId, "approveCarePlan", args);
    return ctx.repo.approveOnce(p, request, mustBeApprovable, ctx.identity.name, futureReviewDate(args.reviewDate, now), now);
  },
};
