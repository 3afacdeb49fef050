// The administrator's side of the FHIR quarantine (ADR 0008, issue 11): entries patient matching
// could not attach to a resident safely wait in `ingest.quarantine` (written by the match stage,
// platform/ingest/stages.ts) until an administrator matches them to a resident or rejects them.
//
// Entries are decided per group: every entry of one submission that names the same patient the
// same way (NHS number, date of birth and family name as sent). A laboratory's report and its
// observations share their patient, so they are matched together, and the labs applier, which
// refuses a report without its observations, gets them in one job. A group is known by the opaque
// id of its first entry (migration 0003_quarantine_decisions).
//
// A decision is one transaction: the rows record who decided, when, the note and (for a match) the
// resident's NHS number; the submission log moves on (matched: QUEUED for the owning subgraph, a
// sender's Patient APPLIED as the demographics it is; rejected: REJECTED); and a match queues the
// group's entries for the subgraph that owns their type, which applies them as usual. The table is
// the ingestion pipeline's, not a Prisma model: raw SQL on the `ingest` schema.
//
// Nothing here reads or returns clinical content: the answer and the log line carry the patient as
// sent, resource types and counts, never a code, value or text of an entry.
import type { Database, SqlTransaction } from "../../platform/db/database.js";
import { onceInTransaction, type IdempotencyRequest, type RawTransaction } from "../../platform/db/idempotency.js";
import { serviceUnavailable } from "../../platform/errors/unavailable.js";
import { Refused, type UserError } from "../../platform/errors/user-errors.js";
import type { IngestEntry, MatchedEntry, SubmissionMeta } from "../../platform/ingest/contract.js";
import { appendTo } from "../../platform/ingest/group.js";
import { stageQueue } from "../../platform/ingest/queue.js";
import { logger } from "../../platform/observability/logger.js";
import type { IngestLink } from "../../platform/subgraph/deps.js";
import type { QuarantineReason as MatcherReason } from "./fhir-match.js";
import type { QuarantineReason, QuarantineStatus, QuarantineUserErrorCode, QuarantinedGroup } from "./generated/resolvers-types.js";

/** Where a group sits in the administrator's list (oldest first): its cursor's key. */
export interface GroupPosition {
  quarantinedAt: string;
  submissionId: string;
  firstIndex: number;
}

/** A group as the list answers it, with its position. */
export interface ListedGroup {
  group: QuarantinedGroup;
  position: GroupPosition;
}

export interface Decision {
  /** The group's id (QuarantinedGroup.id). */
  id: string;
  /** The administrator's user id. */
  decidedBy: string;
  /** Already trimmed and checked. */
  note: string;
  request?: IdempotencyRequest;
}

export interface Quarantine {
  /** Groups in `status`, oldest first, `limit` of them after `after`. */
  list(status: QuarantineStatus, limit: number, after: GroupPosition | null): Promise<ListedGroup[]>;
  /** Matches a PENDING group to a known resident and passes its entries on; refuses NOT_PENDING / UNKNOWN_RESIDENT. */
  match(decision: Decision & { nhsNumber: string }): Promise<QuarantinedGroup>;
  /** Rejects a PENDING group; refuses NOT_PENDING. */
  reject(decision: Decision): Promise<QuarantinedGroup>;
}

/** What the submission log says of entries an administrator decided (no clinical content: the sender reads it). */
export const DECISION_REASONS = {
  matched: "matched by an administrator",
  /** A sender's Patient is the demographics its entries were matched with, as in the match stage. */
  matchedPatient: "matched by an administrator; demographics used to match the entries that refer to this patient",
  rejected: "rejected by an administrator",
} as const;

const MATCHER_REASONS = {
  NO_NHS_NUMBER: true,
  INVALID_NHS_NUMBER: true,
  UNKNOWN_PATIENT: true,
  DEMOGRAPHICS_MISSING: true,
  BIRTH_DATE_MISMATCH: true,
  FAMILY_NAME_MISMATCH: true,
  DEMOGRAPHICS_CONFLICT: true,
} as const satisfies Record<MatcherReason, true> & Partial<Record<QuarantineReason, true>>;
const reasonOf = (stored: string): QuarantineReason => (Object.hasOwn(MATCHER_REASONS, stored) ? (stored as QuarantineReason) : "UNKNOWN");

