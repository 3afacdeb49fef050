// Care plans subgraph: versioned personalised and urgent-care plans, contributed to Resident.
import type { Database } from "../../platform/db/database.js";
import { defineManifest } from "../../platform/subgraph/manifest.js";
import { about } from "./manifest.js";
import type { SubgraphDeps } from "../../platform/subgraph/deps.js";
import { defineSubgraph } from "../../platform/subgraph/server.js";
import { requestGrants } from "../../platform/access/peer-grant.js";
import { permissions } from "./permissions.js";
import type { CareplansContext } from "./context.js";
import { createCareplansLoaders } from "./loaders.js";
import { createCareplansRepository, type CareplansRepository } from "./repository.js";
import { resolvers } from "./resolvers/index.js";
import { createCareplansSeeder } from "./seed.js";
import { createOrganisationRegistry } from "../residents/registry.js";

const createCareplansSubgraph = (db: Database, { peers, caches }: SubgraphDeps) =>
  defineSubgraph<CareplansContext, CareplansRepository>({
    about,
    resolvers,
    repo: createCareplansRepository(db, caches.cache(about.name)),
    permissions,
    registry: createOrganisationRegistry(db, caches),
    context: (repo, identity) => ({ repo, loaders: createCareplansLoaders(repo), grantFor: requestGrants(peers, identity) }),
  });

export const manifest = defineManifest(about, {
  create: createCareplansSubgraph,
  seeder: createCareplansSeeder,
});
