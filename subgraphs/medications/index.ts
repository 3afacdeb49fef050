// Medications subgraph: prescriptions with EPS dispensing status, contributed to Resident.
import { contributingSubgraph } from "../../platform/subgraph/contributing.js";
import { about } from "./manifest.js";
import { createMedicationsLoaders } from "./loaders.js";
import { createMedicationsRepository, medicationsApplier } from "./repository.js";
import { resolvers } from "./resolvers/index.js";
import { createMedicationsSeeder } from "./seed.js";

export const manifest = contributingSubgraph(about, {
  repository: createMedicationsRepository,
  loaders: createMedicationsLoaders,
  resolvers,
  seeder: createMedicationsSeeder,
  fhirApplier: medicationsApplier,
});
