import type { ResidentsContext } from "../context.js";

export const Query = {
  resident: (_: unknown, args: { nhsNumber: string }, ctx: ResidentsContext) => ctx.loaders.resident.load(args.nhsNumber),
  careHome: (_: unknown, args: { id: string }, ctx: ResidentsContext) => ctx.loaders.careHome.load(args.id),
};
