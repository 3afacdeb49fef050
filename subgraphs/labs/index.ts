// Labs subgraph: diagnostic reports and observations contributed to Resident.
import { contributingSubgraph } from "../../platform/subgraph/contributing.js";
import { about } from "./manifest.js";
import { createLabsLoaders } from "./loaders.js";
import { createLabsRepository, labsApplier } from "./repository.js";
import { resolvers } from "./resolvers/index.js";
import { createLabsSeeder } from "./seed.js";

export const manifest = contributingSubgraph(about, {
  repository: createLabsRepository,
  loaders: createLabsLoaders,
  resolvers,
  seeder: createLabsSeeder,
  fhirApplier: labsApplier,
});
