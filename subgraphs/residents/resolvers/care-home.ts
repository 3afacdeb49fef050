import type * as Gen from "../generated/resolvers-types.js";
import type { Resident } from "../repository.js";
import { decodeCursor, pageSize, toConnection } from "../../../platform/graphql/paging.js";
import { callerDenial, ROLE_GROUP } from "../../../platform/access/policy.js";
import { denialError } from "../../../platform/access/rules.js";

export const CareHomeResolvers: Gen.CareHomeResolvers = {
  __resolveReference: (ref, ctx) => ctx.loaders.careHome.load(ref.id),
  // Only the home's own staff list its residents (a GP or urgent care looks people up by NHS number).
  residents: async (home, args, ctx) => {
    const denied = callerDenial(ctx.identity, await ctx.access.organisation());
    if (denied) throw denialError(denied);
    if (ROLE_GROUP[ctx.identity.role] !== "CARE_HOME") throw denialError("ROLE_NOT_PERMITTED");
    if (ctx.identity.orgCode !== home.id) throw denialError("NO_CARE_RELATIONSHIP");
    const size = pageSize(args.first);
    const after = decodeCursor(args.after, 1);
    const rows = await ctx.repo.currentResidentsOfHome(home.id, (after?.[0] as string | undefined) ?? null, size + 1);
    const connection = toConnection(rows, size, (r) => [r.nhsNumber]);
    const residents = await ctx.loaders.resident.loadMany(connection.edges.map((e) => e.node.nhsNumber));
    return {
      pageInfo: connection.pageInfo,
      // Typed as a row, though loadMany may give an Error (or nothing) for one key: graphql-js throws
      // a returned Error and refuses a null node, so that edge fails on its own, as before.
      edges: connection.edges.map((e, i) => ({ cursor: e.cursor, node: residents[i] as Resident })),
    };
  },
};

export const GpPracticeResolvers: Gen.GpPracticeResolvers = {
  __resolveReference: (ref, ctx) => ctx.loaders.gpPractice.load(ref.odsCode),
};
