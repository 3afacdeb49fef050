// Discharge subgraph: hospital stays, discharge summaries and emergency care, contributed to Resident.
import type { Database } from "../kernel/database.js";
import { loadTypeDefs, type SubgraphModule } from "../kernel/subgraph-server.js";
import type { GraphQLResolverMap } from "@apollo/subgraph/dist/schema-helper/index.js";
import type { DischargeContext } from "./context.js";
import { createDischargeLoaders } from "./loaders.js";
import { createDischargeRepository } from "./repository.js";
import { resolvers } from "./resolvers/index.js";

export function createDischargeSubgraph(db: Database): SubgraphModule<DischargeContext> {
  const repo = createDischargeRepository(db);
  return {
    name: "discharge",
    typeDefs: loadTypeDefs(new URL("./schema.graphql", import.meta.url)),
    resolvers: resolvers as unknown as GraphQLResolverMap<DischargeContext>,
    createContext: (identity) => ({ identity, loaders: createDischargeLoaders(repo) }),
    ping: repo.ping,
    close: repo.close,
  };
}
