import { denialError } from "../../../platform/access/rules.js";
import type * as Gen from "../generated/resolvers-types.js";

export const QueryResolvers: Gen.QueryResolvers = {
  // A denied lookup is an error, whether or not the record exists, so the answer never reveals
  // that a resident is known to the care record.
  resident: async (_, args, ctx) => {
    const grant = await ctx.access.grant(args.nhsNumber);
    if (!grant.allowed) throw denialError(grant.code);
    return ctx.loaders.resident.load(args.nhsNumber);
  },
  careHome: (_, args, ctx) => ctx.loaders.careHome.load(args.id),
};
