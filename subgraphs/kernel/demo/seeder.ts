// The contract every subgraph's seed.ts fulfils, so one orchestrator (scripts/seed.ts) can stream
// demo data for any number of residents in bounded memory.
import type { Database, SubgraphName } from "../database.js";
import type { DemoResident, DemoWorld } from "./world.js";

export interface SubgraphSeeder {
  name: SubgraphName;
  /** Rows not tied to one resident (care homes, GP practices); written once, before any resident. */
  writeReference?(world: DemoWorld): Promise<number>;
  /** All of this subgraph's rows for these residents; returns the number of rows written. */
  writePeople(world: DemoWorld, people: DemoResident[]): Promise<number>;
  close(): Promise<void>;
}

export const rowCount = (batch: object) =>
  Object.values(batch as Record<string, unknown[]>).reduce((n, rows) => n + rows.length, 0);

/** Empties a subgraph's tables (not its migration history) before a fresh seed. */
export async function truncateSchema(db: Database, schema: SubgraphName): Promise<void> {
  const tables = await db.sql.query<{ tablename: string }>(
    `SELECT tablename FROM pg_tables WHERE schemaname = $1 AND tablename <> '_prisma_migrations'`,
    [schema],
  );
  if (tables.length === 0) return;
  await db.sql.exec(`TRUNCATE ${tables.map((t) => `"${schema}"."${t.tablename}"`).join(", ")} CASCADE`);
}
