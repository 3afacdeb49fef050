// Residents subgraph: owns the Resident entity, care homes, GP practices, allergies and conditions.
import type { Database } from "../../platform/db/database.js";
import { defineManifest } from "../../platform/subgraph/manifest.js";
import { about } from "./manifest.js";
import type { SubgraphDeps } from "../../platform/subgraph/deps.js";
import { defineSubgraph } from "../../platform/subgraph/server.js";
import type { ResidentsContext } from "./context.js";
import { createResidentsLoaders } from "./loaders.js";
import { createResidentsRepository, residentsApplier, type ResidentsRepository } from "./repository.js";
import { resolvers } from "./resolvers/index.js";
import { createResidentsSeeder } from "./seed.js";
import { createAccess } from "./access.js";
import { permissions } from "./permissions.js";
import { residentsMatcher } from "./fhir.js";
import { createQuarantine } from "./quarantine.js";

const createResidentsSubgraph = (db: Database, { caches, ingest }: SubgraphDeps) =>
  defineSubgraph<ResidentsContext, ResidentsRepository>({
    about,
    resolvers,
    repo: createResidentsRepository(db, caches.cache(about.name)),
    context: (repo, identity) => {
      const loaders = createResidentsLoaders(repo);
      const access = createAccess(repo, loaders, identity);
      // The preconditions rule and the resident grants share one registry lookup per request.
      return { repo, loaders, access, organisation: access.organisation, quarantine: createQuarantine(db, ingest) };
    },
    permissions,
    fhir: (repo) => ({ matcher: residentsMatcher(repo), applier: residentsApplier(repo) }),
  });

export const manifest = defineManifest(about, {
  create: createResidentsSubgraph,
  seeder: createResidentsSeeder,
});
