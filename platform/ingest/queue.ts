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

export interface QueueOptions {
  /** How often an idle worker looks for jobs another process queued (its own are woken at once). */
  pollingIntervalSeconds?: number;
  /**
   * How long a job may run before its worker is presumed dead (killed, frozen) and the job is
   * retried (INGEST_JOB_TIMEOUT_S). Applying is idempotent, so a slow worker that finishes after
   * all costs a DUPLICATE, never a double row.
   */
  jobTimeoutSeconds?: number;
  /** Workers per queue in this process (default WORKERS_PER_QUEUE on PostgreSQL, 1 on the embedded database). */
  workersPerQueue?: number;
}

export async function openQueue(db: Database, opts: QueueOptions = {}): Promise<IngestQueue> {
  const jobTimeoutSeconds = opts.jobTimeoutSeconds ?? 120;
  const boss = new PgBoss({
    db: db.queue as PgBoss.Db,
    schema: QUEUE_SCHEMA,
    schedule: false,
    // Expired jobs are found by maintenance: look at least twice per timeout.
    maintenanceIntervalSeconds: Math.max(1, Math.min(120, Math.floor(jobTimeoutSeconds / 2))),
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
      await boss.createQueue(queue, {
        name: queue,
        ...RETRY,
        expireInSeconds: jobTimeoutSeconds,
        ...(queue === DEAD_LETTER_QUEUE ? {} : { deadLetter: DEAD_LETTER_QUEUE }),
      });
    }
    known.add(queue);
  };
  const polling = (opts.pollingIntervalSeconds ?? 1) * 1000;
  // The embedded database (PGlite) runs one statement at a time: more workers would only queue.
  const workersPerQueue = opts.workersPerQueue ?? (db.kind === "embedded" ? 1 : WORKERS_PER_QUEUE);
  // Our own fetch loop rather than boss.work(): pg-boss 10's work() does not await its complete()
  // and fail() calls, so a database restart mid-job becomes an unhandled rejection that ends the
  // process. Here each is awaited; one that fails leaves its job active, and the job expires and
  // is retried (applying is idempotent).
  const wakers = new Map<string, Set<() => void>>();
  const loops: Promise<void>[] = [];
  let stopping = false;
  const pause = (queue: string) =>
    new Promise<void>((resolve) => {
      const set = wakers.get(queue) ?? new Set<() => void>();
      wakers.set(queue, set);
      const done = () => {
        clearTimeout(timer);
        set.delete(done);
        resolve();
      };
      const timer = setTimeout(done, polling);
      set.add(done);
    });
  const report = (what: string, queue: string, error: unknown) =>
    logger.warn({ queue, err: { name: (error as Error).name, code: (error as { code?: string }).code } }, `ingestion queue: ${what} failed`);
  const loop = async (queue: string, handler: (data: never) => Promise<void>) => {
    while (!stopping) {
      let jobs: PgBoss.Job<object>[] = [];
      try {
        jobs = (await boss.fetch<object>(queue, { batchSize: 1 })) ?? [];
      } catch (error) {
        report("fetch", queue, error);
      }
      if (jobs.length === 0) {
        await pause(queue);
        continue;
      }
      for (const job of jobs) {
        try {
          await handler(job.data as never);
        } catch (error) {
          report("job", queue, error);
          await boss.fail(queue, job.id, { message: (error as Error).name }).catch((e: unknown) => report("fail", queue, e));
          continue;
        }
        await boss.complete(queue, job.id).catch((e: unknown) => report("complete", queue, e));
      }
    }
  };
  return {
    async send(tx, queue, data) {
      await ensure(queue);
      await boss.send(queue, data, { ...RETRY, expireInSeconds: jobTimeoutSeconds, db: tx as PgBoss.Db });
    },
    wake(queue) {
      for (const wake of wakers.get(queue) ?? []) wake();
    },
    async work(queue, handler) {
      await ensure(queue);
      // A worker that finds a job asks again at once (the loop); an idle one waits for the poll or a wake.
      for (let i = 0; i < workersPerQueue; i++) loops.push(loop(queue, handler));
    },
    async stop() {
      // Jobs in flight finish (or, if the process dies first, expire and are retried elsewhere).
      stopping = true;
      for (const set of wakers.values()) for (const wake of set) wake();
      await Promise.all(loops);
      await boss.stop({ graceful: true, wait: true, timeout: 20_000 });
    },
  };
}
