// Benchmark target: all six subgraphs in one process, exactly as app/stack.ts starts them but
// without the gateway, so the gateway under test (ours or Apollo's) runs in its own process and
// CPU/RSS can be told apart. Settings come from env() (DATABASE_URL, SUBGRAPH_BASE_PORT, CACHE,
// SHIELD, REDIS_URL...). The orchestrator has migrated and seeded the database already.
// Prints READY on stdout once every subgraph listens.
import { env } from "../../platform/config/env.js";
import type { RunningServer, SubgraphModule } from "../../platform/subgraph/server.js";
import { createCacheHub } from "../../platform/cache/hub.js";
import { openDatabase } from "../../app/database.js";
import { startSubgraphs } from "../../app/stack.js";
import { reportStatsOnSignal } from "./stats.js";

const config = env();
if (!config.DATABASE_URL) {
  console.error("bench subgraphs need DATABASE_URL");
  process.exit(78);
}
const db = await openDatabase(config);
const caches = createCacheHub(config);
const started = { modules: [] as SubgraphModule[], servers: [] as RunningServer[] };
await startSubgraphs(config, db, caches, started);
reportStatsOnSignal();
console.log("READY");

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.once(signal, () => {
    if (stopping) return;
    stopping = true;
    void Promise.all(started.servers.map((s) => s.close()))
      .then(() => Promise.all(started.modules.map((m) => m.close())))
      .then(() => caches.close())
      .then(() => db.close())
      .finally(() => process.exit(0));
  });
