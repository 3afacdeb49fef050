// The ingestion queue (platform/ingest/queue.ts, pg-boss) on real PostgreSQL, as the stages use
// it: jobs sent in a transaction exist only if it commits; a worker takes them in batches; a batch
// that throws is run again job by job, so the one job that cannot be handled fails (and is retried
// later) alone while the rest of its batch completes.
import { createScratchDatabase } from "./support/scratch-db.js";
import { openQueue, QUEUE_SCHEMA, type IngestQueue } from "../platform/ingest/queue.js";
import { runApplyStage } from "../platform/ingest/stages.js";
import { migrateIngest } from "../ingest/migrate.js";
import type { FhirApplier, MatchedEntry, SubmissionEntries } from "../platform/ingest/contract.js";

let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
let queue: IngestQueue;
beforeAll(async () => {
  scratch = await createScratchDatabase("queue", { migrate: false });
  await migrateIngest(scratch.db);
  queue = await openQueue(scratch.db, { pollingIntervalSeconds: 0.2, jobsPerBatch: 10, workersPerQueue: 1, vacuumIntervalSeconds: 0.2 });
});
afterAll(async () => {
  await queue.stop();
  await scratch.drop();
});

interface Job {
  n: number;
}
const send = (name: string, numbers: number[]) =>
  scratch.db.transaction((tx) =>
    queue.send(
      tx,
      numbers.map((n) => ({ queue: name, data: { n } })),
    ),
  );
const jobStates = (name: string) =>
  scratch.db.sql.query<{ n: number; state: string; retry_count: number }>(
    `SELECT (data->>'n')::int AS n, state::text AS state, retry_count FROM "${QUEUE_SCHEMA}".job WHERE name = $1 ORDER BY 1`,
    [name],
  );
async function until(what: string, check: () => Promise<boolean> | boolean): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`never: ${what}`);
}

describe("ingestion queue", () => {
  it("takes waiting jobs in batches of at most jobsPerBatch, each job once", async () => {
    const name = "test-batches";
    await send(
      name,
      Array.from({ length: 25 }, (_, i) => i),
    );
    const batches: number[][] = [];
    await queue.work<Job>(name, async (batch) => void batches.push(batch.map((j) => j.n)));
    await until("all 25 handled", () => batches.flat().length >= 25);
    expect(batches.map((b) => b.length)).toEqual([10, 10, 5]);
    expect(batches.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i));
    await until("all completed", async () => (await jobStates(name)).every((j) => j.state === "completed"));
  });

  it("a batch that throws is run job by job: the one job that cannot be handled fails alone, the rest complete once", async () => {
    const name = "test-poison";
    await send(name, [1, 2, 3, 4, 5, 6]);
    const calls: number[][] = [];
    const handled: number[] = [];
    await queue.work<Job>(name, async (batch) => {
      calls.push(batch.map((j) => j.n));
      // All or nothing, as a stage's transaction is: a batch holding job 4 writes nothing.
      if (batch.some((j) => j.n === 4)) throw new Error("cannot apply");
      handled.push(...batch.map((j) => j.n));
    });
    await until("the others handled", () => handled.length >= 5);
    // One batch first (jobs sent together are taken in no particular order).
    expect([...calls[0]!].sort()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(handled.sort()).toEqual([1, 2, 3, 5, 6]);
    await until("job 4 failed and waiting for its retry", async () => {
      const states = await jobStates(name);
      return states.filter((j) => j.n !== 4).every((j) => j.state === "completed") && states.find((j) => j.n === 4)!.state === "retry";
    });
    // The others completed at their first attempt: they were never failed along with job 4.
    expect((await jobStates(name)).filter((j) => j.n !== 4).map((j) => j.retry_count)).toEqual([0, 0, 0, 0, 0]);
  });

  it("stores job payloads uncompressed in every queue's table and the archive, and vacuums the tables of the queues it works", async () => {
    const name = "test-upkeep";
    await send(name, [1]);
    await queue.work<Job>(name, async () => undefined);
    const tables = await scratch.db.sql.query<{ relname: string; attstorage: string }>(
      `SELECT c.relname, a.attstorage FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
        WHERE c.relnamespace = $1::regnamespace AND c.relkind = 'r' AND a.attname = 'data' AND c.relname <> 'schedule'`,
      [QUEUE_SCHEMA],
    );
    expect(tables.length).toBeGreaterThanOrEqual(3); // the archive, fhir-dead's and this queue's
    expect(tables.filter((t) => t.attstorage !== "e")).toEqual([]);
    await until("its table vacuumed", async () => {
      const [row] = await scratch.db.sql.query<{ vacuumed: boolean }>(
        `SELECT s.last_vacuum IS NOT NULL AS vacuumed FROM pg_stat_user_tables s JOIN pg_inherits i ON i.inhrelid = s.relid
          WHERE i.inhparent = $1::regclass AND pg_get_expr((SELECT relpartbound FROM pg_class WHERE oid = s.relid), s.relid) = format('FOR VALUES IN (%L)', $2::text)`,
        [`${QUEUE_SCHEMA}.job`, name],
      );
      return row?.vacuumed === true;
    });
  });

  it("jobs sent in a transaction that rolls back never exist", async () => {
    const name = "test-rollback";
    await send(name, [0]); // creates the queue
    await expect(
      scratch.db.transaction(async (tx) => {
        await queue.send(tx, [{ queue: name, data: { n: 1 } }]);
        throw new Error("the submission could not be stored");
      }),
    ).rejects.toThrow("the submission could not be stored");
    expect((await jobStates(name)).map((j) => j.n)).toEqual([0]);
  });
});

describe("apply stage", () => {
  const job = (submissionId: string, receivedAt: string): SubmissionEntries<MatchedEntry> => ({
    meta: { submissionId, sourceId: "lab", sourceSystem: "LIMS", senderOds: "RJ1", sourceKind: "laboratory", receivedAt },
    entries: [],
  });

  it("decides a batch in the order its submissions were received, whatever order the queue handed them over in", async () => {
    const seen: string[] = [];
    const applier: FhirApplier = {
      apply: async (batch) => {
        seen.push(...batch.map((part) => part.meta.submissionId));
        return batch.map(() => []);
      },
    };
    await runApplyStage(scratch.db, "labs", applier, [
      job("amendment", "2026-11-02T10:00:01.500Z"),
      job("original", "2026-11-02T10:00:00.250Z"),
      job("second amendment", "2026-11-02T10:00:02.000Z"),
    ]);
    expect(seen).toEqual(["original", "amendment", "second amendment"]);
  });
});
