// The SQL replay store on PostgreSQL: a jti is taken once per client, concurrently too, and
// expired ids are swept as it goes.
import { randomUUID } from "node:crypto";
import { env } from "../../platform/config/env.js";
import { openPostgres, type Database } from "../../platform/db/database.js";
import { migrateIngest } from "../migrate.js";
import { sqlReplayStore } from "./replay-store.js";

let db: Database;
beforeAll(async () => {
  db = openPostgres(env().DATABASE_URL!, 4);
  await migrateIngest(db);
});
afterAll(() => db.close());

const inFiveMinutes = () => new Date(Date.now() + 300_000);

describe("sqlReplayStore", () => {
  it("accepts a jti once per client", async () => {
    const store = sqlReplayStore(db.sql);
    const jti = randomUUID();
    expect(await store.remember("client-a", jti, inFiveMinutes())).toBe(true);
    expect(await store.remember("client-a", jti, inFiveMinutes())).toBe(false);
    expect(await store.remember("client-b", jti, inFiveMinutes())).toBe(true); // another client's id space
  });

  it("lets exactly one of concurrent uses win", async () => {
    const jti = randomUUID();
    const results = await Promise.all(Array.from({ length: 8 }, () => sqlReplayStore(db.sql).remember("client-a", jti, inFiveMinutes())));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it("sweeps expired ids, by its own clock, at most once a minute", async () => {
    let clock = Date.now();
    const store = sqlReplayStore(db.sql, () => clock);
    const expired = randomUUID();
    const count = async (jti: string) => (await db.sql.query(`SELECT 1 FROM ingest.assertion_jti WHERE jti = $1`, [jti])).length;
    await store.remember("client-a", expired, new Date(clock + 1_000)); // sweeps first (nothing), then stores
    clock += 30_000;
    await store.remember("client-a", randomUUID(), inFiveMinutes());
    expect(await count(expired)).toBe(1); // within the minute: no sweep
    clock += 31_000;
    await store.remember("client-a", randomUUID(), inFiveMinutes());
    expect(await count(expired)).toBe(0);
  });

  it("applies its migration once (a second run applies nothing)", async () => {
    expect(await migrateIngest(db)).toEqual([]);
  });
});