const notPending = (): UserError<QuarantineUserErrorCode> => ({
  code: "NOT_PENDING",
  message: "No quarantined group with that id is awaiting a decision",
  field: ["id"],
});
const unknownResident = (): UserError<QuarantineUserErrorCode> => ({
  code: "UNKNOWN_RESIDENT",
  message: "The care record holds no resident with that NHS number",
  field: ["nhsNumber"],
});

// The patient as sent: what makes entries of one submission one group.
const SENT_BIRTH_DATE = `q.entry->'patient'->>'birthDate'`;
const SENT_FAMILY = `q.entry->'patient'->>'family'`;

/** One row per group of the rows `where` selects (its parameters from $1). */
const GROUPS = (where: string) => `
  SELECT (array_agg(q.id ORDER BY q.index))[1] AS id,
         min(q.index) AS first_index,
         q.submission_id,
         q.nhs_number_sent,
         ${SENT_BIRTH_DATE} AS birth_date,
         ${SENT_FAMILY} AS family,
         q.status,
         (array_agg(q.reason ORDER BY q.index))[1] AS reason,
         array_agg(q.resource_type ORDER BY q.index) AS resource_types,
         (array_agg(q.meta ORDER BY q.index))[1] AS meta,
         min(q.quarantined_at) AS quarantined_at,
         max(q.decided_by) AS decided_by,
         max(q.decided_at) AS decided_at,
         max(q.note) AS note,
         max(q.matched_nhs_number) AS matched_nhs_number
    FROM "ingest"."quarantine" q
   WHERE ${where}
   GROUP BY q.submission_id, q.nhs_number_sent, ${SENT_BIRTH_DATE}, ${SENT_FAMILY}, q.status`;

interface GroupRow {
  id: string;
  first_index: number;
  submission_id: string;
  nhs_number_sent: string | null;
  birth_date: string | null;
  family: string | null;
  status: QuarantineStatus;
  reason: string;
  resource_types: string[];
  meta: SubmissionMeta | string;
  quarantined_at: Date | string;
  decided_by: string | null;
  decided_at: Date | string | null;
  note: string | null;
  matched_nhs_number: string | null;
}

const asDate = (v: Date | string) => (v instanceof Date ? v : new Date(v));
const json = <T>(v: T | string): T => (typeof v === "string" ? (JSON.parse(v) as T) : v);

function counts(types: string[]): { resourceType: string; count: number }[] {
  const by = new Map<string, number>();
  for (const t of types) by.set(t, (by.get(t) ?? 0) + 1);
  return [...by].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([resourceType, count]) => ({ resourceType, count }));
}

function toGroup(row: GroupRow): QuarantinedGroup {
  const meta = json<SubmissionMeta>(row.meta);
  return {
    id: row.id,
    reason: reasonOf(row.reason),
    sent: { nhsNumber: row.nhs_number_sent, birthDate: row.birth_date, family: row.family },
    resourceTypes: counts(row.resource_types),
    sourceSystem: meta.sourceSystem,
    senderOds: meta.senderOds,
    receivedAt: new Date(meta.receivedAt),
    quarantinedAt: asDate(row.quarantined_at),
    status: row.status,
    decidedBy: row.decided_by,
    decidedAt: row.decided_at === null ? null : asDate(row.decided_at),
    note: row.note,
    matchedNhsNumber: row.matched_nhs_number,
  };
}

/** Prisma's raw-SQL face over one of our transactions, for the shared idempotency keys (platform/db/idempotency.ts). */
const rawOf = (tx: SqlTransaction): RawTransaction => ({
  $queryRawUnsafe: <T>(query: string, ...values: unknown[]) => tx.query(query, values) as Promise<T>,
  $executeRawUnsafe: async (query: string, ...values: unknown[]) => (await tx.query(query, values)).length,
});

