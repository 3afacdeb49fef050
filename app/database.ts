// Opens the database the environment asks for: real PostgreSQL with DATABASE_URL (created if it
// does not exist yet), otherwise the embedded PGlite under DATA_DIR.
import pg from "pg";
import { openEmbedded, openPostgres, type Database } from "../platform/db/database.js";
import type { Env } from "../platform/config/env.js";

export async function openDatabase(env: Pick<Env, "DATABASE_URL" | "DATA_DIR">): Promise<Database> {
  if (!env.DATABASE_URL) return openEmbedded(env.DATA_DIR);
  await ensureDatabaseExists(env.DATABASE_URL);
  return openPostgres(env.DATABASE_URL);
}

async function ensureDatabaseExists(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  if (!name) return;
  const maintenance = new URL(url);
  maintenance.pathname = "/postgres";
  const client = new pg.Client({ connectionString: maintenance.toString() });
  try {
    await client.connect();
    const exists = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
  } catch {
    // Created concurrently (42P04), no rights to the maintenance database, server down: all are
    // left for the real connection to report in its own words.
  } finally {
    await client.end().catch(() => undefined);
  }
}
