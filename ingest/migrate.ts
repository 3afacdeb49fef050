// The front door's own tables, in PostgreSQL schema `ingest`, applied by the same migrator as the
// subgraphs' (Prisma's folder layout, recorded in ingest._prisma_migrations) but not through the
// subgraph registry: ingest is no subgraph.
import type { Database } from "../platform/db/database.js";
import { migrateSchema } from "../platform/db/migrate.js";

/** Applies ingest/migrations/<name>/migration.sql not yet applied; returns their names. */
export function migrateIngest(db: Database): Promise<string[]> {
  // migrateSchema looks for migrations/ beside this URL, i.e. ingest/migrations/.
  return migrateSchema(db, { name: "ingest", prisma: new URL("./", import.meta.url) });
}
