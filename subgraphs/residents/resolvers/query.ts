import type * as Gen from "../generated/resolvers-types.js";

// Who may look up whom is decided before these run (permissions.ts).
export const QueryResolvers: Gen.QueryResolvers = {
  resident: (_, args, ctx) => ctx.loaders.resident.load(args.nhsNumber),
  careHome: (_, args, ctx) => ctx.loaders.careHome.load(args.id),
};
