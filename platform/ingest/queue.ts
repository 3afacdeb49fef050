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
  /** Adds jobs inside the caller's transaction (one statement): they exist only if the transaction commits. */
  send(tx: SqlTransaction, jobs: readonly QueuedJob[]): Promise<void>;
  /** Wakes one idle worker of `queue` in this process now rather than at its next poll (call after commit). */
  wake(queue: string): void;
  /**
   * Runs `handler` over the jobs of `queue`, up to JOBS_PER_BATCH at a time (WORKERS_PER_QUEUE
   * workers), as one batch. When a batch throws, each of its jobs is run again on its own, so one
   * job that cannot be applied fails (and is retried later) alone.
   */
  work<T extends object>(queue: string, handler: (batch: T[]) => Promise<void>): Promise<void>;
  stop(): Promise<void>;
}

export interface QueuedJob {
  queue: string;
  data: object;
}

const RETRY = { retryLimit: 60, retryDelay: 2, retryBackoff: true } as const;
/**
 * Workers per queue in a process, each taking a batch of up to JOBS_PER_BATCH jobs at a time.
 * Stages may run side by side: the matcher only reads residents and writes its own entries' log
 * rows; appliers lock their keys (advisory lock per key in sorted order, then `FOR UPDATE`). On
 * PostgreSQL only: the embedded database runs one worker per queue. Two rather than four since
 * workers take batches: fewer, larger batches, 1,732 against 1,662 applied entries/s
 * (bench/INGESTION.md).
 */
export const WORKERS_PER_QUEUE = 2;
/**
 * Jobs a worker takes at once and hands to its stage as one batch: the stage's statements (the
 * queue's own fetch and completion, the matcher's lookup, the applier's locks, reads and writes,
 * the outcome log) are then paid per batch rather than per submission, which is what a feed of
 * one report per Bundle needs (bench/INGESTION.md). A job carries at most ENTRIES_PER_JOB entries.
 */
export const JOBS_PER_BATCH = 25;

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
  /** Jobs per batch (default JOBS_PER_BATCH). */
  jobsPerBatch?: number;
  /** How often the partitions of the queues this process works are vacuumed (PostgreSQL only; default VACUUM_INTERVAL_SECONDS). */
  vacuumIntervalSeconds?: number;
}

/**
 * Every job is inserted and then updated twice (taken, completed), so a busy queue's table fills
 * with dead rows, and so does the partial index a fetch walks: measured under the benchmark's feed,
 * within 25 s a fetch visited 20,000 buffers and took 17 ms (the planner, with no statistics, also
 * walked the primary key instead); after a VACUUM (ANALYZE), 7 buffers and 0.06 ms. The server's
 * autovacuum wakes once a minute at best (and is off on some machines), so the queue vacuums the
 * partitions it works itself.
 */
