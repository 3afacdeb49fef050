// A throwaway PostgreSQL database for tests that write (the shared fixture database is read-only).
import { migrateAll } from "../../subgraphs/registry.js";
import pg from "pg";
import { env } from "../../platform/config/env.js";
import { openPostgres, type Database } from "../../platform/db/database.js";
import { createCacheHub, type CacheHub } from "../../platform/cache/hub.js";

function urlFor(database: string): string {
  const url = new URL(env().DATABASE_URL!);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function createScratchDatabase(
  label: string,
  opts: { migrate?: boolean } = {},
): Promise<{ db: Database; url: string; caches: CacheHub; drop(): Promise<void> }> {
  const name = `carerecord_${label}_${process.pid}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: urlFor("postgres") });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin(`CREATE DATABASE ${name}`);
  const url = urlFor(name);
  const db = openPostgres(url, 4);
  if (opts.migrate !== false) await migrateAll(db);
  // Its own cache namespace (the database name), on the tests' Redis.
  const caches = createCacheHub({ ...env(), DATABASE_URL: url });
  return {
    db,
    url,
    caches,
    drop: async () => {
      await caches.close();
      await db.close();
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}
