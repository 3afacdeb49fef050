// Access events written by many gateway batches at once: the insert trigger's roll-ups
// (usage_daily, usage_user_daily, last_look) must never make two batches deadlock. A deadlock
// costs PostgreSQL's deadlock_timeout (1 s) per victim, and under load a chain of them held every
// request past its deadline (bench: the 40-resident dashboard answered 503 to 50 requests at once).
// The store is called directly, without the writer's retries, so one deadlock fails the test.
import { randomUUID } from "node:crypto";
import { createAuditStore } from "../subgraphs/usage/audit-store.js";
import { openPostgres, type Database } from "../platform/db/database.js";
import { createScratchDatabase } from "./support/scratch-db.js";
import type { AccessEvent } from "../gateway/audit/event.js";

let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
let db: Database;
beforeAll(async () => {
  scratch = await createScratchDatabase("audit_rollup");
  // More connections than the scratch default, so that many batches really are in flight together.
  db = openPostgres(scratch.url, 12);
});
afterAll(async () => {
  await db.close();
  await scratch.drop();
});

const SECTIONS = ["ALLERGIES", "CARE_PLAN", "DEMOGRAPHICS", "DIAGNOSTIC_REPORTS", "MEDICATIONS", "DISCHARGE_SUMMARIES"];
const ORGS = ["CH00001", "CH00002", "CH00003", "CH00004"];
const OUTCOMES = ["ALLOWED", "DENIED", "UNAVAILABLE"] as const;
const USERS = Array.from({ length: 6 }, (_, i) => `rollup-user-${i}`);
// Valid NHS numbers (modulus 11): the store refuses any other.
const RESIDENTS = ["9990000018", "9990000026", "9990000034", "9990000042"];

function shuffled<T>(items: T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Some of the items, at least one, in a random order. */
const some = <T>(items: readonly T[]): T[] => shuffled(items.filter(() => Math.random() < 0.7));
const atLeastOne = <T>(items: readonly T[]): T[] => {
  const picked = some(items);
  return picked.length ? picked : [items[Math.floor(Math.random() * items.length)]!];
};

/**
 * One gateway batch: a random share of the roll-up keys the other batches touch too (as requests
 * of different screens, homes and outcomes are merged into one batch), so that batches group
 * different key sets and PostgreSQL's aggregation hands their rows on in different orders.
 */
function batch(): AccessEvent[] {
  const occurredAt = new Date();
  const events: AccessEvent[] = [];
  for (const section of atLeastOne(SECTIONS))
    for (const orgCode of atLeastOne(ORGS))
      for (const outcome of atLeastOne(OUTCOMES)) {
        const userId = USERS[Math.floor(Math.random() * USERS.length)]!;
        events.push({
          id: randomUUID(),
          occurredAt,
          userId,
          userRole: "care_home_nurse",
          orgCode,
          orgType: "CARE_HOME",
          nhsNumber: RESIDENTS[Math.floor(Math.random() * RESIDENTS.length)]!,
          section,
          purpose: "NORMAL",
          breakGlassReason: null,
          operationHash: "0".repeat(64),
          outcome,
          denialCode: outcome === "DENIED" ? "NOT_PERMITTED" : null,
        });
      }
  return shuffled(events);
}

it("concurrent batches over the same roll-up rows all commit, and the roll-ups count every event", async () => {
  const store = createAuditStore(db);
  const writers = 10;
  const rounds = 12;
  let written = 0;
  try {
    const failures: string[] = [];
    await Promise.all(
      Array.from({ length: writers }, async () => {
        for (let i = 0; i < rounds; i++) {
          const events = batch();
          try {
            await store.append(events);
            written += events.length;
          } catch (error) {
            failures.push(String((error as { code?: string }).code ?? (error as Error).message));
          }
        }
      }),
    );
    expect(failures).toEqual([]);
  } finally {
    await store.close();
  }
  const [{ events }] = (await db.sql.query<{ events: string }>(`SELECT sum(events)::text AS events FROM usage.usage_daily`)) as [{ events: string }];
  expect(Number(events)).toBe(written);
  const [{ n }] = (await db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM usage.access_event`)) as [{ n: number }];
  expect(n).toBe(written);
});
