// Medications subgraph: prescriptions with EPS dispensing status, contributed to Resident.
import type { Database } from "../../platform/db/database.js";
import { defineManifest } from "../../platform/subgraph/manifest.js";
import { about } from "./manifest.js";
import type { SubgraphDeps } from "../../platform/subgraph/deps.js";
import { defineSubgraph, loadTypeDefs } from "../../platform/subgraph/server.js";
import { contributedSectionsPermissions } from "../../platform/access/contributed.js";
import type { MedicationsContext } from "./context.js";
import { createMedicationsLoaders } from "./loaders.js";
import { createMedicationsRepository, type MedicationsRepository } from "./repository.js";
import { resolvers } from "./resolvers/index.js";
import { createMedicationsSeeder } from "./seed.js";

const createMedicationsSubgraph = (db: Database, { caches }: SubgraphDeps) =>
  defineSubgraph<MedicationsContext, MedicationsRepository>({
    about,
    resolvers,
    repo: createMedicationsRepository(db, caches.cache(about.name)),
    permissions: contributedSectionsPermissions(loadTypeDefs(about.schema), about.residentFields),
    context: (repo) => ({ loaders: createMedicationsLoaders(repo) }),
  });

export const manifest = defineManifest(about, {
  create: createMedicationsSubgraph,
  seeder: createMedicationsSeeder,
});
