// Streams deterministic demo data into every subgraph in batches, so memory stays flat whatever
// the number of residents (400,000 is England's care home population).
import type { Database } from "../platform/db/database.js";
import { truncateSchema } from "../platform/demo/seeder.js";
import { demoResident, type DemoWorld } from "../platform/demo/world.js";
import { startOfDay } from "../platform/demo/random.js";
import { DOMAIN_SUBGRAPHS, loadSubgraph } from "../subgraphs/registry.js";
import type { CacheHub } from "../platform/cache/hub.js";

export interface SeedOptions {
  residents: number;
  /** Purged before and after: cached rows of the replaced data must not outlive it. */
  caches: CacheHub;
  batchSize?: number;
  today?: Date;
  onProgress?: (done: number, total: number, rows: number) => void;
}

export interface SeedResult {
  residents: number;
  rows: number;
  seconds: number;
  world: DemoWorld;
}

export async function seedDemoData(db: Database, opts: SeedOptions): Promise<SeedResult> {
  const started = performance.now();
  const world: DemoWorld = { residentCount: opts.residents, today: startOfDay(opts.today ?? new Date()) };
  const batchSize = opts.batchSize ?? 1000;
  for (const name of DOMAIN_SUBGRAPHS) await truncateSchema(db, name);
  await opts.caches.purgeAll();
  const manifests = await Promise.all(DOMAIN_SUBGRAPHS.map((name) => loadSubgraph(name)));
  const seeders = manifests.map((m) => m.seeder!(db, opts.caches)); // loadSubgraph refuses a domain subgraph without one
  let rows = 0;
  try {
    for (const s of seeders) rows += (await s.writeReference?.(world)) ?? 0;
    for (let start = 0; start < opts.residents; start += batchSize) {
      const people = Array.from({ length: Math.min(batchSize, opts.residents - start) }, (_, i) => demoResident(world, start + i));
      const written = await Promise.all(seeders.map((s) => s.writePeople(world, people)));
      rows += written.reduce((a, b) => a + b, 0);
      opts.onProgress?.(start + people.length, opts.residents, rows);
    }
  } finally {
    await Promise.all(seeders.map((s) => s.close()));
    await opts.caches.purgeAll();
  }
  return { residents: opts.residents, rows, seconds: (performance.now() - started) / 1000, world };
}

/** True when no resident has been loaded yet (first run of the demo). */
export async function isEmpty(db: Database): Promise<boolean> {
  const rows = await db.sql.query<{ present: boolean }>(`SELECT EXISTS (SELECT 1 FROM "residents"."resident") AS present`);
  return !rows[0]?.present;
}
