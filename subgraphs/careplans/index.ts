// Care plans subgraph: versioned personalised and urgent-care plans, contributed to Resident.
import type { Database } from "../kernel/database.js";
import { loadTypeDefs, type SubgraphModule } from "../kernel/subgraph-server.js";
import type { GraphQLResolverMap } from "@apollo/subgraph/dist/schema-helper/index.js";
import type { CareplansContext } from "./context.js";
import { createCareplansLoaders } from "./loaders.js";
import { createCareplansRepository } from "./repository.js";
import { resolvers } from "./resolvers/index.js";

export function createCareplansSubgraph(db: Database): SubgraphModule<CareplansContext> {
  const repo = createCareplansRepository(db);
  return {
    name: "careplans",
    typeDefs: loadTypeDefs(new URL("./schema.graphql", import.meta.url)),
    resolvers: resolvers as unknown as GraphQLResolverMap<CareplansContext>,
    createContext: (identity) => ({ identity, loaders: createCareplansLoaders(repo) }),
    ping: repo.ping,
    close: repo.close,
  };
}
