// What the residents subgraph offers the gateway's audit: a user's active break-glass reasons by
// NHS number, recorded as the purpose of each access (the gateway's BreakGlassLookup, by shape).
import type { Database } from "../../platform/db/database.js";
import type { CacheHub } from "../../platform/cache/hub.js";
import { createResidentsRepository } from "./repository.js";
import { about } from "./manifest.js";

export interface BreakGlassLookupService {
  lookup(userId: string, nhsNumbers: string[]): Promise<Map<string, string>>;
  close(): Promise<void>;
}

export function createBreakGlassLookup(db: Database, caches: CacheHub): BreakGlassLookupService {
  // The same cache as the residents subgraph in this process: a started break-glass session purges it.
  const residents = createResidentsRepository(db, caches.cache(about.name));
  return {
    lookup: async (userId, nhsNumbers) => new Map((await residents.activeBreakGlass(userId, nhsNumbers, new Date())).map((s) => [s.nhsNumber, s.reason])),
    close: async () => void (await residents.close()),
  };
}
