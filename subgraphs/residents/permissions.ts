// Who may resolve which field in the residents subgraph. Deny by default; every section of
// Resident goes through the access policy for the caller and that resident.
import { allow, rule, type IRules } from "graphql-shield";
import { CLINICAL_ROLES } from "../../platform/access/policy.js";
import { denialError, federationQueryRules, federationTypeRules, residentFieldRules, typesBehindTheirParent } from "../../platform/access/rules.js";
import { loadTypeDefs } from "../../platform/subgraph/server.js";
import type { ResidentsContext } from "./context.js";
import { about } from "./manifest.js";

const grantOf = (r: { nhsNumber: string }, ctx: ResidentsContext) => ctx.access.grant(r.nhsNumber);

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
  Resident: { nhsNumber: allow, accessGrant: allow, ...residentFieldRules(about.residentFields, grantOf) },
  // Reachable only through a permitted parent, or organisational rather than personal data.
  ...Object.fromEntries(typesBehindTheirParent(loadTypeDefs(about.schema)).map((t) => [t, allow])),
};
