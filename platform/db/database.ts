// One database per deployment, one PostgreSQL schema per subgraph. With DATABASE_URL the
// subgraphs use real PostgreSQL through @prisma/adapter-pg; without it they share one embedded
// PGlite instance (data under DATA_DIR) through pglite-prisma-adapter. The rest of the code cannot
// tell the difference.
import { createHash } from "node:crypto";
import path from "node:path";
import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { logger } from "../observability/logger.js";

/** Raw SQL access for migrations, seeding helpers and tests. */
export interface SqlRunner {
  exec(sql: string): Promise<void>;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

/** A connection as pg-boss takes it (platform/ingest/queue.ts): one statement with parameters, or a script without. */
export interface QueueConnection {
  executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

/** The statements of one transaction: SqlRunner's, plus the same connection for pg-boss. */
export interface SqlTransaction extends SqlRunner, QueueConnection {}

export interface Database {
  readonly kind: "postgres" | "embedded";
  readonly sql: SqlRunner;
  /** Runs `work` in one transaction (committed when it resolves, rolled back when it throws). */
  transaction<T>(work: (tx: SqlTransaction) => Promise<T>): Promise<T>;
  /** pg-boss's own connection (its polling and maintenance stay off the subgraphs' pools). */
  readonly queue: QueueConnection;
  /** Prisma driver adapter for one subgraph's PostgreSQL schema (its name). */
  adapterFor(schema: string): SqlDriverAdapterFactory;
  close(): Promise<void>;
}

const statementNames = new Map<string, string>();
/**
 * A parameterised statement as a named (prepared) one: PostgreSQL parses and plans it once per
 * connection instead of on every call. The queue's statements (pg-boss's fetch, completion and
 * insert: CTEs, a window function, json_to_recordset) and the submission log's are run hundreds of
 * times a second under a feed, and planning them was a measurable share of PostgreSQL's CPU
 * (bench/INGESTION.md). Statements without parameters (VACUUM, scripts) stay unnamed. Needs a
 * session per connection (no transaction-pooling proxy in front of PostgreSQL).
 */
function prepared(text: string, values: unknown[] | undefined): pg.QueryConfig | string {
  if (!values || values.length === 0) return text;
  let name = statementNames.get(text);
  if (!name) {
    name = `cr_${createHash("sha1").update(text).digest("hex").slice(0, 20)}`;
    statementNames.set(text, name);
  }
  return { name, text, values };
}

function newPool(url: string, max: number): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max });
  // An idle connection dropped by the server (restart, failover) must not crash the process;
  // the pool replaces it on next use.
  pool.on("error", (error) => logger.warn({ err: { name: error.name, code: (error as { code?: string }).code } }, "idle PostgreSQL connection lost"));
  return pool;
}

export function openPostgres(url: string, poolSize = 10): Database {
  // Ingestion shares these: the front door's and the match stage's transactions and the submission
  // log (admin), every queue worker's fetch and completion (queue; platform/ingest/queue.ts runs
  // WORKERS_PER_QUEUE workers per stage). Four each made the workers wait for connections.
  const admin = newPool(url, 8);
  const queuePool = newPool(url, 8);
  const pools: pg.Pool[] = [admin, queuePool];
  return {
    kind: "postgres",
    sql: {
      exec: async (sql) => {
        // A failed multi-statement script can leave its connection inside an aborted transaction;
        // roll back on that same connection before it returns to the pool.
        const client = await admin.connect();
        try {
          await client.query(sql);
        } catch (error) {
          await client.query("ROLLBACK").catch(() => undefined);
          throw error;
        } finally {
          client.release();
        }
      },
      query: async <T>(sql: string, params?: unknown[]) => (await admin.query(prepared(sql, params))).rows as T[],
    },
    async transaction(work) {
      const client = await admin.connect();
      // A connection lost while checked out (a restart between statements) is reported as an
      // 'error' event as well as by the next statement; unheard, the event would end the process.
      const lost = () => undefined;
      client.on("error", lost);
      try {
        await client.query("BEGIN");
        const tx: SqlTransaction = {
          exec: async (sql) => void (await client.query(sql)),
          query: async <T>(sql: string, params?: unknown[]) => (await client.query(prepared(sql, params))).rows as T[],
          executeSql: (text, values) => client.query(prepared(text, values)),
        };
        const result = await work(tx);
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw error;
      } finally {
        client.off("error", lost);
        client.release();
      }
    },
    queue: { executeSql: (text, values) => queuePool.query(prepared(text, values)) },
    adapterFor(schema) {
      const pool = newPool(url, poolSize);
      pools.push(pool);
      // The adapter ignores ?schema= in the URL; the schema must be passed explicitly.
      return new PrismaPg(pool, { schema });
    },
    close: async () => void (await Promise.all(pools.map((p) => p.end()))),
  };
}

