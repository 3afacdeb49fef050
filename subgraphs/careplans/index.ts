// Care plans subgraph: versioned personalised and urgent-care plans, contributed to Resident.
import type { Database } from "../kernel/database.js";
import { defineSubgraph } from "../kernel/subgraph-server.js";
import type { CareplansContext } from "./context.js";
import { createCareplansLoaders } from "./loaders.js";
import { createCareplansRepository, type CareplansRepository } from "./repository.js";
import { resolvers } from "./resolvers/index.js";

export const createCareplansSubgraph = (db: Database) =>
  defineSubgraph<CareplansContext, CareplansRepository>({
    name: "careplans",
    schema: new URL("./schema.graphql", import.meta.url),
    resolvers,
    repo: createCareplansRepository(db),
    context: (repo) => ({ loaders: createCareplansLoaders(repo) }),
  });
