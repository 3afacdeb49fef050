// Usage analytics are for analysts, the audit trail for the privacy officer (the actions readUsage
// and readAccessEvents, platform/access/actions.ts); everything else is denied by default.
import type { IRules } from "graphql-shield";
import { callerPerforms, federationQueryRules, federationTypeRules } from "../../platform/access/rules.js";

const readUsage = callerPerforms("readUsage");
const readAccessEvents = callerPerforms("readAccessEvents");

export const permissions: IRules = {
  ...(federationTypeRules as object),
  // No entities here, so no _entities field: only _service.
  Query: { _service: federationQueryRules._service, usage: readUsage, accessEvents: readAccessEvents },
  AccessEventConnection: readAccessEvents,
  AccessEventEdge: readAccessEvents,
  AccessEvent: readAccessEvents,
  PageInfo: readAccessEvents,
  UsageReport: readUsage,
  UsageCount: readUsage,
  UsageSectionCount: readUsage,
  UsageOrgTypeCount: readUsage,
  UsagePeriodCount: readUsage,
};
