// Runs the gateway alone (its own container), pointing at SUBGRAPH_URL_<NAME> or the defaults.
import { subgraphUrls } from "../subgraphs/registry.js";
import { stopOnSignals } from "../app/shutdown.js";
import { configOrExit, env } from "../platform/config/env.js";
import { logger } from "../platform/observability/logger.js";
import { startGateway } from "../gateway/server.js";
import { gatewaySettings } from "../gateway/settings.js";
import { openDatabase } from "../app/database.js";
import { createAudit } from "../app/audit.js";
import { createCacheHub } from "../platform/cache/hub.js";

const config = env();
if (!config.DATABASE_URL) {
  console.error("The gateway writes every access event to the audit store: set DATABASE_URL.");
  process.exit(78);
}
const urls = configOrExit(() => subgraphUrls(config));
const db = await openDatabase(config);
const caches = createCacheHub(config);
const audit = createAudit(db, caches);
const gateway = await startGateway({
  host: config.HOST,
  port: config.PORT ?? config.GATEWAY_PORT,
  subgraphUrls: urls,
  audit,
  ...gatewaySettings(config, caches),
});
// Stop taking requests, let those in flight finish, flush their access events, then exit.
stopOnSignals(async () => {
  await gateway.close();
  await audit.close();
  await caches.close();
  await db.close();
});
logger.info({ url: gateway.url }, "gateway listening");
