// Benchmark target: all six subgraphs in one process, exactly as app/stack.ts starts them but
// without the gateway, so the gateway under test (ours or Apollo's) runs in its own process and
// CPU/RSS can be told apart. Settings come from env() (DATABASE_URL, SUBGRAPH_BASE_PORT, CACHE,
// SHIELD, REDIS_URL...). The orchestrator has migrated and seeded the database already.
// Prints READY on stdout once every subgraph listens.
import { SUBGRAPHS } from "../../subgraphs/kernel/database.js";
import { env } from "../../subgraphs/kernel/env.js";
import { startSubgraphServer, type RunningServer, type SubgraphModule } from "../../subgraphs/kernel/subgraph-server.js";
import { subgraphPort } from "../../subgraphs/kernel/topology.js";
import { subgraphFactories } from "../../subgraphs/registry.js";
import { createCacheHub } from "../../subgraphs/kernel/cache/hub.js";
import { openDatabase } from "../../app/database.js";
import { reportStatsOnSignal } from "./stats.js";

const config = env();
if (!config.DATABASE_URL) {
  console.error("bench subgraphs need DATABASE_URL");
  process.exit(78);
}
const db = await openDatabase(config);
// One hub per process, as app/stack.ts builds it: CACHE, REDIS_URL and the cache sizes apply.
const caches = createCacheHub(config);
const modules: SubgraphModule[] = [];
const servers: RunningServer[] = [];
// residents first (SUBGRAPHS order): the others ask it for access decisions on mutations.
const peers = { residentsUrl: "", internalSecret: config.INTERNAL_SECRET };
const deps = { peers, caches };
for (const name of SUBGRAPHS) {
  const module = subgraphFactories[name](db, deps);
  modules.push(module);
  const server = await startSubgraphServer(module, {
    host: config.HOST,
    port: subgraphPort(name, config),
    internalSecret: config.INTERNAL_SECRET,
    shield: config.SHIELD === "on",
  });
  if (name === "residents") peers.residentsUrl = server.url;
  servers.push(server);
}
reportStatsOnSignal();
console.log("READY");

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.once(signal, () => {
    if (stopping) return;
    stopping = true;
    void Promise.all(servers.map((s) => s.close()))
      .then(() => Promise.all(modules.map((m) => m.close())))
      .then(() => caches.close())
      .then(() => db.close())
      .finally(() => process.exit(0));
  });
