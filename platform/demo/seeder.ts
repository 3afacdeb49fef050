// The contract every subgraph's seed.ts fulfils, so one orchestrator (scripts/seed.ts) can stream
// demo data for any number of residents in bounded memory.
import type { Database } from "../db/database.js";
import type { DemoResident, DemoWorld } from "./world.js";

export interface SubgraphSeeder {
  name: string;
  /** Rows not tied to one resident (care homes, GP practices); written once, before any resident. */
  writeReference?(world: DemoWorld): Promise<number>;
  /** All of this subgraph's rows for these residents; returns the number of rows written. */
  writePeople(world: DemoWorld, people: DemoResident[]): Promise<number>;
  close(): Promise<void>;
}

interface BatchWriter<B> {
  insertBatch(batch: B): Promise<void>;
  close(): Promise<unknown>;
}

/** A seeder from a subgraph's pure batch builders and its repository's bulk insert. */
export function defineSeeder<B extends object>(
  name: string,
  repo: BatchWriter<B>,
  build: (world: DemoWorld, people: DemoResident[]) => B,
  reference?: (world: DemoWorld) => B,
): SubgraphSeeder {
  const write = async (batch: B) => {
    await repo.insertBatch(batch);
    return rowCount(batch);
  };
  return {
    name,
    writeReference: reference ? (world) => write(reference(world)) : undefined,
    writePeople: (world, people) => write(build(world, people)),
    close: async () => void (await repo.close()),
  };
}

export const rowCount = (batch: object) => Object.values(batch as Record<string, unknown[]>).reduce((n, rows) => n + rows.length, 0);

/** Empties a subgraph's tables (not its migration history) before a fresh seed. */
export async function truncateSchema(db: Database, schema: string): Promise<void> {
  const tables = await db.sql.query<{ tablename: string }>(`SELECT tablename FROM pg_tables WHERE schemaname = $1 AND tablename <> '_prisma_migrations'`, [
    schema,
  ]);
  if (tables.length === 0) return;
  await db.sql.exec(`TRUNCATE ${tables.map((t) => `"${schema}"."${t.tablename}"`).join(", ")} CASCADE`);
}
