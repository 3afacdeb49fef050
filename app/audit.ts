// The gateway's audit dependencies, wired here (the composition root) so the gateway names no
// subgraph: the usage subgraph's append-only store behind a group-commit writer, and the residents
// subgraph's break-glass sessions for the purpose recorded with each event.
import type { Database } from "../platform/db/database.js";
import type { CacheHub } from "../platform/cache/hub.js";
import { createAuditStore } from "../subgraphs/usage/audit-store.js";
import { createBreakGlassLookup } from "../subgraphs/residents/break-glass-lookup.js";
import { AuditWriter } from "../gateway/audit/writer.js";
import type { BreakGlassLookup } from "../gateway/audit/event.js";

export interface Audit {
  writer: AuditWriter;
  breakGlass: BreakGlassLookup;
  close(): Promise<void>;
}

export function createAudit(db: Database, caches: CacheHub): Audit {
  const store = createAuditStore(db);
  const breakGlass = createBreakGlassLookup(db, caches);
  const writer = new AuditWriter(store);
  return {
    writer,
    breakGlass: breakGlass.lookup,
    close: async () => {
      await writer.close();
      await Promise.all([store.close(), breakGlass.close()]);
    },
  };
}
