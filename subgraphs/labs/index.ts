// Labs subgraph: diagnostic reports and observations contributed to Resident.
import type { Database } from "../../platform/db/database.js";
import { defineManifest } from "../../platform/subgraph/manifest.js";
import { about } from "./manifest.js";
import type { SubgraphDeps } from "../../platform/subgraph/deps.js";
import { defineSubgraph, loadTypeDefs } from "../../platform/subgraph/server.js";
import { contributedSectionsPermissions } from "../../platform/access/contributed.js";
import type { LabsContext } from "./context.js";
import { createLabsLoaders } from "./loaders.js";
import { createLabsRepository, type LabsRepository } from "./repository.js";
import { resolvers } from "./resolvers/index.js";
import { createLabsSeeder } from "./seed.js";

const createLabsSubgraph = (db: Database, { caches }: SubgraphDeps) =>
  defineSubgraph<LabsContext, LabsRepository>({
    about,
    resolvers,
    repo: createLabsRepository(db, caches.cache(about.name)),
    permissions: contributedSectionsPermissions(loadTypeDefs(about.schema), about.residentFields),
    context: (repo) => ({ loaders: createLabsLoaders(repo) }),
  });

export const manifest = defineManifest(about, {
  create: createLabsSubgraph,
  seeder: createLabsSeeder,
});
