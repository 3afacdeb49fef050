// Discharge subgraph: hospital stays, discharge summaries and emergency care, contributed to Resident.
import type { Database } from "../../platform/db/database.js";
import type { SubgraphDeps } from "../../platform/subgraph/deps.js";
import { defineSubgraph, loadTypeDefs } from "../../platform/subgraph/server.js";
import { contributedSectionsPermissions } from "../../platform/access/contributed.js";
import type { DischargeContext } from "./context.js";
import { createDischargeLoaders } from "./loaders.js";
import { createDischargeRepository, type DischargeRepository } from "./repository.js";
import { resolvers } from "./resolvers/index.js";

const schema = new URL("./schema.graphql", import.meta.url);
/** Which section of the record each field contributed to Resident belongs to. */
const SECTIONS = { dischargeSummaries: "DISCHARGE_SUMMARIES", currentHospitalStay: "HOSPITAL_STAYS", hospitalStays: "HOSPITAL_STAYS", emergencyCareSummaries: "EMERGENCY_CARE" } as const;

export const createDischargeSubgraph = (db: Database, { caches }: SubgraphDeps) =>
  defineSubgraph<DischargeContext, DischargeRepository>({
    name: "discharge",
    schema,
    resolvers,
    repo: createDischargeRepository(db, caches.cache("discharge")),
    permissions: contributedSectionsPermissions(loadTypeDefs(schema), SECTIONS),
    context: (repo) => ({ loaders: createDischargeLoaders(repo) }),
  });
