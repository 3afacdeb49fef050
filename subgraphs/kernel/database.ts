// One database per deployment, one PostgreSQL schema per subgraph. With DATABASE_URL the
// subgraphs use real PostgreSQL through @prisma/adapter-pg; without it they share one embedded
// PGlite instance (data under DATA_DIR) through pglite-prisma-adapter. The rest of the code cannot
// tell the difference.
import path from "node:path";
import { mkdirSync } from "node:fs";
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { logger } from "./logger.js";

/** Subgraphs that hold resident data (and demo data). */
export const DOMAIN_SUBGRAPHS = ["residents", "discharge", "labs", "medications", "careplans"] as const;
export type DomainSubgraph = (typeof DOMAIN_SUBGRAPHS)[number];
/** All subgraphs: the domain ones plus `usage`, the append-only audit trail and its analytics. */
export const SUBGRAPHS = [...DOMAIN_SUBGRAPHS, "usage"] as const;
export type SubgraphName = (typeof SUBGRAPHS)[number];

/** Raw SQL access for migrations, seeding helpers and tests. */
export interface SqlRunner {
  exec(sql: string): Promise<void>;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

export interface Database {
  readonly kind: "postgres" | "embedded";
  readonly sql: SqlRunner;
  adapterFor(schema: SubgraphName): SqlDriverAdapterFactory;
  close(): Promise<void>;
}

function newPool(url: string, max: number): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max });
  // An idle connection dropped by the server (restart, failover) must not crash the process;
  // the pool replaces it on next use.
  pool.on("error", (error) => logger.warn({ err: { name: error.name, code: (error as { code?: string }).code } }, "idle PostgreSQL connection lost"));
  return pool;
}

export function openPostgres(url: string, poolSize = 10): Database {
  const admin = newPool(url, 2);
  const pools: pg.Pool[] = [admin];
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
      query: async <T,>(sql: string, params?: unknown[]) => (await admin.query(sql, params)).rows as T[],
    },
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
  const db = await PGlite.create(dir);
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
      query: async <T,>(sql: string, params?: unknown[]) => (await db.query<T>(sql, params)).rows,
    },
    // Tables are schema-qualified in every Prisma model (@@schema), so one adapter serves all.
    adapterFor: () => adapter,
    close: () => db.close(),
  };
}
