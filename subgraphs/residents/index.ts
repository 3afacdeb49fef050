// Residents subgraph: owns the Resident entity, care homes, GP practices, allergies and conditions.
import type { Database } from "../kernel/database.js";
import { loadTypeDefs, type SubgraphModule } from "../kernel/subgraph-server.js";
import type { GraphQLResolverMap } from "@apollo/subgraph/dist/schema-helper/index.js";
import type { ResidentsContext } from "./context.js";
import { createResidentsLoaders } from "./loaders.js";
import { createResidentsRepository } from "./repository.js";
import { resolvers } from "./resolvers/index.js";

export function createResidentsSubgraph(db: Database): SubgraphModule<ResidentsContext> {
  const repo = createResidentsRepository(db);
  return {
    name: "residents",
    typeDefs: loadTypeDefs(new URL("./schema.graphql", import.meta.url)),
    resolvers: resolvers as unknown as GraphQLResolverMap<ResidentsContext>,
    createContext: (identity) => ({ identity, repo, loaders: createResidentsLoaders(repo) }),
    ping: repo.ping,
    close: repo.close,
  };
}
