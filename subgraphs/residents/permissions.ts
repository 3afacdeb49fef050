// Who may resolve which field in the residents subgraph. Deny by default; every root field performs
// one action of the catalogue (platform/access/actions.ts), every section of Resident goes through
// the access policy for the caller and that resident.
import { allow, type IRules } from "graphql-shield";
import {
  callerPerforms,
  federationQueryRules,
  federationTypeRules,
  performsAction,
  residentFieldRules,
  typesBehindTheirParent,
} from "../../platform/access/rules.js";
import { loadTypeDefs } from "../../platform/subgraph/server.js";
import type * as Gen from "./generated/resolvers-types.js";
import type { ResidentsContext } from "./context.js";
import { about } from "./manifest.js";

const grantOf = (r: { nhsNumber: string }, ctx: ResidentsContext) => ctx.access.grant(r.nhsNumber);
// Both decisions on quarantined entries are one action (graphql-shield wants one rule per name).
const decidesQuarantine = callerPerforms("decideQuarantinedEntries");

export const permissions: IRules = {
  ...(federationTypeRules as object),
  // Reachable only through a permitted parent, or organisational rather than personal data.
  ...Object.fromEntries(typesBehindTheirParent(loadTypeDefs(about.schema)).map((t) => [t, allow])),
  Query: {
    ...federationQueryRules,
    // A denied lookup is an error whether or not the record exists, so the answer never reveals
    // that a resident is known to the care record.
    resident: performsAction("viewResident", (_, args: Gen.QueryResidentArgs, ctx: ResidentsContext) => ctx.access.grant(args.nhsNumber)),
    careHome: callerPerforms("viewCareHome"),
    breakGlassSessions: callerPerforms("listBreakGlassSessions"),
    quarantinedEntries: callerPerforms("listQuarantinedEntries"),
  },
  Mutation: {
    breakGlass: callerPerforms("openBreakGlass"),
    closeBreakGlassReview: callerPerforms("closeBreakGlassReview"),
    matchQuarantined: decidesQuarantine,
    rejectQuarantined: decidesQuarantine,
  },
  Resident: { nhsNumber: allow, accessGrant: allow, ...residentFieldRules(about.residentFields, grantOf, loadTypeDefs(about.schema)) },
  // Only the home's own staff list its residents (a GP or urgent care looks people up by NHS number).
  CareHome: {
    "*": allow,
    residents: performsAction("listCareHomeResidents", async (home: { id: string }, _, ctx: ResidentsContext) => ({
      identity: ctx.identity,
      organisation: await ctx.access.organisation(),
      careHomeId: home.id,
    })),
  },
};
