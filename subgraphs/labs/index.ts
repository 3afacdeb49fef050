// Labs subgraph: diagnostic reports and observations contributed to Resident.
import type { Database } from "../../platform/db/database.js";
import type { SubgraphDeps } from "../../platform/subgraph/deps.js";
import { defineSubgraph, loadTypeDefs } from "../../platform/subgraph/server.js";
import { contributedSectionsPermissions } from "../../platform/access/contributed.js";
import type { LabsContext } from "./context.js";
import { createLabsLoaders } from "./loaders.js";
import { createLabsRepository, type LabsRepository } from "./repository.js";
import { resolvers } from "./resolvers/index.js";

const schema = new URL("./schema.graphql", import.meta.url);
/** Which section of the record each field contributed to Resident belongs to. */
const SECTIONS = { diagnosticReports: "DIAGNOSTIC_REPORTS" } as const;

export const createLabsSubgraph = (db: Database, { caches }: SubgraphDeps) =>
  defineSubgraph<LabsContext, LabsRepository>({
    name: "labs",
    schema,
    resolvers,
    repo: createLabsRepository(db, caches.cache("labs")),
    permissions: contributedSectionsPermissions(loadTypeDefs(schema), SECTIONS),
    context: (repo) => ({ loaders: createLabsLoaders(repo) }),
  });
