// The submission log (schema `ingest`, ADR 0008): what each submission held, by resource type,
// and what became of each entry. No clinical content is written here: the sender reads it back
// (GET [base]/_submission/<id>) and operators count from it.
import type { SqlRunner } from "../db/database.js";
import type { EntryOutcome, SubmissionMeta } from "./contract.js";

export interface LoggedEntry {
  index: number;
  resourceType: string;
  /** QUEUED, or REJECTED with its reason for a batch entry refused at the door. */
  status: "QUEUED" | "REJECTED";
  reason?: string;
}

/**
 * Writes the submission and its entries (inside the transaction that queues its jobs) in one
 * statement: the entries take the id the submission's INSERT returns, so none can exist without it
 * (migration 0004 explains why no foreign key checks it again).
 */
export async function logSubmission(tx: SqlRunner, meta: SubmissionMeta, interaction: string, entries: readonly LoggedEntry[]): Promise<void> {
  await tx.query(
    `WITH s AS (
       INSERT INTO "ingest"."submission" (id, source_id, sender_ods, interaction, entry_count, received_at)
       VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, received_at
     )
     INSERT INTO "ingest"."submission_entry" (submission_id, index, resource_type, status, reason, updated_at)
     SELECT s.id, e.index, e.resource_type, e.status, e.reason, s.received_at
       FROM s, unnest($7::int[], $8::text[], $9::text[], $10::text[]) AS e(index, resource_type, status, reason)`,
    [
      meta.submissionId,
      meta.sourceId,
      meta.senderOds,
      interaction,
      entries.length,
      meta.receivedAt,
      entries.map((e) => e.index),
      entries.map((e) => e.resourceType),
      entries.map((e) => e.status),
      entries.map((e) => e.reason ?? null),
    ],
  );
}

export interface SubmissionOutcomes {
  submissionId: string;
  outcomes: readonly EntryOutcome[];
}

/**
 * Records what became of entries, of one or several submissions, in one statement. An entry
 * already APPLIED stays APPLIED when a retried job finds its version there (DUPLICATE): the first
 * answer is the true one.
 */
export async function logOutcomes(sql: SqlRunner, submissions: readonly SubmissionOutcomes[]): Promise<void> {
  const rows = submissions.flatMap((s) => s.outcomes.map((o) => ({ submissionId: s.submissionId, ...o })));
  if (rows.length === 0) return;
  await sql.query(
    `UPDATE "ingest"."submission_entry" AS s SET status = o.status, reason = o.reason, updated_at = now()
     FROM unnest($1::text[], $2::int[], $3::text[], $4::text[]) AS o(submission_id, index, status, reason)
     WHERE s.submission_id = o.submission_id AND s.index = o.index AND NOT (s.status = 'APPLIED' AND o.status = 'DUPLICATE')`,
    [rows.map((r) => r.submissionId), rows.map((r) => r.index), rows.map((r) => r.status), rows.map((r) => r.reason ?? null)],
  );
}

export interface SubmissionStatus {
  submissionId: string;
  sourceId: string;
  interaction: string;
  receivedAt: Date;
  entries: { index: number; resourceType: string; status: string; reason: string | null; updatedAt: Date }[];
}

export async function submissionStatus(sql: SqlRunner, submissionId: string): Promise<SubmissionStatus | null> {
  const [head] = await sql.query<{ id: string; source_id: string; interaction: string; received_at: Date }>(
    `SELECT id, source_id, interaction, received_at FROM "ingest"."submission" WHERE id = $1`,
    [submissionId],
  );
  if (!head) return null;
  const entries = await sql.query<{ index: number; resource_type: string; status: string; reason: string | null; updated_at: Date }>(
    `SELECT index, resource_type, status, reason, updated_at FROM "ingest"."submission_entry" WHERE submission_id = $1 ORDER BY index`,
    [submissionId],
  );
  return {
    submissionId: head.id,
    sourceId: head.source_id,
    interaction: head.interaction,
    receivedAt: head.received_at,
    entries: entries.map((e) => ({ index: e.index, resourceType: e.resource_type, status: e.status, reason: e.reason, updatedAt: e.updated_at })),
  };
}
