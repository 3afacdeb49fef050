// Once per `npm test` (run by global-setup.mjs in its own process): migrate the test database and
// load the fixture residents.
import { migrateAll } from "../../subgraphs/registry.js";
import "./env.js";
import { openDatabase } from "../../app/database.js";
import { seedDemoData } from "../../app/seed.js";
import { env } from "../../platform/config/env.js";
import { FIXTURE } from "./fixture.js";
import { createCacheHub } from "../../platform/cache/hub.js";

const db = await openDatabase(env());
const caches = createCacheHub(env());
try {
  await migrateAll(db);
  const result = await seedDemoData(db, { residents: FIXTURE.residents, today: FIXTURE.today, caches });
  console.log(`\ntest database ready: ${result.residents} residents, ${result.rows} rows in ${result.seconds.toFixed(1)} s`);
} finally {
  await caches.close();
  await db.close();
}
