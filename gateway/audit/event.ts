// One access event as the gateway records it: who saw (or was refused) which section of whose
// record, when, under which purpose. The gateway owns this shape and the store it needs
// (`AuditSink`, `BreakGlassLookup`); the deployment wires implementations to them (app/audit.ts:
// the usage subgraph's audit store and the residents subgraph's break-glass sessions).
import type { AccessOutcome } from "./collect.js";

export interface AccessEvent {
  id: string;
  occurredAt: Date;
  userId: string;
  userRole: string;
  orgCode: string;
  orgType: string;
  nhsNumber: string;
  section: string;
  purpose: "NORMAL" | "BREAK_GLASS";
  breakGlassReason: string | null;
  /** Hash of the operation's document: which query, never its variables. */
  operationHash: string;
  outcome: AccessOutcome;
  denialCode: string | null;
}

/** Where access events are made durable; `append` resolves once they are committed. */
export interface AuditSink {
  append(events: AccessEvent[]): Promise<unknown>;
}

/** Active break-glass reasons of one user, by NHS number (the purpose recorded with each event). */
export type BreakGlassLookup = (userId: string, nhsNumbers: string[]) => Promise<Map<string, string>>;
