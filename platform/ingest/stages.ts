// The two stages after the front door (ADR 0008). Matching runs in the residents subgraph, which
// owns who a resident is: the Patients of the systems that own demographics (GP and care home
// systems) are applied first, then each other entry's patient is matched or the entry is quarantined, and the
// matched entries are queued for the subgraph that owns their type, in the same transaction. The
// owning subgraph then applies them. A stage that throws leaves its job to be retried; nothing
// is acknowledged to anyone until the transaction that passes it on commits.
import type { Database } from "../db/database.js";
import { logger } from "../observability/logger.js";
import type { EntryOutcome, FhirApplier, IngestEntry, MatchedEntry, SubmissionEntries, SubmissionMeta } from "./contract.js";
import { logOutcomes, type SubmissionOutcomes } from "./log.js";
import { appendTo } from "./group.js";
import { stageQueue, type IngestQueue, type QueuedJob } from "./queue.js";

/** The residents subgraph's decision for each entry: the resident's NHS number, or why it is quarantined. */
export type PatientDecision = { matched: string } | { quarantine: string };

export interface PatientMatcher {
  /** One decision per entry, in their order (the entries may come from several submissions). */
  decide(entries: readonly IngestEntry[]): Promise<PatientDecision[]>;
  /**
   * Applies the job's Patient entries that change the record's demographics (those of the systems
   * that own them, subgraphs/residents/fhir.ts), and commits them, BEFORE the job's other entries
   * are matched: a GP system correcting a date of birth or a surname in the same submission as an
   * allergy must not get its own allergy quarantined. Returns the outcome of each entry it took (or
   * why it quarantines it); the entries it leaves out are matched by `decide` like any other. A retry
   * finds its own versions applied (APPLIED again, by submission id), so nothing is applied twice.
   */
  applyDemographics?(meta: SubmissionMeta, entries: readonly IngestEntry[]): Promise<Map<number, EntryOutcome | { quarantine: string }>>;
}

/** What a subgraph process runs for ingestion: the matcher (residents) and/or its applier. */
export interface FhirStages {
  matcher?: PatientMatcher;
  applier?: FhirApplier;
}

export const MATCH_STAGE = "match";
/** Entries per job: large enough to apply with a fixed number of statements, small enough to retry cheaply. */
export const ENTRIES_PER_JOB = 500;

/**
 * Splits entries into jobs of at most ENTRIES_PER_JOB, never separating one patient's entries (a
 * report and its observations must be applied together).
 */
export function chunkByPatient<E extends IngestEntry>(entries: readonly E[], key: (e: E) => string): E[][] {
  const groups = new Map<string, E[]>();
  for (const e of entries) appendTo(groups, key(e), e);
  return chunkBySize([...groups.values()], (group) => group.length, ENTRIES_PER_JOB).map((chunk) => chunk.flat());
}

/**
 * Matching a batch of jobs (several submissions): demographics first, per submission (their own
 * transactions); then every other entry of the batch is decided with one lookup, and the
 * quarantines, the outcomes and the jobs for the owning subgraphs commit together.
 */
