// The gateway's audit dependencies: the usage subgraph's append-only store, through a
// group-commit writer, and the residents subgraph's break-glass sessions for the purpose field.
import type { Database } from "../platform/db/database.js";
import { createUsageRepository } from "../subgraphs/usage/repository.js";
import { createResidentsRepository } from "../subgraphs/residents/repository.js";
import { AuditWriter } from "../gateway/audit/writer.js";
import type { BreakGlassLookup } from "../gateway/plugins/audit.js";
import type { CacheHub } from "../platform/cache/hub.js";

export interface Audit {
  writer: AuditWriter;
  breakGlass: BreakGlassLookup;
  close(): Promise<void>;
}

export function createAudit(db: Database, caches: CacheHub): Audit {
  const usage = createUsageRepository(db);
  // The same cache as the residents subgraph in this process: a started break-glass session purges it.
  const residents = createResidentsRepository(db, caches.cache("residents"));
  const writer = new AuditWriter(usage);
  return {
    writer,
    breakGlass: async (userId, nhsNumbers) =>
      new Map((await residents.activeBreakGlass(userId, nhsNumbers, new Date())).map((s) => [s.nhsNumber, s.reason])),
    close: async () => {
      await writer.close();
      await Promise.all([usage.close(), residents.close()]);
    },
  };
}
