// The grant as it travels between subgraphs (ResidentAccessGrant in platform/graphql/shared.graphql).
import type { DenialCode, Relationship, ResidentGrant, RoleGroup } from "./policy.js";

export interface GrantWire {
  allowed: boolean;
  group: string | null;
  code: string | null;
  breakGlass: boolean;
  /** CURRENT, LEAVER or NONE; absent (the sections' @requires do not ask for it) reads as NONE. */
  relationship?: string | null;
}

export const toWire = (grant: ResidentGrant): GrantWire =>
  grant.allowed
    ? { allowed: true, group: grant.group, code: null, breakGlass: grant.breakGlass, relationship: grant.relationship }
    : { allowed: false, group: null, code: grant.code, breakGlass: false, relationship: "NONE" };

const RELATIONSHIPS: ReadonlySet<string> = new Set(["CURRENT", "LEAVER", "NONE"]);
const GROUPS: ReadonlySet<string> = new Set(["CARE_HOME", "GP", "URGENT_CARE", "ANALYST", "PRIVACY_OFFICER", "ADMINISTRATOR"]);

/**
 * Reads the grant the gateway passed in a representation. Anything missing or malformed denies:
 * a subgraph never shows a section without a decision from the residents subgraph.
 */
export function fromWire(wire: Partial<GrantWire> | null | undefined): ResidentGrant {
  if (wire?.allowed === true && typeof wire.group === "string" && GROUPS.has(wire.group))
    return {
      allowed: true,
      group: wire.group as RoleGroup,
      breakGlass: wire.breakGlass === true,
      relationship: (RELATIONSHIPS.has(wire.relationship ?? "") ? wire.relationship : "NONE") as Relationship,
    };
  return { allowed: false, code: (typeof wire?.code === "string" ? wire.code : "ROLE_NOT_PERMITTED") as DenialCode };
}