interface PendingRow {
  id: string;
  submission_id: string;
  index: number;
  resource_type: string;
  entry: IngestEntry | string;
  meta: SubmissionMeta | string;
}

/** The group's rows, still PENDING, locked; [] when there is no such group awaiting a decision. */
async function pendingRows(tx: SqlTransaction, id: string): Promise<PendingRow[]> {
  const [first] = await tx.query<{ submission_id: string; nhs_number_sent: string | null; birth_date: string | null; family: string | null }>(
    `SELECT q.submission_id, q.nhs_number_sent, ${SENT_BIRTH_DATE} AS birth_date, ${SENT_FAMILY} AS family
       FROM "ingest"."quarantine" q WHERE q.id = $1 AND q.status = 'PENDING'`,
    [id],
  );
  if (!first) return [];
  const rows = await tx.query<PendingRow>(
    `SELECT q.id, q.submission_id, q.index, q.resource_type, q.entry, q.meta FROM "ingest"."quarantine" q
      WHERE q.submission_id = $1 AND q.nhs_number_sent IS NOT DISTINCT FROM $2 AND ${SENT_BIRTH_DATE} IS NOT DISTINCT FROM $3
        AND ${SENT_FAMILY} IS NOT DISTINCT FROM $4 AND q.status = 'PENDING'
      ORDER BY q.index FOR UPDATE`,
    [first.submission_id, first.nhs_number_sent, first.birth_date, first.family],
  );
  // Only the group's own id names it (the first entry's), never one of its other entries'.
  return rows[0]?.id === id ? rows : [];
}

