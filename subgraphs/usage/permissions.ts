// Usage analytics are for analysts, the audit trail for the privacy officer; everything else is
// denied by default.
import { rule, type IRules } from "graphql-shield";
import { denialError } from "../../platform/access/rules.js";
import { federationQueryRules, federationTypeRules } from "../../platform/access/rules.js";
import type { UsageContext } from "./context.js";

const isAnalyst = rule("analyst", { cache: "contextual" })((_p: unknown, _a: unknown, ctx: UsageContext) =>
  ctx.identity.role === "analyst" ? true : denialError("ROLE_NOT_PERMITTED", { section: "USAGE" }),
);

const isPrivacyOfficer = rule("privacy-officer", { cache: "contextual" })((_p: unknown, _a: unknown, ctx: UsageContext) =>
  ctx.identity.role === "privacy_officer" ? true : denialError("ROLE_NOT_PERMITTED", { section: "AUDIT" }),
);

export const permissions: IRules = {
  ...(federationTypeRules as object),
  // No entities here, so no _entities field: only _service.
  Query: { _service: federationQueryRules._service, usage: isAnalyst, accessEvents: isPrivacyOfficer },
  AccessEventConnection: isPrivacyOfficer,
  AccessEventEdge: isPrivacyOfficer,
  AccessEvent: isPrivacyOfficer,
  PageInfo: isPrivacyOfficer,
  UsageReport: isAnalyst,
  UsageCount: isAnalyst,
  UsagePeriodCount: isAnalyst,
};
