import { denialError } from "../../../platform/access/rules.js";
import type { ResidentsContext } from "../context.js";

export const QueryResolvers = {
  // A denied lookup is an error, whether or not the record exists, so the answer never reveals
  // that a resident is known to the care record.
  resident: async (_: unknown, args: { nhsNumber: string }, ctx: ResidentsContext) => {
    const grant = await ctx.access.grant(args.nhsNumber);
    if (!grant.allowed) throw denialError(grant.code);
    return ctx.loaders.resident.load(args.nhsNumber);
  },
  careHome: (_: unknown, args: { id: string }, ctx: ResidentsContext) => ctx.loaders.careHome.load(args.id),
};
