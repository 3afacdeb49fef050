// Discharge subgraph: hospital stays, discharge summaries and emergency care, contributed to Resident.
import type { Database } from "../kernel/database.js";
import { defineSubgraph } from "../kernel/subgraph-server.js";
import type { DischargeContext } from "./context.js";
import { createDischargeLoaders } from "./loaders.js";
import { createDischargeRepository, type DischargeRepository } from "./repository.js";
import { resolvers } from "./resolvers/index.js";

export const createDischargeSubgraph = (db: Database) =>
  defineSubgraph<DischargeContext, DischargeRepository>({
    name: "discharge",
    schema: new URL("./schema.graphql", import.meta.url),
    resolvers,
    repo: createDischargeRepository(db),
    context: (repo) => ({ loaders: createDischargeLoaders(repo) }),
  });
