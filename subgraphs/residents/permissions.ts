// Who may resolve which field in the residents subgraph. Deny by default; every section of
// Resident goes through the access policy for the caller and that resident.
import { allow, rule, type IRules } from "graphql-shield";
import { CLINICAL_ROLES } from "../../platform/access/policy.js";
import { denialError, federationQueryRules, federationTypeRules, sectionRule } from "../../platform/access/rules.js";
import type { ResidentsContext } from "./context.js";

const grantOf = (r: { nhsNumber: string }, ctx: ResidentsContext) => ctx.access.grant(r.nhsNumber);
const demographics = sectionRule("DEMOGRAPHICS", grantOf);

const isClinician = rule("clinician", { cache: "contextual" })((_p: unknown, _a: unknown, ctx: ResidentsContext) =>
  CLINICAL_ROLES.has(ctx.identity.role) ? true : denialError("ROLE_NOT_PERMITTED"),
);
const isPrivacyOfficer = rule("privacy-officer", { cache: "contextual" })((_p: unknown, _a: unknown, ctx: ResidentsContext) =>
  ctx.identity.role === "privacy_officer" ? true : denialError("ROLE_NOT_PERMITTED"),
);

export const permissions: IRules = {
  ...(federationTypeRules as object),
  Query: { ...federationQueryRules, resident: allow, careHome: allow, breakGlassSessions: isPrivacyOfficer },
  Mutation: { breakGlass: isClinician, closeBreakGlassReview: isPrivacyOfficer },
  Resident: {
    nhsNumber: allow,
    accessGrant: allow,
    name: demographics,
    dateOfBirth: demographics,
    sex: demographics,
    gpPractice: demographics,
    currentPlacement: demographics,
    sharingObjection: demographics,
    provenance: demographics,
    placements: sectionRule("PLACEMENTS", grantOf),
    allergies: sectionRule("ALLERGIES", grantOf),
    conditions: sectionRule("CONDITIONS", grantOf),
  },
  // Reachable only through a permitted parent, or organisational rather than personal data.
  ...Object.fromEntries(
    ["HumanName", "SharingObjection", "CareHome", "ResidentConnection", "ResidentEdge", "GpPractice", "Placement", "Allergy",
      "AllergyReaction", "Condition", "Provenance", "PageInfo", "ResidentAccessGrant", "BreakGlassSession",
      "BreakGlassSessionConnection", "BreakGlassSessionEdge"].map((t) => [t, allow]),
  ),
};
