// Labs subgraph: diagnostic reports and observations contributed to Resident.
import type { Database } from "../kernel/database.js";
import { defineSubgraph } from "../kernel/subgraph-server.js";
import type { LabsContext } from "./context.js";
import { createLabsLoaders } from "./loaders.js";
import { createLabsRepository, type LabsRepository } from "./repository.js";
import { resolvers } from "./resolvers/index.js";

export const createLabsSubgraph = (db: Database) =>
  defineSubgraph<LabsContext, LabsRepository>({
    name: "labs",
    schema: new URL("./schema.graphql", import.meta.url),
    resolvers,
    repo: createLabsRepository(db),
    context: (repo) => ({ loaders: createLabsLoaders(repo) }),
  });
