import type * as Gen from "../generated/resolvers-types.js";
import type { Resident } from "../repository.js";
import { decodeCursor, pageSize, toConnection } from "../../../platform/graphql/paging.js";

export const CareHomeResolvers: Gen.CareHomeResolvers = {
  __resolveReference: (ref, ctx) => ctx.loaders.careHome.load(ref.id),
  // Only the home's own staff get here (permissions.ts: listCareHomeResidents).
  residents: async (home, args, ctx) => {
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
