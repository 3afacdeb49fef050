// The access policy as pure functions: who may see which section of which resident's record.
// Subgraphs evaluate it where the data is read; docs/access-policy.md is the same table in prose
// and test/access-policy-doc.test.ts fails when the two disagree.
import type { Identity, Role } from "../identity/identity.js";
import type { Section } from "./sections.js";

export type RoleGroup = "CARE_HOME" | "GP" | "URGENT_CARE" | "ANALYST" | "PRIVACY_OFFICER" | "ADMINISTRATOR";

export const ROLE_GROUP: Record<Role, RoleGroup> = {
  care_home_carer: "CARE_HOME",
  care_home_nurse: "CARE_HOME",
  registered_manager: "CARE_HOME",
  gp: "GP",
  nhs111_clinician: "URGENT_CARE",
  ooh_gp: "URGENT_CARE",
  ambulance_clinician: "URGENT_CARE",
  ed_clinician: "URGENT_CARE",
  analyst: "ANALYST",
  privacy_officer: "PRIVACY_OFFICER",
  administrator: "ADMINISTRATOR",
};

/** Roles that are clinicians: only they may break the glass. */
export const CLINICAL_ROLES: ReadonlySet<Role> = new Set(["care_home_nurse", "gp", "nhs111_clinician", "ooh_gp", "ambulance_clinician", "ed_clinician"]);

/** Which organisation type each role group must be acting for. */
const GROUP_ORG_TYPES: Record<RoleGroup, readonly string[]> = {
  CARE_HOME: ["care_home"],
  GP: ["gp_practice"],
  URGENT_CARE: ["nhs111", "out_of_hours", "ambulance_service", "emergency_department"],
  ANALYST: ["integrated_care_board"],
  PRIVACY_OFFICER: ["record_operator"],
  ADMINISTRATOR: ["record_operator"],
};

/**
 * How each role group may see each section. `FULL`: all of it; `LIMITED`: the urgent-care subset
 * (approved plan only, current medicines only, latest discharge summary only); `NONE`: never.
 */
export type SectionAccess = "FULL" | "LIMITED" | "NONE";

const ROLE_GROUPS = ["CARE_HOME", "GP", "URGENT_CARE", "ANALYST", "PRIVACY_OFFICER", "ADMINISTRATOR"] as const satisfies readonly RoleGroup[];
type Row = readonly [SectionAccess, SectionAccess, SectionAccess, SectionAccess, SectionAccess, SectionAccess];

/**
 * The policy, one row per section of the record, columns in ROLE_GROUPS order: the same table as
 * docs/access-policy.md. A new section is one row here (and one there); the `Section` type is
 * these keys (sections.ts).
 */
export const SECTION_ROWS = {
  //                     CARE_HOME  GP      URGENT_CARE ANALYST PRIVACY_OFFICER ADMINISTRATOR
  DEMOGRAPHICS: ["FULL", "FULL", "FULL", "NONE", "NONE", "NONE"],
  PLACEMENTS: ["FULL", "FULL", "NONE", "NONE", "NONE", "NONE"],
  ALLERGIES: ["FULL", "FULL", "FULL", "NONE", "NONE", "NONE"],
  CONDITIONS: ["FULL", "FULL", "NONE", "NONE", "NONE", "NONE"],
  DISCHARGE_SUMMARIES: ["FULL", "FULL", "LIMITED", "NONE", "NONE", "NONE"],
  HOSPITAL_STAYS: ["FULL", "FULL", "NONE", "NONE", "NONE", "NONE"],
  EMERGENCY_CARE: ["FULL", "FULL", "NONE", "NONE", "NONE", "NONE"],
  DIAGNOSTIC_REPORTS: ["FULL", "FULL", "NONE", "NONE", "NONE", "NONE"],
  MEDICATIONS: ["FULL", "FULL", "LIMITED", "NONE", "NONE", "NONE"],
  CARE_PLAN: ["FULL", "FULL", "LIMITED", "NONE", "NONE", "NONE"],
  CARE_PLAN_HISTORY: ["FULL", "FULL", "NONE", "NONE", "NONE", "NONE"],
} as const satisfies Record<string, Row>;

/** The same policy by role group: what each group may see of each section. */
export const SECTION_MATRIX: Record<RoleGroup, Record<Section, SectionAccess>> = Object.fromEntries(
  ROLE_GROUPS.map((group, column) => [group, Object.fromEntries(Object.entries(SECTION_ROWS).map(([section, row]) => [section, row[column]]))]),
) as Record<RoleGroup, Record<Section, SectionAccess>>;

/** Role groups that may see legally restricted data categories. */
export const SEES_RESTRICTED: ReadonlySet<RoleGroup> = new Set(["GP"]);

/** Care home staff keep access for this long after a resident leaves, to hand over and close records. */
export const LEAVER_WINDOW_DAYS = 7;

export interface OrganisationFacts {
  odsCode: string;
  type: string;
  dsptStandardMet: boolean;
  sharingAgreementSigned: boolean;
}

export interface ResidentFacts {
  nhsNumber: string;
  gpPracticeCode: string;
  sharingObjection: boolean;
  placements: { careHomeId: string; startDate: Date; endDate: Date | null }[];
}