export async function openEmbedded(dataDir: string): Promise<Database> {
  // Imported lazily so deployments on real PostgreSQL never load the WebAssembly build.
  const [{ PGlite }, { PrismaPGlite }] = await Promise.all([import("@electric-sql/pglite"), import("pglite-prisma-adapter")]);
  const dir = path.resolve(dataDir, "pglite");
  mkdirSync(dir, { recursive: true });
  const unlock = lockDataDir(dir);
  let db: InstanceType<typeof PGlite>;
  try {
    db = await PGlite.create(dir);
  } catch (error) {
    unlock();
    throw error;
  }
  const adapter = new PrismaPGlite(db) as unknown as SqlDriverAdapterFactory;
  return {
    kind: "embedded",
    sql: {
      exec: async (sql) => {
        try {
          await db.exec(sql);
        } catch (error) {
          await db.exec("ROLLBACK").catch(() => undefined);
          throw error;
        }
      },
      query: async <T>(sql: string, params?: unknown[]) => (await db.query<T>(sql, params)).rows,
    },
    transaction: (work) =>
      db.transaction((tx) =>
        work({
          exec: async (sql) => void (await tx.exec(sql)),
          query: async <T>(sql: string, params?: unknown[]) => (await tx.query<T>(sql, params)).rows,
          executeSql: (text, values) => (values?.length ? tx.query(text, values) : tx.exec(text).then(lastResult)),
        }),
      ),
    queue: { executeSql: (text, values) => (values?.length ? db.query(text, values) : db.exec(text).then(lastResult)) },
    // Tables are schema-qualified in every Prisma model (@@schema), so one adapter serves all.
    adapterFor: () => adapter,
    close: async () => {
      try {
        await db.close();
      } finally {
        unlock();
      }
    },
  };
}

/** PGlite runs a parameterless script statement by statement; pg-boss reads the last one's rows. */
const lastResult = (results: { rows: unknown[] }[]) => results.at(-1) ?? { rows: [] };

/** Another process (or this one) already has the embedded database open. */
export class DataDirInUseError extends Error {}

/**
 * PGlite is single-process: two processes on one data folder corrupt it. The folder is claimed by
 * creating `pglite.lock` (like PostgreSQL's postmaster.pid) holding the owner's pid, with an
 * exclusive create so two processes starting together cannot both win; a lock whose process has
 * gone (killed, crashed) is taken over. Returns the release function.
 */
export function lockDataDir(dir: string): () => void {
  const file = `${dir}.lock`; // beside PGlite's folder, not inside it
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(file, String(process.pid), { flag: "wx" });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = Number.parseInt(readFileSafe(file), 10);
      if (attempt >= 3 || (Number.isInteger(owner) && owner > 0 && isAlive(owner)))
        throw new DataDirInUseError(
          `The embedded database in ${path.dirname(dir)} is already in use by process ${owner}. ` +
            `Stop that process first, or set DATA_DIR to another folder (or DATABASE_URL to use PostgreSQL).`,
        );
      unlinkSafe(file); // stale: its process has gone
    }
  }
  const release = () => {
    if (readFileSafe(file) === String(process.pid)) unlinkSafe(file);
    process.off("exit", release);
  };
  // A process that exits without closing the database (process.exit in a handler) still frees it.
  process.on("exit", release);
  return release;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM"; // alive, owned by another user
  }
}

function readFileSafe(file: string): string {
  try {
    return readFileSync(file, "utf8").trim();
  } catch {
    return "";
  }
}

function unlinkSafe(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // already gone
  }
}
