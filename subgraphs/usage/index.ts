// Usage subgraph: the audit trail's analytics for analysts (no patient identity), the repository
// the gateway's audit writer appends access events through, and "what's new since I last looked"
// (ADR 0006), which the audit knows the other half of.
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
import { requestGrants } from "../../platform/access/peer-grant.js";
import { env } from "../../platform/config/env.js";
import { createUnseenLoader } from "./unseen/loader.js";

const createUsageSubgraph = (db: Database, { peers, caches }: SubgraphDeps) => {
  // A view is recorded when its answer is complete, up to a request deadline after the sections
  // were read: changes received in that margin stay new (unseen/compute.ts seenUpTo).
  const viewMarginMs = env().REQUEST_DEADLINE_MS;
  return defineSubgraph<UsageContext, UsageRepository>({
    about,
    resolvers,
    repo: createUsageRepository(db),
    context: (repo, identity) => ({
      repo,
      peers,
      unseen: createUnseenLoader(repo, peers, identity, viewMarginMs),
      grantFor: requestGrants(peers, identity),
    }),
    permissions,
    registry: createOrganisationRegistry(db, caches),
  });
};

export const manifest = defineManifest(about, {
  create: createUsageSubgraph,
});
