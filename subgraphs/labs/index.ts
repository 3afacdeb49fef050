// Labs subgraph: diagnostic reports and observations contributed to Resident.
import type { Database } from "../kernel/database.js";
import { loadTypeDefs, type SubgraphModule } from "../kernel/subgraph-server.js";
import type { GraphQLResolverMap } from "@apollo/subgraph/dist/schema-helper/index.js";
import type { LabsContext } from "./context.js";
import { createLabsLoaders } from "./loaders.js";
import { createLabsRepository } from "./repository.js";
import { resolvers } from "./resolvers/index.js";

export function createLabsSubgraph(db: Database): SubgraphModule<LabsContext> {
  const repo = createLabsRepository(db);
  return {
    name: "labs",
    typeDefs: loadTypeDefs(new URL("./schema.graphql", import.meta.url)),
    resolvers: resolvers as unknown as GraphQLResolverMap<LabsContext>,
    createContext: (identity) => ({ identity, loaders: createLabsLoaders(repo) }),
    ping: repo.ping,
    close: repo.close,
  };
}
