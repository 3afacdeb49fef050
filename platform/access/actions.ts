// The action catalogue: everything a caller can ask the care record to do, beyond reading a
// section of a resident it may see. Each action names the token scope the gateway checks before
// any subgraph is called (`scopesOf` derives each role's scopes from here), who may ever perform
// it, and what it is decided on. Subgraphs decide an action with `performsAction` (rules.ts) in their
// permissions.ts, a shield rule that runs before the resolver, so before any storage; and
// `applyPermissions` refuses to start a subgraph with a root field that performs no action, or
// whose @requiresScopes disagrees with its action's scope. docs/access-policy.md lists the same
// table (test/access-policy-doc.test.ts).
import type { Identity } from "../identity/identity.js";
import {
  CLINICAL_ROLES,
  ROLE_GROUP,
  callerDenial,
  sectionAccess,
  writeDenial,
  type DenialCode,
  type OrganisationFacts,
  type ResidentGrant,
  type RoleGroup,
} from "./policy.js";
import type { Section } from "./sections.js";

export const SCOPES = ["record:read", "careplan:submit", "careplan:clinical", "breakglass:use", "usage:read", "audit:read", "ingest:admin"] as const;
export type Scope = (typeof SCOPES)[number];

/**
 * What an action is decided on:
 * - `caller`: who is asking (their role), whatever the resident;
 * - `resident`: the caller's grant on the resident the action reads;
 * - `residentWrite`: the same grant, for a write (writeDenial: break-glass never authorises one);
 * - `careHome`: the care home the action is about (its own staff only);
 * - `fullSection`: the grant, where the request asks for more than a LIMITED section shows.
 */
export interface Subjects {
  caller: Identity;
  resident: ResidentGrant;
  residentWrite: ResidentGrant;
  careHome: { identity: Identity; organisation: OrganisationFacts | null; careHomeId: string };
  fullSection: ResidentGrant;
}
export type SubjectKind = keyof Subjects;

/** Role groups, or every clinical role (CLINICAL_ROLES) whatever its group. */
type Performers = readonly RoleGroup[] | "CLINICIANS";

export interface ActionEntry {
  scope: Scope;
  performedBy: Performers;
  on: SubjectKind;
  /** The section a ROLE_NOT_PERMITTED refusal names (extensions.section), where it has one. */
  section?: Section | "USAGE" | "AUDIT";
  summary: string;
}

export const ACTIONS = {
  viewResident: { scope: "record:read", performedBy: ["CARE_HOME", "GP", "URGENT_CARE"], on: "resident", summary: "look a resident up by NHS number" },
  viewCareHome: { scope: "record:read", performedBy: ["CARE_HOME", "GP", "URGENT_CARE"], on: "caller", summary: "look a care home up" },
  listCareHomeResidents: { scope: "record:read", performedBy: ["CARE_HOME"], on: "careHome", summary: "list the residents of the caller's own care home" },
  viewMedicationHistory: {
    scope: "record:read",
    performedBy: ["CARE_HOME", "GP"],
    on: "fullSection",
    section: "MEDICATIONS",
    summary: "see medicines that are not current (stopped, completed, ...)",
  },
  submitCarePlan: {
    scope: "careplan:submit",
    performedBy: ["CARE_HOME"],
    on: "residentWrite",
    section: "CARE_PLAN",
    summary: "submit the care plan questionnaire",
  },
  addCarePlanClinicalDetail: {
    scope: "careplan:clinical",
    performedBy: ["GP"],
    on: "residentWrite",
    section: "CARE_PLAN",
    summary: "add clinical detail to a submitted care plan",
  },
  approveCarePlan: { scope: "careplan:clinical", performedBy: ["GP"], on: "residentWrite", section: "CARE_PLAN", summary: "approve a care plan" },
  markSeen: {
    scope: "record:read",
    performedBy: ["CARE_HOME", "GP"],
    on: "residentWrite",
    summary: "mark the changes of a resident's record seen (audited as ACKNOWLEDGED)",
  },
  openBreakGlass: { scope: "breakglass:use", performedBy: "CLINICIANS", on: "caller", summary: "break the glass on a resident's record, with a reason" },
  listBreakGlassSessions: { scope: "audit:read", performedBy: ["PRIVACY_OFFICER"], on: "caller", summary: "list break-glass sessions for review" },
  closeBreakGlassReview: { scope: "audit:read", performedBy: ["PRIVACY_OFFICER"], on: "caller", summary: "close the review of a break-glass session" },
  readUsage: { scope: "usage:read", performedBy: ["ANALYST"], on: "caller", section: "USAGE", summary: "report how the record is used" },
  readAccessEvents: { scope: "audit:read", performedBy: ["PRIVACY_OFFICER"], on: "caller", section: "AUDIT", summary: "read the audit trail" },
  listQuarantinedEntries: {
    scope: "ingest:admin",
    performedBy: ["ADMINISTRATOR"],
    on: "caller",
    summary: "list the FHIR entries patient matching quarantined, by identity only (no clinical content)",
  },
  decideQuarantinedEntries: {
    scope: "ingest:admin",
    performedBy: ["ADMINISTRATOR"],
    on: "caller",
    summary: "match quarantined entries to a resident, or reject them (audited)",
  },
} as const satisfies Record<string, ActionEntry>;

