// The one place where the access events' stored text becomes the client schema's enums. The
// gateway writes the role and organisation type as its tokens carry them (lower case), the section
// as the access policy names it (or RECORD) and the error code the user was given; the database
// keeps that text as it is. Anything the tables do not know maps to UNKNOWN, so an old or foreign
// row never fails a query. The compile-time checks below fail `tsc` when the schema's enum and the
// values the code can store drift apart (a new section needs its value in AccessSection).
import { OrgType, Role } from "../../platform/identity/identity.js";
import { SECTIONS, type Section } from "../../platform/access/sections.js";
import type { DenialCode } from "../../platform/access/policy.js";
import { DENIAL_MESSAGES } from "../../platform/access/rules.js";
import { enumMapping, type SameValues } from "../../platform/graphql/enum-mapping.js";
import type * as Gen from "./generated/resolvers-types.js";
import type { UsageFilter } from "./repository.js";

const upperCase = <T extends string>(values: readonly T[]) => Object.fromEntries(values.map((v) => [v, v.toUpperCase() as Uppercase<T>]));
const asIs = <T extends string>(values: readonly T[]) => Object.fromEntries(values.map((v) => [v, v]));

/** Organisation types: care_home is CARE_HOME. */
export const orgTypeOf = enumMapping<Gen.UsageOrgType>(upperCase(OrgType.options), "UNKNOWN");
const _orgTypes: SameValues<Uppercase<OrgType> | "UNKNOWN", Gen.UsageOrgType> = true;

/**
 * The rollups' filter for an organisation type: its stored (lower-case) text; for UNKNOWN, every
 * stored type other than those the schema names; for null, every type.
 */
export function orgTypeFilter(type: Gen.UsageOrgType | null | undefined): Pick<UsageFilter, "orgType" | "orgTypeNotIn"> {
  if (type == null) return { orgType: null, orgTypeNotIn: null };
  if (type === "UNKNOWN") return { orgType: null, orgTypeNotIn: OrgType.options };
  return { orgType: type.toLowerCase(), orgTypeNotIn: null };
}

/** Roles: care_home_nurse is CARE_HOME_NURSE. */
export const userRoleOf = enumMapping<Gen.UserRole>(upperCase(Role.options), "UNKNOWN");
const _roles: SameValues<Uppercase<Role> | "UNKNOWN", Gen.UserRole> = true;

/** Sections of the access policy, and RECORD for a look-up refused as a whole (gateway/audit/collect.ts). */
export const sectionOf = enumMapping<Gen.AccessSection>(asIs([...SECTIONS, "RECORD" as const]), "UNKNOWN");
const _sections: SameValues<Section | "RECORD" | "UNKNOWN", Gen.AccessSection> = true;

/**
 * Codes the gateway records with a DENIED or UNAVAILABLE section: an access rule's denial, or the
 * field-level code of the error at the section (README "Errors"); a section without a code is
 * recorded as INTERNAL_SERVER_ERROR, one cut short by the deadline as SERVICE_UNAVAILABLE.
 */
const SECTION_ERROR_CODES = ["FORBIDDEN", "NOT_FOUND", "BAD_USER_INPUT", "SOURCE_UNAVAILABLE", "SERVICE_UNAVAILABLE", "INTERNAL_SERVER_ERROR"] as const;
/** The access rules' denials: what the gateway records as DENIED (gateway/audit/collect.ts). */
const DENIAL_CODES = Object.keys(DENIAL_MESSAGES) as DenialCode[];
export const errorCodeOf = enumMapping<Gen.AccessErrorCode>(asIs([...DENIAL_CODES, ...SECTION_ERROR_CODES]), "UNKNOWN");
const _errorCodes: SameValues<DenialCode | (typeof SECTION_ERROR_CODES)[number] | "UNKNOWN", Gen.AccessErrorCode> = true;