export type DenialCode =
  | "ORG_NOT_REGISTERED"
  | "ORG_DSPT_NOT_MET"
  | "ORG_SHARING_AGREEMENT_MISSING"
  | "TRAINING_NOT_COMPLETED"
  | "ROLE_NOT_PERMITTED"
  | "NO_CARE_RELATIONSHIP"
  | "SHARING_OBJECTION";

/**
 * The caller's own tie to the resident, whatever break-glass adds: `CURRENT` — the registered GP
 * practice, or the care home the resident lives at today; `LEAVER` — the home the resident left
 * within the leaver window; `NONE` — no relationship (urgent care, or anyone else).
 */
export type Relationship = "CURRENT" | "LEAVER" | "NONE";

export type ResidentGrant = { allowed: true; group: RoleGroup; breakGlass: boolean; relationship: Relationship } | { allowed: false; code: DenialCode };

/**
 * Preconditions that hold for the caller whatever the resident, for every root field of every
 * subgraph (platform/access/rules.ts applies them). The registry decides the organisation's type: a
 * token's org_type claim that disagrees with it is refused, never believed. A training date after
 * today (UTC) is not a completed training.
 */
export function callerDenial(identity: Identity, org: OrganisationFacts | null, now = new Date()): DenialCode | null {
  const group = ROLE_GROUP[identity.role];
  if (!org || org.odsCode !== identity.orgCode) return "ORG_NOT_REGISTERED";
  if (!GROUP_ORG_TYPES[group].includes(org.type) || org.type !== identity.orgType) return "ROLE_NOT_PERMITTED";
  if (!org.dsptStandardMet) return "ORG_DSPT_NOT_MET";
  if (!org.sharingAgreementSigned) return "ORG_SHARING_AGREEMENT_MISSING";
  if (!identity.trainingCompletedAt || identity.trainingCompletedAt > isoDay(now)) return "TRAINING_NOT_COMPLETED";
  return null;
}

const isoDay = (d: Date) => d.toISOString().slice(0, 10);

function dayOnly(d: Date): number {
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
}

/** True when the resident lives at the caller's care home today (the day they leave included). */
export function placedNow(resident: ResidentFacts, careHomeId: string, now: Date): boolean {
  const today = dayOnly(now);
  return resident.placements.some((p) => p.careHomeId === careHomeId && dayOnly(p.startDate) <= today && (p.endDate === null || dayOnly(p.endDate) >= today));
}

/**
 * True when the resident lives at, or left within the leaver window, the caller's care home. The
 * window is inclusive: a resident who left on day D is visible up to and including day D + 7.
 */
export function placedAt(resident: ResidentFacts, careHomeId: string, now: Date): boolean {
  const today = dayOnly(now);
  return resident.placements.some(
    (p) =>
      p.careHomeId === careHomeId && dayOnly(p.startDate) <= today && (p.endDate === null || dayOnly(p.endDate) + LEAVER_WINDOW_DAYS * 86_400_000 >= today),
  );
}

/** Whether the caller may see this resident at all, and as which role group. */
export function residentGrant(identity: Identity, org: OrganisationFacts | null, resident: ResidentFacts, breakGlassActive: boolean, now: Date): ResidentGrant {
  const denied = callerDenial(identity, org);
  if (denied) return { allowed: false, code: denied };
  const group = ROLE_GROUP[identity.role];
  if (Object.values(SECTION_MATRIX[group]).every((a) => a === "NONE")) return { allowed: false, code: "ROLE_NOT_PERMITTED" };
  const glass = breakGlassActive && CLINICAL_ROLES.has(identity.role);
  const relationship: Relationship =
    group === "GP" && resident.gpPracticeCode === identity.orgCode
      ? "CURRENT"
      : group === "CARE_HOME" && placedNow(resident, identity.orgCode, now)
        ? "CURRENT"
        : group === "CARE_HOME" && placedAt(resident, identity.orgCode, now)
          ? "LEAVER"
          : "NONE";
  const related = group === "URGENT_CARE" || relationship !== "NONE";
  if (!related && !glass) return { allowed: false, code: "NO_CARE_RELATIONSHIP" };
  if (resident.sharingObjection && !glass) return { allowed: false, code: "SHARING_OBJECTION" };
  return { allowed: true, group, breakGlass: glass && (!related || resident.sharingObjection), relationship };
}

/**
 * Whether a grant lets the caller write to the resident's record as `group` (care home staff
 * submit the questionnaire, the GP adds clinical detail and approves). Break-glass is for viewing
 * only: a write needs the caller's own current relationship, with no objection in the way. The
 * leaver window is for reading (handover), not for starting a new plan version.
 */
export function writeDenial(grant: ResidentGrant, group: RoleGroup): DenialCode | null {
  if (!grant.allowed) return grant.code;
  if (grant.group !== group) return "ROLE_NOT_PERMITTED";
  if (grant.relationship !== "CURRENT") return "NO_CARE_RELATIONSHIP";
  // A current relationship that still needed the glass: the resident objected to sharing.
  if (grant.breakGlass) return "SHARING_OBJECTION";
  return null;
}

/**
 * Whether legally restricted history may be shown: only to the role groups in SEES_RESTRICTED and
 * only through the caller's own relationship (the registered GP), never through break-glass alone.
 */
export function seesRestricted(grant: ResidentGrant): boolean {
  return grant.allowed && SEES_RESTRICTED.has(grant.group) && grant.relationship === "CURRENT";
}

export function sectionAccess(group: RoleGroup, section: Section): SectionAccess {
  return SECTION_MATRIX[group][section];
}
