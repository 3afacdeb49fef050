// The durable queue between the FHIR front door and the subgraphs that apply what it accepted
// (ADR 0008): pg-boss, in PostgreSQL beside the data (schema `ingest_queue`), so the embedded
// default (PGlite) runs it with no other service and a submission and its jobs commit in one
// transaction. A job is taken by one worker at a time, retried with backoff when its apply fails,
// and moved to the `fhir-dead` queue (never deleted) when its retries run out.
import PgBoss from "pg-boss";
import type { Database, SqlTransaction } from "../db/database.js";
import { logger } from "../observability/logger.js";

export const QUEUE_SCHEMA = "ingest_queue";
/** Where a job whose retries ran out waits for an administrator (nothing is dropped). */
export const DEAD_LETTER_QUEUE = "fhir-dead";

/** Queue of one ingestion stage: `fhir-match` (patient matching, residents) or `fhir-<subgraph>`. */
export const stageQueue = (stage: string) => `fhir-${stage}`;

export interface IngestQueue {
  /** Adds a job inside the caller's transaction: it exists only if the transaction commits. */
  send(tx: SqlTransaction, queue: string, data: object): Promise<void>;
  /** Wakes this process's worker of `queue` now rather than at its next poll (call after commit). */
  wake(queue: string): void;
  /** Runs `handler` for each job of `queue` (WORKERS_PER_QUEUE at a time, each job on its own); a throw retries the job later. */
  work<T extends object>(queue: string, handler: (data: T) => Promise<void>): Promise<void>;
  /** Jobs not yet completed (waiting, running or to be retried). */
  pending(queue: string): Promise<number>;
  stop(): Promise<void>;
}

const RETRY = { retryLimit: 60, retryDelay: 2, retryBackoff: true } as const;
/**
 * Workers per queue in a process, each taking one job at a time. Stages may run side by side: the
 * matcher only reads residents and writes its own entries' log rows; appliers lock their keys
 * (advisory lock per key in sorted order, then `FOR UPDATE`). On PostgreSQL only: the embedded
 * database runs one worker per queue. Measured in bench/INGESTION.md.
 */
export const WORKERS_PER_QUEUE = 4;

export async function openQueue(db: Database, opts: { pollingIntervalSeconds?: number; workersPerQueue?: number } = {}): Promise<IngestQueue> {
  const boss = new PgBoss({
    db: db.queue as PgBoss.Db,
    schema: QUEUE_SCHEMA,
    schedule: false,
    // Clinical content lives in job payloads: completed jobs are archived after a minute and
    // deleted after a day (the applied rows and the submission log are the record, not the queue).
    archiveCompletedAfterSeconds: 60,
    deleteAfterDays: 1,
  });
  boss.on("error", (error) => logger.warn({ err: { name: error.name, message: error.message } }, "ingestion queue maintenance failed"));
  await boss.start();
  const known = new Set<string>();
  const ensure = async (queue: string) => {
    if (known.has(queue)) return;
    if (!(await boss.getQueue(queue))) {
      if (queue !== DEAD_LETTER_QUEUE) await ensure(DEAD_LETTER_QUEUE);
      await boss.createQueue(queue, { name: queue, ...RETRY, expireInSeconds: 900, ...(queue === DEAD_LETTER_QUEUE ? {} : { deadLetter: DEAD_LETTER_QUEUE }) });
    }
    known.add(queue);
  };
  const workers = new Map<string, string[]>();
  const polling = opts.pollingIntervalSeconds ?? 1;
  // The embedded database (PGlite) runs one statement at a time: more workers would only queue.
  const workersPerQueue = opts.workersPerQueue ?? (db.kind === "embedded" ? 1 : WORKERS_PER_QUEUE);
  return {
    async send(tx, queue, data) {
      await ensure(queue);
      await boss.send(queue, data, { ...RETRY, db: tx as PgBoss.Db });
    },
    wake(queue) {
      for (const id of workers.get(queue) ?? []) boss.notifyWorker(id);
    },
    async work(queue, handler) {
      await ensure(queue);
      for (let i = 0; i < workersPerQueue; i++) {
        const worker = { id: "" };
        worker.id = await boss.work<object>(queue, { batchSize: 1, pollingIntervalSeconds: polling }, async ([job]) => {
          if (!job) return;
          await handler(job.data as never);
          // A worker that found a job asks again at once: pg-boss would otherwise wait out the rest
          // of its polling interval after every job (one job per second per worker once the
          // senders stop waking it, as after a restart with a backlog).
          if (worker.id) boss.notifyWorker(worker.id);
        });
        workers.set(queue, [...(workers.get(queue) ?? []), worker.id]);
      }
    },
    async pending(queue) {
      await ensure(queue);
      return boss.getQueueSize(queue);
    },
    async stop() {
      // Jobs in flight finish (or, if the process dies first, expire and are retried elsewhere).
      await boss.stop({ graceful: true, wait: true, timeout: 20_000 });
    },
  };
}
