// Usage subgraph: the audit trail's analytics for analysts (no patient identity), and the
// repository the gateway's audit writer appends access events through.
import type { Database } from "../../platform/db/database.js";
import { defineManifest } from "../../platform/subgraph/manifest.js";
import { about } from "./manifest.js";
import type { SubgraphDeps } from "../../platform/subgraph/deps.js";
import { defineSubgraph } from "../../platform/subgraph/server.js";
import type { UsageContext } from "./context.js";
import { createUsageRepository, type UsageRepository } from "./repository.js";
import { resolvers } from "./resolvers/index.js";
import { permissions } from "./permissions.js";
import { createOrganisationRegistry } from "../residents/registry.js";

const createUsageSubgraph = (db: Database, { caches }: SubgraphDeps) =>
  defineSubgraph<UsageContext, UsageRepository>({
    about,
    resolvers,
    repo: createUsageRepository(db),
    context: (repo) => ({ repo }),
    permissions,
    registry: createOrganisationRegistry(db, caches),
  });

export const manifest = defineManifest(about, {
  create: createUsageSubgraph,
});
