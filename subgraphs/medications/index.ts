// Medications subgraph: prescriptions with EPS dispensing status, contributed to Resident.
import type { Database } from "../kernel/database.js";
import { loadTypeDefs, type SubgraphModule } from "../kernel/subgraph-server.js";
import type { GraphQLResolverMap } from "@apollo/subgraph/dist/schema-helper/index.js";
import type { MedicationsContext } from "./context.js";
import { createMedicationsLoaders } from "./loaders.js";
import { createMedicationsRepository } from "./repository.js";
import { resolvers } from "./resolvers/index.js";

export function createMedicationsSubgraph(db: Database): SubgraphModule<MedicationsContext> {
  const repo = createMedicationsRepository(db);
  return {
    name: "medications",
    typeDefs: loadTypeDefs(new URL("./schema.graphql", import.meta.url)),
    resolvers: resolvers as unknown as GraphQLResolverMap<MedicationsContext>,
    createContext: (identity) => ({ identity, loaders: createMedicationsLoaders(repo) }),
    ping: repo.ping,
    close: repo.close,
  };
}
