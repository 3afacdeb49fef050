// Usage analytics are for analysts, the audit trail for the privacy officer (the actions readUsage
// and readAccessEvents, platform/access/actions.ts); "what's new" (ADR 0006) for whoever may see the
// resident (viewResident), the home's summary for its own staff (listCareHomeResidents), and
// markSeen for care home staff and GPs with a current relationship, never under break-glass (the
// action markSeen, a write). Everything else is denied by default.
import { allow, type IRules } from "graphql-shield";
import { grantOf, type ResidentRepresentation } from "../../platform/access/contributed.js";
import { callerPerforms, federationQueryRules, federationTypeRules, performsAction } from "../../platform/access/rules.js";
import type * as Gen from "./generated/resolvers-types.js";
import type { UsageContext } from "./context.js";

const readUsage = callerPerforms("readUsage");
const readAccessEvents = callerPerforms("readAccessEvents");

export const permissions: IRules = {
  ...(federationTypeRules as object),
  Query: { ...federationQueryRules, usage: readUsage, accessEvents: readAccessEvents },
  Mutation: {
    markSeen: performsAction("markSeen", (_, args: Gen.MutationMarkSeenArgs, ctx: UsageContext) => ctx.grantFor(args.input.nhsNumber)),
  },
  AccessEventConnection: readAccessEvents,
  AccessEventEdge: readAccessEvents,
  AccessEvent: readAccessEvents,
  PageInfo: readAccessEvents,
  UsageReport: readUsage,
  UsageCount: readUsage,
  UsageSectionCount: readUsage,
  UsageOrgTypeCount: readUsage,
  UsagePeriodCount: readUsage,
  Resident: {
    nhsNumber: allow,
    accessGrant: allow,
    unseen: performsAction("viewResident", (resident: ResidentRepresentation) => grantOf(resident)),
  },
  CareHome: {
    id: allow,
    unseen: performsAction("listCareHomeResidents", async (home: { id: string }, _, ctx: UsageContext) => ({
      identity: ctx.identity,
      organisation: (await ctx.organisation?.()) ?? null,
      careHomeId: home.id,
    })),
  },
  // Reachable only through a permitted parent (the grant: only as the gateway's representation echoes it).
  ResidentAccessGrant: allow,
  ResidentUnseen: allow,
  UnseenSection: allow,
  UnseenChange: allow,
  SourceOutage: allow,
  CareHomeUnseen: allow,
  CareHomeUnseenSection: allow,
  MarkSeenPayload: allow,
  MarkSeenUserError: allow,
};
