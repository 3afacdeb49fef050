// What the usage subgraph offers the gateway's audit: an append-only store of access events
// (the gateway's AuditSink, matched by shape; the subgraph does not import the gateway).
import type { Database } from "../../platform/db/database.js";
import { createUsageRepository, type AccessEventInput } from "./repository.js";

export interface AuditStore {
  append(events: AccessEventInput[]): Promise<unknown>;
  close(): Promise<void>;
}

export function createAuditStore(db: Database): AuditStore {
  const usage = createUsageRepository(db);
  return { append: (events) => usage.append(events), close: async () => void (await usage.close()) };
}
