// The five domain subgraphs, by name. Everything that starts or seeds "all subgraphs" goes
// through this one list.
import type { Database, DomainSubgraph, SubgraphName } from "../platform/db/database.js";
import type { SubgraphModule } from "../platform/subgraph/server.js";
import type { SubgraphSeeder } from "../platform/demo/seeder.js";
import type { SubgraphDeps } from "../platform/subgraph/deps.js";
import type { CacheHub } from "../platform/cache/hub.js";
import { createResidentsSubgraph } from "./residents/index.js";
import { createResidentsSeeder } from "./residents/seed.js";
import { createDischargeSubgraph } from "./discharge/index.js";
import { createDischargeSeeder } from "./discharge/seed.js";
import { createLabsSubgraph } from "./labs/index.js";
import { createLabsSeeder } from "./labs/seed.js";
import { createMedicationsSubgraph } from "./medications/index.js";
import { createMedicationsSeeder } from "./medications/seed.js";
import { createCareplansSubgraph } from "./careplans/index.js";
import { createCareplansSeeder } from "./careplans/seed.js";
import { createUsageSubgraph } from "./usage/index.js";

type AnySubgraph = SubgraphModule<any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- each module has its own context type

/** Subgraphs are built from the database, their peers (the residents subgraph decides access) and the caches. */
export const subgraphFactories: Record<SubgraphName, (db: Database, deps: SubgraphDeps) => AnySubgraph> = {
  residents: createResidentsSubgraph,
  discharge: createDischargeSubgraph,
  labs: createLabsSubgraph,
  medications: createMedicationsSubgraph,
  careplans: createCareplansSubgraph,
  usage: createUsageSubgraph,
};

/** Demo data exists for the domain subgraphs only; the audit trail is never seeded or reset. */
export const seederFactories: Record<DomainSubgraph, (db: Database, caches: CacheHub) => SubgraphSeeder> = {
  residents: createResidentsSeeder,
  discharge: createDischargeSeeder,
  labs: createLabsSeeder,
  medications: createMedicationsSeeder,
  careplans: createCareplansSeeder,
};
