// Residents subgraph: owns the Resident entity, care homes, GP practices, allergies and conditions.
import type { Database } from "../../platform/db/database.js";
import type { SubgraphDeps } from "../../platform/subgraph/deps.js";
import { defineSubgraph } from "../../platform/subgraph/server.js";
import type { ResidentsContext } from "./context.js";
import { createResidentsLoaders } from "./loaders.js";
import { createResidentsRepository, type ResidentsRepository } from "./repository.js";
import { resolvers } from "./resolvers/index.js";
import { createAccess } from "./access.js";
import { permissions } from "./permissions.js";

export const createResidentsSubgraph = (db: Database, { caches }: SubgraphDeps) =>
  defineSubgraph<ResidentsContext, ResidentsRepository>({
    name: "residents",
    schema: new URL("./schema.graphql", import.meta.url),
    resolvers,
    repo: createResidentsRepository(db, caches.cache("residents")),
    context: (repo, identity) => {
      const loaders = createResidentsLoaders(repo);
      const access = createAccess(repo, loaders, identity);
      // The preconditions rule and the resident grants share one registry lookup per request.
      return { repo, loaders, access, organisation: access.organisation };
    },
    permissions,
  });