export function createQuarantine(db: Database, ingest: IngestLink | undefined): Quarantine {
  const byId = async (id: string): Promise<QuarantinedGroup | null> => {
    const [first] = await db.sql.query<{ submission_id: string }>(`SELECT submission_id FROM "ingest"."quarantine" WHERE id = $1`, [id]);
    if (!first) return null;
    const groups = await db.sql.query<GroupRow>(GROUPS(`q.submission_id = $1`), [first.submission_id]);
    const row = groups.find((g) => g.id === id);
    return row ? toGroup(row) : null;
  };

  /** Decides a group once per idempotency key: `write` gets its rows (PENDING, locked), or the refusal is thrown. */
  const decide = async (
    decision: Decision,
    outcome: "MATCHED" | "REJECTED",
    write: (tx: SqlTransaction, rows: PendingRow[]) => Promise<UserError<QuarantineUserErrorCode>[]>,
  ) => {
    const { replayed, entries } = await db.transaction(async (tx) => {
      let decided = 0;
      const once = await onceInTransaction(rawOf(tx), "residents", decision.request, [`ingest:quarantine:${decision.id}`], async () => {
        const rows = await pendingRows(tx, decision.id);
        const refusals = rows.length === 0 ? [notPending()] : [];
        refusals.push(...(await write(tx, rows)));
        // Throwing rolls the transaction back: nothing is written and no key is recorded.
        if (refusals.length > 0) throw new Refused(refusals);
        decided = rows.length;
        return decision.id;
      });
      return { replayed: once.replayed, entries: decided };
    });
    const group = await byId(decision.id);
    if (!group) throw new Error("a decided quarantined group could not be read back");
    if (!replayed)
      // The audit of the decision is the rows themselves; this line is for operators: no patient, no note.
      logger.info(
        {
          quarantine: { group: group.id, decision: outcome, decidedBy: decision.decidedBy, reason: group.reason, entries },
          resourceTypes: Object.fromEntries(group.resourceTypes.map((t) => [t.resourceType, t.count])),
        },
        `ingestion: quarantined entries ${outcome === "MATCHED" ? "matched" : "rejected"} by an administrator`,
      );
    return { group, replayed };
  };

  return {
    async list(status, limit, after) {
      const rows = await db.sql.query<GroupRow>(
        `SELECT * FROM (${GROUPS(`q.status = $1`)}) g
          WHERE $2::timestamptz IS NULL OR (g.quarantined_at, g.submission_id, g.first_index) > ($2::timestamptz, $3::text, $4::int)
          ORDER BY g.quarantined_at, g.submission_id, g.first_index
          LIMIT $5`,
        [status, after?.quarantinedAt ?? null, after?.submissionId ?? null, after?.firstIndex ?? null, limit],
      );
      return rows.map((row) => ({
        group: toGroup(row),
        position: { quarantinedAt: asDate(row.quarantined_at).toISOString(), submissionId: row.submission_id, firstIndex: row.first_index },
      }));
    },

    async match(decision) {
      // Entries are passed on only through the process's queue: without it nothing is decided.
      const link = ingest?.current;
      if (!link) throw serviceUnavailable();
      const owners = new Set<string>();
      const { group, replayed } = await decide(decision, "MATCHED", async (tx, rows) => {
        const [known] = await tx.query(`SELECT 1 AS known FROM "residents"."resident" WHERE nhs_number = $1`, [decision.nhsNumber]);
        const refusals = known ? [] : [unknownResident()];
        if (rows.length === 0 || refusals.length > 0) return refusals;
        await tx.query(
          `UPDATE "ingest"."quarantine" SET status = 'MATCHED', decided_by = $2, decided_at = now(), note = $3, matched_nhs_number = $4 WHERE id = ANY($1::text[])`,
          [rows.map((r) => r.id), decision.decidedBy, decision.note, decision.nhsNumber],
        );
        const meta = json<SubmissionMeta>(rows[0]!.meta);
        const byOwner = new Map<string, MatchedEntry[]>();
        const logged: { index: number; status: "QUEUED" | "APPLIED"; reason: string }[] = [];
        for (const row of rows) {
          if (row.resource_type === "Patient") {
            logged.push({ index: row.index, status: "APPLIED", reason: DECISION_REASONS.matchedPatient });
            continue;
          }
          const owner = link.ownerOf(row.resource_type);
          appendTo(byOwner, owner, { ...json<IngestEntry>(row.entry), nhsNumber: decision.nhsNumber });
          logged.push({ index: row.index, status: "QUEUED", reason: DECISION_REASONS.matched });
        }
        await tx.query(
          `UPDATE "ingest"."submission_entry" AS s SET status = e.status, reason = e.reason, updated_at = now()
             FROM unnest($2::int[], $3::text[], $4::text[]) AS e(index, status, reason)
            WHERE s.submission_id = $1 AND s.index = e.index`,
          [rows[0]!.submission_id, logged.map((l) => l.index), logged.map((l) => l.status), logged.map((l) => l.reason)],
        );
        // One job per owning subgraph with all of the group's entries it owns: one patient's, so
        // a report travels with its observations (as chunkByPatient keeps them in the match stage).
        await link.queue.send(
          tx,
          [...byOwner].map(([owner, entries]) => ({ queue: stageQueue(owner), data: { meta, entries } })),
        );
        for (const owner of byOwner.keys()) owners.add(owner);
        return [];
      });
      if (!replayed) for (const owner of owners) link.queue.wake(stageQueue(owner));
      return group;
    },

    async reject(decision) {
      const { group } = await decide(decision, "REJECTED", async (tx, rows) => {
        if (rows.length === 0) return [];
        await tx.query(`UPDATE "ingest"."quarantine" SET status = 'REJECTED', decided_by = $2, decided_at = now(), note = $3 WHERE id = ANY($1::text[])`, [
          rows.map((r) => r.id),
          decision.decidedBy,
          decision.note,
        ]);
        await tx.query(
          `UPDATE "ingest"."submission_entry" SET status = 'REJECTED', reason = $3, updated_at = now() WHERE submission_id = $1 AND index = ANY($2::int[])`,
          [rows[0]!.submission_id, rows.map((r) => r.index), DECISION_REASONS.rejected],
        );
        return [];
      });
      return group;
    },
  };
}
