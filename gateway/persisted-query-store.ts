// Automatic persisted queries: operation text by SHA-256, in memory and in Redis (shared by every
// gateway replica, so a client registers a query once). Redis trouble only means a client is asked
// to send the full query again.
import { LRUCache } from "lru-cache";
import type { CacheHub } from "../platform/cache/hub.js";

const TTL_SECONDS = 7 * 24 * 3600;

export interface PersistedQueryStore {
  get(hash: string): Promise<string | null>;
  set(hash: string, query: string): Promise<void>;
}

export function createPersistedQueryStore(caches: Pick<CacheHub, "link" | "keyPrefix">): PersistedQueryStore {
  const { link } = caches;
  const local = new LRUCache<string, string>({ max: 5000 });
  const key = (hash: string) => `${caches.keyPrefix}apq:${hash}`;
  return {
    async get(hash) {
      const hit = local.get(hash);
      if (hit !== undefined) return hit;
      const remote = link ? await link.get(key(hash)) : null;
      if (remote !== null) local.set(hash, remote);
      return remote;
    },
    async set(hash, query) {
      local.set(hash, query);
      await link?.set(key(hash), query, TTL_SECONDS);
    },
  };
}