export async function runMatchStage(
  db: Database,
  queue: IngestQueue,
  matcher: PatientMatcher,
  ownerOf: (resourceType: string) => string,
  batch: readonly SubmissionEntries[],
): Promise<void> {
  // Demographics first (their own transactions), then matching against the record as they left it.
  const applied: Map<number, EntryOutcome | { quarantine: string }>[] = [];
  for (const job of batch)
    applied.push(matcher.applyDemographics ? await matcher.applyDemographics(job.meta, job.entries) : new Map<number, EntryOutcome | { quarantine: string }>());
  const undecided = batch.flatMap((job, j) => job.entries.filter((e) => !applied[j]!.has(e.index)));
  const decided = await matcher.decide(undecided);
  let next = 0;
  const quarantined: { meta: SubmissionMeta; entry: IngestEntry; reason: string }[] = [];
  const logged: SubmissionOutcomes[] = [];
  const jobs: QueuedJob[] = [];
  for (const [j, job] of batch.entries()) {
    const byOwner = new Map<string, MatchedEntry[]>();
    const outcomes: EntryOutcome[] = [];
    for (const entry of job.entries) {
      const decision = applied[j]!.get(entry.index) ?? decided[next++] ?? { quarantine: "NO_NHS_NUMBER" };
      if ("status" in decision) {
        outcomes.push(decision);
      } else if ("quarantine" in decision) {
        quarantined.push({ meta: job.meta, entry, reason: decision.quarantine });
        outcomes.push({ index: entry.index, status: "QUARANTINED", reason: decision.quarantine });
      } else if (entry.resource.resourceType === "Patient") {
        // A sender's Patient is the demographics its other entries were matched with; the record's
        // own demographics change only through the GP and care home systems' feeds.
        outcomes.push({ index: entry.index, status: "APPLIED", reason: "demographics used to match the entries that refer to this patient" });
      } else {
        appendTo(byOwner, ownerOf(entry.resource.resourceType), { ...entry, nhsNumber: decision.matched });
      }
    }
    logged.push({ submissionId: job.meta.submissionId, outcomes });
    for (const [owner, entries] of byOwner)
      for (const chunk of chunkByPatient(entries, (e) => e.nhsNumber)) jobs.push({ queue: stageQueue(owner), data: { meta: job.meta, entries: chunk } });
  }
  await db.transaction(async (tx) => {
    if (quarantined.length > 0)
      await tx.query(
        `INSERT INTO "ingest"."quarantine" (submission_id, index, resource_type, reason, nhs_number_sent, entry, meta, quarantined_at)
         SELECT q.submission_id, q.index, q.resource_type, q.reason, q.nhs, q.entry, q.meta, now()
         FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[], $6::jsonb[], $7::jsonb[])
           AS q(submission_id, index, resource_type, reason, nhs, entry, meta)
         ON CONFLICT DO NOTHING`,
        [
          quarantined.map((q) => q.meta.submissionId),
          quarantined.map((q) => q.entry.index),
          quarantined.map((q) => q.entry.resource.resourceType),
          quarantined.map((q) => q.reason),
          quarantined.map((q) => q.entry.patient?.nhsNumber ?? null),
          quarantined.map((q) => JSON.stringify(q.entry)),
          quarantined.map((q) => JSON.stringify(q.meta)),
        ],
      );
    await logOutcomes(tx, logged);
    await queue.send(tx, jobs);
  });
  for (const name of new Set(jobs.map((j) => j.queue))) queue.wake(name);
  logger.info(
    { submissions: batch.length, entries: batch.reduce((n, job) => n + job.entries.length, 0), quarantined: quarantined.length },
    "ingestion: patients matched",
  );
}

/** Entries one apply transaction takes at most; a larger batch of jobs is applied in several. */
export const ENTRIES_PER_APPLY = 2_000;

/** Applying a batch of jobs: the owning subgraph writes (and purges its caches), then the outcomes are logged. */
export async function runApplyStage(db: Database, subgraph: string, applier: FhirApplier, batch: readonly SubmissionEntries<MatchedEntry>[]): Promise<void> {
  // Decided in the order the submissions were received (the queue hands over jobs queued in one
  // transaction in no particular order): a report and its amendment in one batch are then both
  // APPLIED, the amendment last, rather than the original told SUPERSEDED.
  const received = [...batch].sort((a, b) => a.meta.receivedAt.localeCompare(b.meta.receivedAt));
  for (const part of chunkBySize(received, (job) => job.entries.length, ENTRIES_PER_APPLY)) {
    const outcomes = await applier.apply(part);
    // If the process dies here, the retried jobs apply nothing twice: their versions are found
    // already there (APPLIED again by their submission id), and logOutcomes keeps an APPLIED entry APPLIED.
    await logOutcomes(
      db.sql,
      part.map((job, i) => ({ submissionId: job.meta.submissionId, outcomes: outcomes[i]! })),
    );
    const counts: Record<string, number> = {};
    for (const o of outcomes.flat()) counts[o.status] = (counts[o.status] ?? 0) + 1;
    logger.info({ submissions: part.length, subgraph, ...counts }, "ingestion: entries applied");
  }
}

/** Consecutive runs of items whose sizes add up to at most `limit` (an item larger than that alone). */
export function chunkBySize<T>(items: readonly T[], size: (item: T) => number, limit: number): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let total = 0;
  for (const item of items) {
    const n = size(item);
    if (current.length > 0 && total + n > limit) {
      chunks.push(current);
      current = [];
      total = 0;
    }
    current.push(item);
    total += n;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** Starts this process's ingestion workers: matching where the matcher lives, applying in each owner. */
export async function startIngestWorkers(
  db: Database,
  queue: IngestQueue,
  modules: readonly { name: string; fhir?: FhirStages }[],
  ownerOf: (resourceType: string) => string,
): Promise<void> {
  for (const m of modules) {
    const { matcher, applier } = m.fhir ?? {};
    if (matcher) await queue.work<SubmissionEntries>(stageQueue(MATCH_STAGE), (batch) => runMatchStage(db, queue, matcher, ownerOf, batch));
    if (applier) await queue.work<SubmissionEntries<MatchedEntry>>(stageQueue(m.name), (batch) => runApplyStage(db, m.name, applier, batch));
  }
}
