// Replaces the demo data with N deterministic synthetic residents.
//   npm run seed -- --residents 400000 [--batch 1000] [--today 2026-11-23]
// Uses DATABASE_URL when set, otherwise the embedded database under DATA_DIR.
import { migrateAll } from "../subgraphs/registry.js";
import { parseArgs } from "node:util";
import cliProgress from "cli-progress";
import { env } from "../platform/config/env.js";
import { openDatabase } from "../app/database.js";
import { seedDemoData } from "../app/seed.js";
import { createCacheHub } from "../platform/cache/hub.js";

const { values } = parseArgs({
  options: { residents: { type: "string" }, batch: { type: "string", default: "1000" }, today: { type: "string" } },
});
const residents = Number(values.residents ?? env().SEED_RESIDENTS);
const batchSize = Number(values.batch);
if (!Number.isInteger(residents) || residents < 1 || residents > 900_000 || !Number.isInteger(batchSize) || batchSize < 1) {
  console.error("usage: npm run seed -- --residents N (1..900000) [--batch 1000] [--today YYYY-MM-DD]");
  process.exit(2);
}
const today = values.today ? new Date(`${values.today}T00:00:00Z`) : undefined;
if (today && Number.isNaN(today.getTime())) {
  console.error("--today must be YYYY-MM-DD");
  process.exit(2);
}

let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 250);
const bar = new cliProgress.SingleBar(
  // Off a terminal (CI logs, pipes) print a plain line every 10 s instead of redrawing the bar.
  {
    format: "seeding [{bar}] {percentage}% | {value}/{total} residents | {rows} rows | ETA {eta_formatted}",
    hideCursor: true,
    noTTYOutput: true,
    notTTYSchedule: 10_000,
  },
  cliProgress.Presets.shades_classic,
);
const db = await openDatabase(env());
// With REDIS_URL (the same as the running services'), every instance drops what the new data replaces.
const caches = createCacheHub(env());
try {
  await migrateAll(db);
  bar.start(residents, 0, { rows: 0 });
  const result = await seedDemoData(db, {
    residents,
    caches,
    batchSize,
    today,
    onProgress: (done, _total, rows) => bar.update(done, { rows }),
  });
  bar.stop();
  clearInterval(sampler);
  console.log(
    `seeded ${result.residents} residents, ${result.rows} rows in ${result.seconds.toFixed(1)} s ` +
      `(${Math.round(result.rows / result.seconds)} rows/s), peak RSS ${(peakRss / 1024 / 1024).toFixed(0)} MiB`,
  );
} catch (error) {
  bar.stop();
  // A failed seed is reported by type and code only: database messages can quote row values.
  console.error(`seeding failed: ${(error as Error).name} ${(error as { code?: string }).code ?? ""}`.trim());
  process.exitCode = 1;
} finally {
  bar.stop();
  clearInterval(sampler);
  await caches.close();
  await db.close();
}