export type Action = keyof typeof ACTIONS;
export type SubjectOf<A extends Action> = Subjects[(typeof ACTIONS)[A]["on"]];

export const isAction = (name: string): name is Action => Object.hasOwn(ACTIONS, name);

/** An action's entry, with the optional parts visible to the type checker. */
export const actionEntry = (action: Action): ActionEntry => ACTIONS[action];

/** Whether a role is among an action's performers (the coarse question the scopes answer). */
export function mayPerform(role: Identity["role"], action: Action): boolean {
  const by = actionEntry(action).performedBy;
  return by === "CLINICIANS" ? CLINICAL_ROLES.has(role) : by.includes(ROLE_GROUP[role]);
}

function groupPerforms(group: RoleGroup, by: Performers): boolean {
  return by !== "CLINICIANS" && by.includes(group);
}

/** The refusal for an action on its subject, or null when the caller may perform it. */
export function actionDenial<A extends Action>(action: A, subject: SubjectOf<A>): DenialCode | null {
  const entry = actionEntry(action);
  switch (entry.on) {
    case "caller":
      return mayPerform((subject as Identity).role, action) ? null : "ROLE_NOT_PERMITTED";
    case "resident": {
      const grant = subject as ResidentGrant;
      if (!grant.allowed) return grant.code;
      return groupPerforms(grant.group, entry.performedBy) ? null : "ROLE_NOT_PERMITTED";
    }
    case "residentWrite": {
      const grant = subject as ResidentGrant;
      // The grant's own group is asked for, so a refusal for the wrong group says ROLE_NOT_PERMITTED.
      if (!grant.allowed) return grant.code;
      return groupPerforms(grant.group, entry.performedBy) ? writeDenial(grant, grant.group) : "ROLE_NOT_PERMITTED";
    }
    case "careHome": {
      const { identity, organisation, careHomeId } = subject as Subjects["careHome"];
      // CareHome is an entity: it can be reached without a root field's preconditions.
      const denied = callerDenial(identity, organisation);
      if (denied) return denied;
      if (!mayPerform(identity.role, action)) return "ROLE_NOT_PERMITTED";
      return identity.orgCode === careHomeId ? null : "NO_CARE_RELATIONSHIP";
    }
    case "fullSection": {
      const grant = subject as ResidentGrant;
      if (!grant.allowed) return grant.code;
      return entry.section && sectionAccess(grant.group, entry.section as Section) === "FULL" ? null : "ROLE_NOT_PERMITTED";
    }
  }
}

/** The scopes a role carries: those of every action it may ever perform. */
export function scopesOf(role: Identity["role"]): Scope[] {
  return SCOPES.filter((scope) => (Object.keys(ACTIONS) as Action[]).some((a) => ACTIONS[a].scope === scope && mayPerform(role, a)));
}
