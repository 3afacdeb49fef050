// The care plan lifecycle: the care home submits the questionnaire (a new SUBMITTED version),
// the resident's GP adds clinical detail and approves it, which supersedes the approved version.
import { badInput } from "../../../platform/errors/errors.js";
import { denialError } from "../../../platform/access/rules.js";
import { writeDenial, type RoleGroup } from "../../../platform/access/policy.js";
import { about } from "../manifest.js";
import type { CareplansContext } from "../context.js";
import type { CarePlan } from "../repository.js";
import type * as Gen from "../generated/resolvers-types.js";
import { idempotencyRequest } from "../../../platform/db/idempotency.js";

// Break-glass opens a record for viewing only: writeDenial needs the caller's own current relationship.
async function requireGroup(ctx: CareplansContext, nhsNumber: string, group: RoleGroup) {
  const denied = writeDenial(await ctx.grantFor(nhsNumber), group);
  if (denied) throw denialError(denied, denied === "ROLE_NOT_PERMITTED" ? { section: "CARE_PLAN" } : {});
}

const text = (value: string, field: string, max = 2000) => {
  const t = value.trim();
  if (t.length === 0 || t.length > max) throw badInput(`${field} must be 1 to ${max} characters`);
  return t;
};
const list = (values: string[], field: string) => {
  if (values.length > 20) throw badInput(`${field}: at most 20 entries`);
  return values.map((v) => text(v, field, 500));
};

async function plan(ctx: CareplansContext, id: string): Promise<CarePlan> {
  const found = await ctx.loaders.plan.load(id);
  // Unknown and not-yours look the same: both are refused without saying which.
  if (!found) throw denialError("NO_CARE_RELATIONSHIP");
  return found;
}

export const CarePlanMutations: Gen.MutationResolvers = {
  submitCarePlanQuestionnaire: async (_, args, ctx) => {
    await requireGroup(ctx, args.nhsNumber, "CARE_HOME");
    const i = args.input;
    const now = new Date();
    const request = idempotencyRequest(ctx.identity.userId, "submitCarePlanQuestionnaire", args);
    const fields = {
      nhsNumber: args.nhsNumber,
      status: "SUBMITTED" as const,
      createdByName: ctx.identity.name,
      createdByOds: ctx.identity.orgCode,
      submittedAt: now,
      whatMattersToMe: text(i.whatMattersToMe, "whatMattersToMe"),
      concerns: list(i.concerns, "concerns"),
      goals: list(i.goals, "goals"),
      actions: [],
      supportOrganisations: [],
      diagnoses: [],
      keyMedications: [],
      wishesAndPreferences: i.wishesAndPreferences ? text(i.wishesAndPreferences, "wishesAndPreferences") : null,
      preferredPlaceOfCare: i.preferredPlaceOfCare,
      preferredPlaceOfDeath: i.preferredPlaceOfDeath,
      cprDecision: "NOT_RECORDED" as const,
      ceilingOfTreatment: "NOT_STATED" as const,
      sourceSystem: about.sourceSystem,
      recordedAt: now,
      updatedAt: now,
    };
    return ctx.repo.submitOnce(args.nhsNumber, request, (version) => ({ id: `CP-${args.nhsNumber}-${version}`, version, ...fields }));
  },
  addCarePlanClinicalDetail: async (_, args, ctx) => {
    const p = await plan(ctx, args.id);
    await requireGroup(ctx, p.nhsNumber, "GP");
    const request = idempotencyRequest(ctx.identity.userId, "addCarePlanClinicalDetail", args);
    // Checked on the plan as it is under the resident's lock, after a retry has found its key.
    const submitted = (c: CarePlan) => {
      if (c.status !== "SUBMITTED") throw badInput("Clinical detail can be added to a submitted plan only");
    };
    const i = args.input;
    const now = new Date();
    return ctx.repo.updateOnce(p, request, submitted, {
      diagnoses: i.diagnoses.slice(0, 20).map((d) => ({ code: text(d.code, "diagnosis code", 20), display: text(d.display, "diagnosis", 200) })),
      keyMedications: list(i.keyMedications, "keyMedications"),
      emergencyPlan: text(i.emergencyPlan, "emergencyPlan"),
      cprDecision: i.cprDecision,
      cprDecidedOn: i.cprDecision === "NOT_RECORDED" ? null : now,
      cprDecidedBy: ctx.identity.name,
      ceilingOfTreatment: i.ceilingOfTreatment,
      ceilingNotes: i.ceilingNotes ? text(i.ceilingNotes, "ceilingNotes") : null,
      clinicalDetailBy: ctx.identity.name,
      clinicalDetailOds: ctx.identity.orgCode,
      clinicalDetailAt: now,
      updatedAt: now,
    });
  },
  approveCarePlan: async (_, args, ctx) => {
    const p = await plan(ctx, args.id);
    await requireGroup(ctx, p.nhsNumber, "GP");
    const request = idempotencyRequest(ctx.identity.userId, "approveCarePlan", args);
    const approvable = (c: CarePlan) => {
      if (c.status !== "SUBMITTED" || !c.clinicalDetailAt) throw badInput("Only a submitted plan with clinical detail can be approved");
    };
    const now = new Date();
    if (args.reviewDate <= now) throw badInput("reviewDate must be in the future");
    return ctx.repo.approveOnce(p, request, approvable, ctx.identity.name, args.reviewDate, now);
  },
};
