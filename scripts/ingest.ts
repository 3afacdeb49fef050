// Runs the FHIR front door alone (its own container): `tsx scripts/ingest.ts`. It authenticates
// source systems, checks and stores their submissions and queues them; the subgraphs' own
// processes (scripts/subgraph.ts) match and apply them (ADR 0008).
import { stopOnSignals } from "../app/shutdown.js";
import { env } from "../platform/config/env.js";
import { logger } from "../platform/observability/logger.js";
import { openDatabase } from "../app/database.js";
import { migrateIngest } from "../ingest/migrate.js";
import { startIngestion } from "../app/ingest.js";

const config = env();
if (!config.DATABASE_URL) {
  console.error("The FHIR front door stores every submission before it answers: set DATABASE_URL.");
  process.exit(78);
}
const db = await openDatabase(config);
await migrateIngest(db);
const ingestion = await startIngestion({ ...config, INGEST_PORT: config.PORT ?? config.INGEST_PORT }, db, [], { frontDoor: true });
stopOnSignals(async () => {
  await ingestion.close();
  await db.close();
});
logger.info({ url: ingestion.url }, "FHIR front door listening");
