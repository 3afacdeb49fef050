// Applies each subgraph's SQL migrations (Prisma's folder format: prisma/migrations/<name>/
// migration.sql) without the Prisma CLI, whose schema engine cannot be downloaded here. Applied
// migrations are recorded in Prisma's own `_prisma_migrations` table layout inside the subgraph's
// schema, so `prisma migrate deploy` would recognise them on a machine where it works.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Database } from "./database.js";

/** A subgraph's PostgreSQL schema and the Prisma folder its migrations live in (its manifest). */
export interface MigrationSource {
  name: string;
  prisma: URL;
}

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export function migrationsDir(source: MigrationSource): string {
  return fileURLToPath(new URL("migrations/", source.prisma));
}

export function readMigrations(source: MigrationSource): Migration[] {
  const subgraph = source.name;
  const dir = migrationsDir(source);
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
    .map((name) => {
      if (!/^[0-9A-Za-z_]+$/.test(name)) throw new Error(`Bad migration folder name: ${subgraph}/${name}`);
      const sql = readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

const quote = (ident: string) => `"${ident.replace(/"/g, '""')}"`;

export async function migrateSchema(db: Database, source: MigrationSource): Promise<string[]> {
  const subgraph = source.name;
  const schema = quote(subgraph);
  // A transaction-scoped advisory lock per subgraph serialises concurrent migrators (two replicas
  // starting at once); CREATE SCHEMA IF NOT EXISTS alone races.
  const lock = `SELECT pg_advisory_xact_lock(hashtext('carerecord-migrate:${subgraph}'));`;
  await db.sql.exec(`BEGIN; ${lock}
    CREATE SCHEMA IF NOT EXISTS ${schema};
    CREATE TABLE IF NOT EXISTS ${schema}."_prisma_migrations" (
      id VARCHAR(36) PRIMARY KEY, checksum VARCHAR(64) NOT NULL, finished_at TIMESTAMPTZ,
      migration_name VARCHAR(255) NOT NULL UNIQUE, logs TEXT, rolled_back_at TIMESTAMPTZ,
      started_at TIMESTAMPTZ NOT NULL DEFAULT now(), applied_steps_count INTEGER NOT NULL DEFAULT 0);
    COMMIT;`);
  const applied = new Map(
    (
      await db.sql.query<{ migration_name: string; checksum: string }>(
        `SELECT migration_name, checksum FROM ${schema}."_prisma_migrations" WHERE rolled_back_at IS NULL`,
      )
    ).map((r) => [r.migration_name, r.checksum]),
  );
  const done: string[] = [];
  for (const m of readMigrations(source)) {
    const previous = applied.get(m.name);
    if (previous !== undefined) {
      if (previous !== m.checksum) throw new Error(`Migration ${subgraph}/${m.name} was edited after it was applied`);
      continue;
    }
    try {
      // One simple-protocol round trip under the lock: the record row goes in first, so a migrator
      // that waited for the lock fails on the unique name instead of running the DDL twice.
      await db.sql.exec(`BEGIN; ${lock}
        INSERT INTO ${schema}."_prisma_migrations" (id, checksum, migration_name, started_at)
          VALUES (gen_random_uuid()::text, '${m.checksum}', '${m.name}', now());
        ${m.sql}
        ;
        UPDATE ${schema}."_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE migration_name = '${m.name}';
        COMMIT;`);
    } catch (error) {
      const now = await db.sql.query(`SELECT 1 FROM ${schema}."_prisma_migrations" WHERE migration_name = $1`, [m.name]);
      if (now.length === 0) throw new Error(`Migration ${subgraph}/${m.name} failed: ${(error as Error).message}`);
      continue;
    }
    done.push(m.name);
  }
  return done;
}
