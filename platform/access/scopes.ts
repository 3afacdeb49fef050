// Coarse scopes: which kinds of operation a role may start at all. The schema declares them with
// @requiresScopes on root fields and the gateway refuses an operation whose token lacks them before
// any subgraph is called. The fine rules (which resident, which section) stay in the subgraphs;
// scopes are strictly coarser, so a scope can never grant what a shield rule refuses.
import type { Role } from "../identity/identity.js";
import { CLINICAL_ROLES, ROLE_GROUP, type RoleGroup } from "./policy.js";

export const SCOPES = ["record:read", "careplan:submit", "careplan:clinical", "breakglass:use", "usage:read", "audit:read"] as const;
export type Scope = (typeof SCOPES)[number];

const GROUP_SCOPES: Record<RoleGroup, readonly Scope[]> = {
  CARE_HOME: ["record:read", "careplan:submit"],
  GP: ["record:read", "careplan:clinical"],
  URGENT_CARE: ["record:read"],
  ANALYST: ["usage:read"],
  PRIVACY_OFFICER: ["audit:read"],
  ADMINISTRATOR: [],
};

/** The scopes a role carries: its group's, plus break-glass for clinicians. */
export function scopesOf(role: Role): Scope[] {
  const scopes = [...GROUP_SCOPES[ROLE_GROUP[role]]];
  if (CLINICAL_ROLES.has(role)) scopes.push("breakglass:use");
  return scopes;
}
