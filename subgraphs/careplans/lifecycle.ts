// The care plan lifecycle: what each step writes, from checked input, and which state it may start
// from. The care home submits the questionnaire (a new SUBMITTED version); the resident's GP adds
// clinical detail and approves it, which supersedes the approved version. Who may take each step is
// decided before any of this runs (permissions.ts).
import { badInput } from "../../platform/errors/errors.js";
import type { Identity } from "../../platform/identity/identity.js";
import type * as Gen from "./generated/resolvers-types.js";
import { about } from "./manifest.js";
import type { CarePlan } from "./repository.js";

const text = (value: string, field: string, max = 2000) => {
  const t = value.trim();
  if (t.length === 0 || t.length > max) throw badInput(`${field} must be 1 to ${max} characters`);
  return t;
};
const list = (values: string[], field: string) => {
  if (values.length > 20) throw badInput(`${field}: at most 20 entries`);
  return values.map((v) => text(v, field, 500));
};

/** A new SUBMITTED version from the care home's questionnaire (its id and number come from the store). */
export function questionnaireVersion(nhsNumber: string, i: Gen.CarePlanQuestionnaireInput, by: Identity, now: Date) {
  return {
    nhsNumber,
    status: "SUBMITTED" as const,
    createdByName: by.name,
    createdByOds: by.orgCode,
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
}

/** The GP's clinical detail, written onto a submitted plan. */
export function clinicalDetail(i: Gen.CarePlanClinicalDetailInput, by: Identity, now: Date) {
  return {
    diagnoses: i.diagnoses.slice(0, 20).map((d) => ({ code: text(d.code, "diagnosis code", 20), display: text(d.display, "diagnosis", 200) })),
    keyMedications: list(i.keyMedications, "keyMedications"),
    emergencyPlan: text(i.emergencyPlan, "emergencyPlan"),
    cprDecision: i.cprDecision,
    cprDecidedOn: i.cprDecision === "NOT_RECORDED" ? null : now,
    cprDecidedBy: by.name,
    ceilingOfTreatment: i.ceilingOfTreatment,
    ceilingNotes: i.ceilingNotes ? text(i.ceilingNotes, "ceilingNotes") : null,
    clinicalDetailBy: by.name,
    clinicalDetailOds: by.orgCode,
    clinicalDetailAt: now,
    updatedAt: now,
  };
}

// The state checks run on the plan as it is under the resident's lock, after a retry has found its key.

export function mustBeSubmitted(plan: CarePlan): void {
  if (plan.status !== "SUBMITTED") throw badInput("Clinical detail can be added to a submitted plan only");
}

export function mustBeApprovable(plan: CarePlan): void {
  if (plan.status !== "SUBMITTED" || !plan.clinicalDetailAt) throw badInput("Only a submitted plan with clinical detail can be approved");
}

export function futureReviewDate(reviewDate: Date, now: Date): Date {
  if (reviewDate <= now) throw badInput("reviewDate must be in the future");
  return reviewDate;
}