export const VACUUM_INTERVAL_SECONDS = 10;

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
  /** The queues this process has made sure of, with the table that holds each one's jobs (found once). */
  const known = new Map<string, string | null>();
  /** The table (pg-boss 10: one partition of `job` per queue) that holds a queue's jobs, quoted. */
  const partitionOf = async (queue: string): Promise<string | null> => {
    const [partition] = (
      await db.queue.executeSql(
        `SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
          WHERE i.inhparent = '${QUEUE_SCHEMA}.job'::regclass AND pg_get_expr(c.relpartbound, c.oid) = format('FOR VALUES IN (%L)', $1::text)`,
        [queue],
      )
    ).rows as { relname: string }[];
    return partition ? `"${QUEUE_SCHEMA}"."${partition.relname.replace(/"/g, "")}"` : null;
  };
  /**
   * Job payloads (a submission's entries, several KB) are stored uncompressed: they live for
   * seconds, and pglz compressing every one on insert and decompressing it on every fetch cost
   * PostgreSQL CPU the feed needs (measured: 2,056 -> 2,246 applied entries/s, bench/INGESTION.md).
   */
  const storeUncompressed = async (table: string) => {
    const [column] = (await db.queue.executeSql(`SELECT attstorage FROM pg_attribute WHERE attrelid = '${table}'::regclass AND attname = 'data'`)).rows as {
      attstorage: string;
    }[];
    if (column && column.attstorage !== "e") await db.queue.executeSql(`ALTER TABLE ${table} ALTER COLUMN data SET STORAGE EXTERNAL`);
  };
  // Completed jobs are archived (copied) there for a day.
  await storeUncompressed(`"${QUEUE_SCHEMA}"."archive"`);
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
    const partition = await partitionOf(queue);
    if (partition) await storeUncompressed(partition);
    known.set(queue, partition);
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
  // A wake that found every worker busy: the next worker to pause goes on at once instead.
  const missedWakes = new Set<string>();
  const pause = (queue: string) =>
    new Promise<void>((resolve) => {
      if (missedWakes.delete(queue)) return resolve();
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
  const jobsPerBatch = Math.max(1, opts.jobsPerBatch ?? JOBS_PER_BATCH);
  const settle = async (queue: string, ids: string[], outcome: "complete" | "fail", error?: unknown) => {
    if (ids.length === 0) return;
    if (outcome === "complete") await boss.complete(queue, ids).catch((e: unknown) => report("complete", queue, e));
    else for (const id of ids) await boss.fail(queue, id, { message: (error as Error).name }).catch((e: unknown) => report("fail", queue, e));
  };
  /** Runs a batch; when it throws, each of its jobs again on its own, completing or failing each. */
  const runBatch = async (queue: string, handler: (batch: never[]) => Promise<void>, jobs: PgBoss.Job<object>[]) => {
    try {
      await handler(jobs.map((job) => job.data as never));
      await settle(
        queue,
        jobs.map((job) => job.id),
        "complete",
      );
      return;
    } catch (error) {
      report("job", queue, error);
      if (jobs.length === 1) return settle(queue, [jobs[0]!.id], "fail", error);
    }
    // The batch failed: each job again on its own (stages are idempotent, and the batch's
    // writes were one transaction that rolled back), so only the job that cannot go on waits.
    const done: string[] = [];
    for (const job of jobs) {
      try {
        await handler([job.data as never]);
        done.push(job.id);
      } catch (error) {
        report("job", queue, error);
        await settle(queue, [job.id], "fail", error);
      }
    }
    await settle(queue, done, "complete");
  };
  const loop = async (queue: string, handler: (batch: never[]) => Promise<void>) => {
    while (!stopping) {
      let jobs: PgBoss.Job<object>[] = [];
      try {
        jobs = (await boss.fetch<object>(queue, { batchSize: jobsPerBatch })) ?? [];
      } catch (error) {
        report("fetch", queue, error);
      }
      if (jobs.length > 0) await runBatch(queue, handler, jobs);
      // A full batch: there may be more, ask again at once. Fewer: the queue was empty when this
      // worker asked, so it waits for a wake (a job sent by this process) or the poll (another's).
      if (jobs.length < jobsPerBatch) await pause(queue);
    }
  };
  // The partitions (one per queue, pg-boss 10) of the queues this process works, vacuumed in turn.
  const worked = new Set<string>();
  const vacuum = async () => {
    for (const queue of worked) {
      if (stopping) return;
      const partition = known.get(queue);
      if (!partition) continue;
      try {
        await db.queue.executeSql(`VACUUM (ANALYZE) ${partition}`);
      } catch (error) {
        report("vacuum", queue, error);
      }
    }
  };
  let vacuuming: Promise<void> = Promise.resolve();
  const vacuumTimer =
    db.kind === "embedded"
      ? null
      : setInterval(
          () => {
            vacuuming = vacuuming.then(vacuum);
          },
          (opts.vacuumIntervalSeconds ?? VACUUM_INTERVAL_SECONDS) * 1000,
        );
  vacuumTimer?.unref();
  return {
    async send(tx, jobs) {
      if (jobs.length === 0) return;
      for (const queue of new Set(jobs.map((j) => j.queue))) await ensure(queue);
      await boss.insert(
        jobs.map((j) => ({ name: j.queue, data: j.data, ...RETRY, expireInSeconds: jobTimeoutSeconds })),
        { db: tx as PgBoss.Db },
      );
    },
    wake(queue) {
      // One idle worker, not all: each woken worker runs a fetch, and a fetch is the queue's most
      // expensive statement (measured: waking all four workers of a stage per submission made
      // idle fetches PostgreSQL's largest cost). Busy workers fetch again when they finish.
      const [first] = wakers.get(queue) ?? [];
      if (first) first();
      else missedWakes.add(queue);
    },
    async work(queue, handler) {
      await ensure(queue);
      worked.add(queue);
      // A worker that finds a job asks again at once (the loop); an idle one waits for the poll or a wake.
      for (let i = 0; i < workersPerQueue; i++) loops.push(loop(queue, handler));
    },
    async stop() {
      // Jobs in flight finish (or, if the process dies first, expire and are retried elsewhere).
      stopping = true;
      if (vacuumTimer) clearInterval(vacuumTimer);
      await vacuuming;
      for (const set of wakers.values()) for (const wake of set) wake();
      await Promise.all(loops);
      await boss.stop({ graceful: true, wait: true, timeout: 20_000 });
    },
  };
}
