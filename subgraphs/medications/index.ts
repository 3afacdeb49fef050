// Medications subgraph: prescriptions with EPS dispensing status, contributed to Resident.
import type { Database } from "../../platform/db/database.js";
import type { SubgraphDeps } from "../../platform/subgraph/deps.js";
import { defineSubgraph, loadTypeDefs } from "../../platform/subgraph/server.js";
import { contributedSectionsPermissions } from "../../platform/access/contributed.js";
import type { MedicationsContext } from "./context.js";
import { createMedicationsLoaders } from "./loaders.js";
import { createMedicationsRepository, type MedicationsRepository } from "./repository.js";
import { resolvers } from "./resolvers/index.js";

const schema = new URL("./schema.graphql", import.meta.url);
/** Which section of the record each field contributed to Resident belongs to. */
const SECTIONS = { medications: "MEDICATIONS" } as const;

export const createMedicationsSubgraph = (db: Database, { caches }: SubgraphDeps) =>
  defineSubgraph<MedicationsContext, MedicationsRepository>({
    name: "medications",
    schema,
    resolvers,
    repo: createMedicationsRepository(db, caches.cache("medications")),
    permissions: contributedSectionsPermissions(loadTypeDefs(schema), SECTIONS),
    context: (repo) => ({ loaders: createMedicationsLoaders(repo) }),
  });
