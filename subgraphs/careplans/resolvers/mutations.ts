// The care plan lifecycle: the care home submits the questionnaire (a new SUBMITTED version),
// the resident's GP adds clinical detail and approves it, which supersedes the approved version.
import { badInput } from "../../kernel/errors.js";
import { denialError } from "../../kernel/access/rules.js";
import { writeDenial, type RoleGroup } from "../../kernel/access/policy.js";
import { SOURCE_SYSTEMS } from "../../kernel/demo/world.js";
import type { CareplansContext } from "../context.js";
import type { CarePlan } from "../repository.js";
import type { CeilingOfTreatment, CprDecision, PlaceOfCare } from "../prisma/generated/enums.js";

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

interface QuestionnaireInput {
  whatMattersToMe: string; concerns: string[]; goals: string[]; wishesAndPreferences?: string | null;
  preferredPlaceOfCare: PlaceOfCare; preferredPlaceOfDeath: PlaceOfCare;
}
interface ClinicalInput {
  diagnoses: { code: string; display: string }[]; keyMedications: string[]; emergencyPlan: string;
  cprDecision: CprDecision; ceilingOfTreatment: CeilingOfTreatment; ceilingNotes?: string | null;
}

export const CarePlanMutations = {
  submitCarePlanQuestionnaire: async (_: unknown, args: { nhsNumber: string; input: QuestionnaireInput }, ctx: CareplansContext) => {
    await requireGroup(ctx, args.nhsNumber, "CARE_HOME");
    const i = args.input;
    const now = new Date();
    const version = (await ctx.repo.latestVersion(args.nhsNumber)) + 1;
    return ctx.repo.createPlan({
      id: `CP-${args.nhsNumber}-${version}`, nhsNumber: args.nhsNumber, version, status: "SUBMITTED",
      createdByName: ctx.identity.name, createdByOds: ctx.identity.orgCode, submittedAt: now,
      whatMattersToMe: text(i.whatMattersToMe, "whatMattersToMe"), concerns: list(i.concerns, "concerns"), goals: list(i.goals, "goals"),
      actions: [], supportOrganisations: [], diagnoses: [], keyMedications: [],
      wishesAndPreferences: i.wishesAndPreferences ? text(i.wishesAndPreferences, "wishesAndPreferences") : null,
      preferredPlaceOfCare: i.preferredPlaceOfCare, preferredPlaceOfDeath: i.preferredPlaceOfDeath,
      cprDecision: "NOT_RECORDED", ceilingOfTreatment: "NOT_STATED",
      sourceSystem: SOURCE_SYSTEMS.careplans, recordedAt: now, updatedAt: now,
    });
  },
  addCarePlanClinicalDetail: async (_: unknown, args: { id: string; input: ClinicalInput }, ctx: CareplansContext) => {
    const p = await plan(ctx, args.id);
    await requireGroup(ctx, p.nhsNumber, "GP");
    if (p.status !== "SUBMITTED") throw badInput("Clinical detail can be added to a submitted plan only");
    const i = args.input;
    const now = new Date();
    return ctx.repo.updatePlan(p.id, {
      diagnoses: i.diagnoses.slice(0, 20).map((d) => ({ code: text(d.code, "diagnosis code", 20), display: text(d.display, "diagnosis", 200) })),
      keyMedications: list(i.keyMedications, "keyMedications"), emergencyPlan: text(i.emergencyPlan, "emergencyPlan"),
      cprDecision: i.cprDecision, cprDecidedOn: i.cprDecision === "NOT_RECORDED" ? null : now, cprDecidedBy: ctx.identity.name,
      ceilingOfTreatment: i.ceilingOfTreatment, ceilingNotes: i.ceilingNotes ? text(i.ceilingNotes, "ceilingNotes") : null,
      clinicalDetailBy: ctx.identity.name, clinicalDetailOds: ctx.identity.orgCode, clinicalDetailAt: now, updatedAt: now,
    });
  },
  approveCarePlan: async (_: unknown, args: { id: string; reviewDate: Date }, ctx: CareplansContext) => {
    const p = await plan(ctx, args.id);
    await requireGroup(ctx, p.nhsNumber, "GP");
    if (p.status !== "SUBMITTED" || !p.clinicalDetailAt) throw badInput("Only a submitted plan with clinical detail can be approved");
    const now = new Date();
    if (args.reviewDate <= now) throw badInput("reviewDate must be in the future");
    const [, approved] = await ctx.repo.approve(p, ctx.identity.name, args.reviewDate, now);
    return approved;
  },
};
