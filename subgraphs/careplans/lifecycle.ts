// The care plan lifecycle: what each step writes, from checked input, and which state it may start
// from. The care home submits the questionnaire (a new SUBMITTED version); the resident's GP adds
// clinical detail and approves it, which supersedes the approved version. Who may take each step is
// decided before any of this runs (permissions.ts). What the user can correct is refused with the
// user errors of the mutation's payload (platform/errors/user-errors.ts): every value out of bounds
// at once (INVALID_INPUT, with the path of its input field), or the plan's state (NOT_SUBMITTED,
// NOT_APPROVABLE); nothing is written then.
import { inputChecks, refused } from "../../platform/errors/user-errors.js";
import type { Identity } from "../../platform/identity/identity.js";
import type * as Gen from "./generated/resolvers-types.js";
import { about } from "./manifest.js";
import type { CarePlan } from "./repository.js";

type Code = Gen.CarePlanUserErrorCode;
const input = (...path: string[]) => ["input", ...path];

/** A new SUBMITTED version from the care home's questionnaire (its number comes from the store, its id is a new random one). */
export function questionnaireVersion(nhsNumber: string, i: Gen.CarePlanQuestionnaireInput, by: Identity, now: Date) {
  const { text, list, done } = inputChecks();
  return done({
    nhsNumber,
    status: "SUBMITTED" as const,
    createdByName: by.name,
    createdByOds: by.orgCode,
    submittedAt: now,
    whatMattersToMe: text(i.whatMattersToMe, input("whatMattersToMe")),
    concerns: list(i.concerns, input("concerns")),
    goals: list(i.goals, input("goals")),
    actions: [],
    supportOrganisations: [],
    diagnoses: [],
    keyMedications: [],
    wishesAndPreferences: i.wishesAndPreferences ? text(i.wishesAndPreferences, input("wishesAndPreferences")) : null,
    preferredPlaceOfCare: i.preferredPlaceOfCare,
    preferredPlaceOfDeath: i.preferredPlaceOfDeath,
    cprDecision: "NOT_RECORDED" as const,
    ceilingOfTreatment: "NOT_STATED" as const,
    sourceSystem: about.sourceSystem,
    recordedAt: now,
    updatedAt: now,
  });
}

/** The GP's clinical detail, written onto a submitted plan. */
export function clinicalDetail(i: Gen.CarePlanClinicalDetailInput, by: Identity, now: Date) {
  const { text, list, atMost, done } = inputChecks();
  return done({
    // More than 20 is refused like every other list, never cut: a dropped diagnosis would go unseen.
    diagnoses: atMost(i.diagnoses, input("diagnoses")).map((d, n) => ({
      code: text(d.code, input("diagnoses", String(n), "code"), 20),
      display: text(d.display, input("diagnoses", String(n), "display"), 200),
    })),
    keyMedications: list(i.keyMedications, input("keyMedications")),
    emergencyPlan: text(i.emergencyPlan, input("emergencyPlan")),
    cprDecision: i.cprDecision,
    cprDecidedOn: i.cprDecision === "NOT_RECORDED" ? null : now,
    cprDecidedBy: by.name,
    ceilingOfTreatment: i.ceilingOfTreatment,
    ceilingNotes: i.ceilingNotes ? text(i.ceilingNotes, input("ceilingNotes")) : null,
    clinicalDetailBy: by.name,
    clinicalDetailOds: by.orgCode,
    clinicalDetailAt: now,
    updatedAt: now,
  });
}

// The state checks run on the plan as it is under the resident's lock, after a retry has found its
// key (a retry answers its first payload, not the state its own write led to).

export function mustBeSubmitted(plan: CarePlan): void {
  if (plan.status !== "SUBMITTED") throw refused<Code>("NOT_SUBMITTED", "Clinical detail can be added to a submitted plan only");
}

/**
 * The approval check: the review date after today (INVALID_INPUT), then the plan SUBMITTED with
 * clinical detail and not older than the version approved now (NOT_APPROVABLE: approving an older
 * version would put an out-of-date plan in front of urgent care). Checked after the key, so a
 * retry across midnight still gets its first payload.
 */
export const mustBeApprovable =
  (reviewDate: Date, now: Date) =>
  (plan: CarePlan, approvedVersion: number | null): void => {
    if (reviewDate <= now) throw refused<Code>("INVALID_INPUT", "reviewDate must be after today", ["reviewDate"]);
    if (plan.status !== "SUBMITTED" || !plan.clinicalDetailAt)
      throw refused<Code>("NOT_APPROVABLE", "Only a submitted plan with clinical detail can be approved");
    if (approvedVersion !== null && approvedVersion > plan.version)
      throw refused<Code>("NOT_APPROVABLE", "A newer version of this care plan is already approved");
  };
