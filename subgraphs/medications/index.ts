// Medications subgraph: prescriptions with EPS dispensing status, contributed to Resident.
import type { Database } from "../kernel/database.js";
import { defineSubgraph } from "../kernel/subgraph-server.js";
import type { MedicationsContext } from "./context.js";
import { createMedicationsLoaders } from "./loaders.js";
import { createMedicationsRepository, type MedicationsRepository } from "./repository.js";
import { resolvers } from "./resolvers/index.js";

export const createMedicationsSubgraph = (db: Database) =>
  defineSubgraph<MedicationsContext, MedicationsRepository>({
    name: "medications",
    schema: new URL("./schema.graphql", import.meta.url),
    resolvers,
    repo: createMedicationsRepository(db),
    context: (repo) => ({ loaders: createMedicationsLoaders(repo) }),
  });
