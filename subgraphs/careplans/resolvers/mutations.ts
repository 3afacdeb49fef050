// The care plan lifecycle's three steps (lifecycle.ts), each written once per idempotency key and
// answered as a payload (platform/errors/user-errors.ts: a refusal the user can act on is its user
// errors). Who may take them is decided before these run (permissions.ts).
import type * as Gen from "../generated/resolvers-types.js";
import { idempotencyRequest } from "../../../platform/db/idempotency.js";
import { newRecordId } from "../../../platform/ids/opaque-id.js";
import { payloadOf } from "../../../platform/errors/user-errors.js";
import { clinicalDetail, mustBeApprovable, mustBeSubmitted, questionnaireVersion } from "../lifecycle.js";
import type { CareplansContext } from "../context.js";

// The permission rule has loaded the plan (and found it) through the same request's loader.
async function plan(ctx: CareplansContext, id: string) {
  const found = await ctx.loaders.plan.load(id);
  if (!found) throw new Error("care plan resolved without its permission rule");
  return found;
}

const carePlanPayload = <T>(run: () => Promise<T>) => payloadOf<Gen.CarePlanUserErrorCode, "carePlan", T>("carePlan", run);

export const CarePlanMutations: Gen.MutationResolvers = {
  submitCarePlanQuestionnaire: (_, args, ctx) =>
    carePlanPayload(async () => {
      const fields = questionnaireVersion(args.nhsNumber, args.input, ctx.identity, new Date());
      const request = idempotencyRequest(ctx.identity.userId, "submitCarePlanQuestionnaire", args);
      // The version number comes from the store; the id is random (platform/ids/opaque-id.ts): it
      // carries neither the NHS number nor the version, and nothing reads them out of it.
      return ctx.repo.submitOnce(args.nhsNumber, request, (version) => ({ id: newRecordId("CP"), version, ...fields }));
    }),
  addCarePlanClinicalDetail: (_, args, ctx) =>
    carePlanPayload(async () => {
      const p = await plan(ctx, args.id);
      const detail = clinicalDetail(args.input, ctx.identity, new Date());
      const request = idempotencyRequest(ctx.identity.userId, "addCarePlanClinicalDetail", args);
      return ctx.repo.updateOnce(p, request, mustBeSubmitted, detail);
    }),
  approveCarePlan: (_, args, ctx) =>
    carePlanPayload(async () => {
      const p = await plan(ctx, args.id);
      const now = new Date();
      const request = idempotencyRequest(ctx.identity.userId, "approveCarePlan", args);
      return ctx.repo.approveOnce(p, request, mustBeApprovable(args.reviewDate, now), ctx.identity.name, args.reviewDate, now);
    }),
};
