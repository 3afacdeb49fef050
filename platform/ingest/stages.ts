// The two stages after the front door (ADR 0008). Matching runs in the residents subgraph, which
// owns who a resident is: the Patients of the systems that own demographics (GP and care home
// systems) are applied first, then each other entry's patient is matched or the entry is quarantined, and the
// matched entries are queued for the subgraph that owns their type, in the same transaction. The
// owning subgraph then applies them. A stage that throws leaves its job to be retried; nothing
// is acknowledged to anyone until the transaction that passes it on commits.
import type { Database } from "../db/database.js";
import { logger } from "../observability/logger.js";
import type { EntryOutcome, FhirApplier, IngestEntry, MatchedEntry, SubmissionMeta } from "./contract.js";
import { logOutcomes } from "./log.js";
import { appendTo } from "./group.js";
import { stageQueue, type IngestQueue } from "./queue.js";

export interface StageJob<E extends IngestEntry = IngestEntry> {
  meta: SubmissionMeta;
  entries: E[];
}

/** The residents subgraph's decision for each entry: the resident's NHS number, or why it is quarantined. */
export type PatientDecision = { matched: string } | { quarantine: string };

export interface PatientMatcher {
  decide(entries: readonly IngestEntry[]): Promise<Map<number, PatientDecision>>;
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
  const jobs: E[][] = [];
  let current: E[] = [];
  for (const group of groups.values()) {
    if (current.length > 0 && current.length + group.length > ENTRIES_PER_JOB) {
      jobs.push(current);
      current = [];
    }
    current.push(...group);
  }
  if (current.length > 0) jobs.push(current);
  return jobs;
}

/** Matching: quarantines, outcomes and the jobs for the owning subgraphs commit together. */
export async function runMatchStage(
  db: Database,
  queue: IngestQueue,
  matcher: PatientMatcher,
  ownerOf: (resourceType: string) => string,
  job: StageJob,
): Promise<void> {
  // Demographics first (their own transaction), then matching against the record as they left it.
  const applied = matcher.applyDemographics ? await matcher.applyDemographics(job.meta, job.entries) : new Map<number, EntryOutcome | { quarantine: string }>();
  const decisions = await matcher.decide(job.entries.filter((e) => !applied.has(e.index)));
  const byOwner = new Map<string, MatchedEntry[]>();
  const quarantined: { entry: IngestEntry; reason: string }[] = [];
  const outcomes: EntryOutcome[] = [];
  for (const entry of job.entries) {
    const demographics = applied.get(entry.index);
    const decision = demographics ?? decisions.get(entry.index) ?? { quarantine: "NO_NHS_NUMBER" };
    if ("status" in decision) {
      outcomes.push(decision);
    } else if ("quarantine" in decision) {
      quarantined.push({ entry, reason: decision.quarantine });
      outcomes.push({ index: entry.index, status: "QUARANTINED", reason: decision.quarantine });
    } else if (entry.resource.resourceType === "Patient") {
      // A sender's Patient is the demographics its other entries were matched with; the record's
      // own demographics change only through the GP and care home systems' feeds.
      outcomes.push({ index: entry.index, status: "APPLIED", reason: "demographics used to match the entries that refer to this patient" });
    } else {
      const owner = ownerOf(entry.resource.resourceType);
      appendTo(byOwner, owner, { ...entry, nhsNumber: decision.matched });
    }
  }
  await db.transaction(async (tx) => {
    if (quarantined.length > 0)
      await tx.query(
        `INSERT INTO "ingest"."quarantine" (submission_id, index, resource_type, reason, nhs_number_sent, entry, meta, quarantined_at)
         SELECT $1, q.index, q.resource_type, q.reason, q.nhs, q.entry, $2::jsonb, now()
         FROM unnest($3::int[], $4::text[], $5::text[], $6::text[], $7::jsonb[]) AS q(index, resource_type, reason, nhs, entry)
         ON CONFLICT DO NOTHING`,
        [
          job.meta.submissionId,
          JSON.stringify(job.meta),
          quarantined.map((q) => q.entry.index),
          quarantined.map((q) => q.entry.resource.resourceType),
          quarantined.map((q) => q.reason),
          quarantined.map((q) => q.entry.patient?.nhsNumber ?? null),
          quarantined.map((q) => JSON.stringify(q.entry)),
        ],
      );
    await logOutcomes(tx, job.meta.submissionId, outcomes);
    for (const [owner, entries] of byOwner)
      for (const chunk of chunkByPatient(entries, (e) => e.nhsNumber)) await queue.send(tx, stageQueue(owner), { meta: job.meta, entries: chunk });
  });
  for (const owner of byOwner.keys()) queue.wake(stageQueue(owner));
  logger.info({ submission: job.meta.submissionId, entries: job.entries.length, quarantined: quarantined.length }, "ingestion: patients matched");
}

/** Applying: the owning subgraph writes (and purges its caches), then the outcomes are logged. */
export async function runApplyStage(db: Database, subgraph: string, applier: FhirApplier, job: StageJob<MatchedEntry>): Promise<void> {
  const outcomes = await applier.apply(job.meta, job.entries);
  // If the process dies here, the retried job applies nothing twice: its versions are found
  // already there (DUPLICATE), and logOutcomes keeps an APPLIED entry APPLIED.
  await logOutcomes(db.sql, job.meta.submissionId, outcomes);
  const counts: Record<string, number> = {};
  for (const o of outcomes) counts[o.status] = (counts[o.status] ?? 0) + 1;
  logger.info({ submission: job.meta.submissionId, subgraph, ...counts }, "ingestion: entries applied");
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
    if (matcher) await queue.work<StageJob>(stageQueue(MATCH_STAGE), (job) => runMatchStage(db, queue, matcher, ownerOf, job));
    if (applier) await queue.work<StageJob<MatchedEntry>>(stageQueue(m.name), (job) => runApplyStage(db, m.name, applier, job));
  }
}
