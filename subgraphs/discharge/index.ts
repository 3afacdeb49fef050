// Discharge subgraph: hospital stays, discharge summaries and emergency care, contributed to Resident.
import { contributingSubgraph } from "../../platform/subgraph/contributing.js";
import { about } from "./manifest.js";
import { createDischargeLoaders } from "./loaders.js";
import { createDischargeRepository, dischargeApplier } from "./repository.js";
import { resolvers } from "./resolvers/index.js";
import { createDischargeSeeder } from "./seed.js";

export const manifest = contributingSubgraph(about, {
  repository: createDischargeRepository,
  loaders: createDischargeLoaders,
  resolvers,
  seeder: createDischargeSeeder,
  fhirApplier: dischargeApplier,
});
