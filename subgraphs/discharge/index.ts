// Discharge subgraph: hospital stays, discharge summaries and emergency care, contributed to Resident.
import type { Database } from "../../platform/db/database.js";
import { defineManifest } from "../../platform/subgraph/manifest.js";
import { about } from "./manifest.js";
import type { SubgraphDeps } from "../../platform/subgraph/deps.js";
import { defineSubgraph, loadTypeDefs } from "../../platform/subgraph/server.js";
import { contributedSectionsPermissions } from "../../platform/access/contributed.js";
import type { DischargeContext } from "./context.js";
import { createDischargeLoaders } from "./loaders.js";
import { createDischargeRepository, type DischargeRepository } from "./repository.js";
import { resolvers } from "./resolvers/index.js";
import { createDischargeSeeder } from "./seed.js";

const createDischargeSubgraph = (db: Database, { caches }: SubgraphDeps) =>
  defineSubgraph<DischargeContext, DischargeRepository>({
    about,
    resolvers,
    repo: createDischargeRepository(db, caches.cache(about.name)),
    permissions: contributedSectionsPermissions(loadTypeDefs(about.schema), about.residentFields),
    context: (repo) => ({ loaders: createDischargeLoaders(repo) }),
  });

export const manifest = defineManifest(about, {
  create: createDischargeSubgraph,
  seeder: createDischargeSeeder,
});
