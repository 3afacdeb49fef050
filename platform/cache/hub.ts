// One per process: the Redis link (when REDIS_URL is set) and a cache per subgraph. With CACHE=off
// every read goes to PostgreSQL. Without REDIS_URL there is no way to hear another process's
// purges, so the cache is on only in the embedded all-in-one mode, where every write happens in
// this process; on a shared PostgreSQL without Redis it stays off rather than risk stale data.
import type { Env } from "../config/env.js";
import { EntityCache } from "./entity-cache.js";
import { RedisLink } from "./redis-link.js";

export interface CacheHub {
  readonly link: RedisLink | null;
  /** `cr:<database>:`, the start of every key this product writes to Redis. */
  readonly keyPrefix: string;
  /** The cache of one subgraph (or other named user); the same instance for the same name. */
  cache(name: string): EntityCache;
  /** Drops everything everywhere (after a bulk load). */
  purgeAll(): Promise<void>;
  close(): Promise<void>;
}

type CacheSettings = Pick<Env, "CACHE" | "REDIS_URL" | "DATABASE_URL" | "REDIS_TIMEOUT_MS" | "CACHE_L1_MAX_ENTRIES" | "CACHE_L1_TTL_MS" | "CACHE_L2_TTL_S">;

export function createCacheHub(env: CacheSettings): CacheHub {
  const enabled = env.CACHE === "on" && (env.REDIS_URL !== undefined || env.DATABASE_URL === undefined);
  // Keys name the PostgreSQL database the rows came from, so two deployments (or a test's scratch
  // database) sharing one Redis never read each other's rows.
  const database = env.DATABASE_URL ? decodeURIComponent(new URL(env.DATABASE_URL).pathname.slice(1)) || "postgres" : "embedded";
  const keyPrefix = `cr:${database}:`;
  const link = env.REDIS_URL ? new RedisLink({ url: env.REDIS_URL, timeoutMs: env.REDIS_TIMEOUT_MS, keyPrefix }) : null;
  const caches = new Map<string, EntityCache>();
  return {
    link,
    keyPrefix,
    cache(name) {
      let c = caches.get(name);
      if (!c) {
        c = new EntityCache(name, keyPrefix, link, {
          enabled,
          l1MaxEntries: env.CACHE_L1_MAX_ENTRIES,
          l1TtlMs: env.CACHE_L1_TTL_MS,
          l2TtlSeconds: env.CACHE_L2_TTL_S,
        });
        caches.set(name, c);
      }
      return c;
    },
    async purgeAll() {
      for (const c of caches.values()) c.dropAll();
      await link?.purgeAll();
    },
    async close() {
      for (const c of caches.values()) c.close();
      await link?.close();
    },
  };
}
