// Runs one subgraph alone (one container per subgraph): `tsx scripts/subgraph.ts labs`.
// Applies that subgraph's migrations first; listens on PORT or its default port.
import { stopOnSignals } from "../app/shutdown.js";
import { configOrExit, env } from "../platform/config/env.js";
import { migrateSchema } from "../platform/db/migrate.js";
import { startSubgraphServer } from "../platform/subgraph/server.js";
import { logger } from "../platform/observability/logger.js";
import { SUBGRAPHS, descriptionOf, isSubgraphName, loadSubgraph, subgraphPort, subgraphUrls } from "../subgraphs/registry.js";
import { openDatabase } from "../app/database.js";
import { createCacheHub } from "../platform/cache/hub.js";
import { migrateIngest } from "../ingest/migrate.js";
import { startIngestion } from "../app/ingest.js";
import type { IngestLink } from "../platform/subgraph/deps.js";

const name = process.argv[2] ?? "";
if (!isSubgraphName(name)) {
  console.error(`usage: tsx scripts/subgraph.ts <${SUBGRAPHS.join("|")}>`);
  process.exit(2);
}
const config = env();
if (!config.DATABASE_URL) {
  console.error("Running one subgraph alone needs DATABASE_URL (the embedded database is for `npm start`).");
  process.exit(78);
}
const peerUrls = configOrExit(() => subgraphUrls(config));
const db = await openDatabase(config);
await migrateSchema(db, descriptionOf(name));
const caches = createCacheHub(config);
const link: IngestLink = { current: null };
const module = (await loadSubgraph(name)).create(db, {
  peers: { urls: peerUrls, internalSecret: config.INTERNAL_SECRET },
  caches,
  ingest: link,
});
// The ingestion tables its workers log to (and, for residents, the quarantine), where it takes FHIR.
if (module.fhir) await migrateIngest(db);
const server = await startSubgraphServer(module, {
  host: config.HOST,
  port: config.PORT ?? subgraphPort(name, config),
  internalSecret: config.INTERNAL_SECRET,
  metricsToken: config.METRICS_TOKEN,
  shield: config.SHIELD === "on",
  executor: config.SUBGRAPH_EXECUTOR,
});
// Its part of FHIR ingestion: matching (residents) or applying its own resource types (ADR 0008);
// a subgraph that takes no FHIR (care plans, usage) opens no queue.
const ingestion = module.fhir ? await startIngestion(config, db, [module], { frontDoor: false, link }) : null;
stopOnSignals(async () => {
  await server.close();
  await ingestion?.close();
  await module.close();
  await caches.close();
  await db.close();
});
logger.info({ subgraph: name, url: server.url }, "subgraph listening");
