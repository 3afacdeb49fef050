import type { ResidentsContext } from "../context.js";
import type { CareHome } from "../repository.js";
import { decodeCursor, pageSize, toConnection } from "../../kernel/paging.js";

export const CareHomeResolvers = {
  __resolveReference: (ref: { id: string }, ctx: ResidentsContext) => ctx.loaders.careHome.load(ref.id),
  residents: async (home: CareHome, args: { first?: number | null; after?: string | null }, ctx: ResidentsContext) => {
    const size = pageSize(args.first);
    const after = decodeCursor(args.after, 1);
    const rows = await ctx.repo.currentResidentsOfHome(home.id, (after?.[0] as string | undefined) ?? null, size + 1);
    const connection = toConnection(rows, size, (r) => [r.nhsNumber]);
    const residents = await ctx.loaders.resident.loadMany(connection.edges.map((e) => e.node.nhsNumber));
    return {
      pageInfo: connection.pageInfo,
      edges: connection.edges.map((e, i) => ({ cursor: e.cursor, node: residents[i] })),
    };
  },
};

export const GpPracticeResolvers = {
  __resolveReference: (ref: { odsCode: string }, ctx: ResidentsContext) => ctx.loaders.gpPractice.load(ref.odsCode),
};
