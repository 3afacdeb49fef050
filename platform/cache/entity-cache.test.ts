// The cache core against a real Redis: single-flight, L2 sharing between instances, purge reaching
// the other instance, values surviving the trip through Redis unchanged.
import { EntityCache } from "./entity-cache.js";
import { RedisLink } from "./redis-link.js";
import { waitFor } from "../../test/support/observe.js";

const url = process.env.REDIS_URL!;
const settings = { enabled: true, l1MaxEntries: 1000, l1TtlMs: 60_000, l2TtlSeconds: 60 };
const keyPrefix = `cr:unit-${process.pid}-${Date.now()}:`;
let a: RedisLink;
let b: RedisLink;
beforeAll(async () => {
  a = new RedisLink({ url, timeoutMs: 500, keyPrefix });
  b = new RedisLink({ url, timeoutMs: 500, keyPrefix });
  await waitFor(() => a.coherent && b.coherent, 5000);
});
afterAll(async () => {
  await a.purgeAll();
  await Promise.all([a.close(), b.close()]);
});

const slot = (cache: EntityCache, id: string) => ({ key: cache.key("Resident", id), field: "row" });

describe("EntityCache", () => {
  it("lets 100 concurrent misses for the same key cause one database read", async () => {
    const cache = new EntityCache("sf", keyPrefix, a, settings);
    let reads = 0;
    const load = async (missing: number[]) => {
      reads++;
      await new Promise((r) => setTimeout(r, 50));
      return missing.map(() => ({ nhsNumber: "9990000018", at: new Date("2026-01-02T03:04:05Z") }));
    };
    const results = await Promise.all(Array.from({ length: 100 }, () => cache.read([slot(cache, "9990000018")], load)));
    expect(reads).toBe(1);
    expect(new Set(results.map((r) => r[0]))).toEqual(new Set([results[0]![0]]));
  });

  it("shares values through Redis with another instance, Dates intact, and drops them everywhere on purge", async () => {
    const one = new EntityCache("share", keyPrefix, a, settings);
    const two = new EntityCache("share", keyPrefix, b, settings);
    const value: { nhsNumber: string; recordedAt: Date; codes: { code: string }[]; note: string | null } = {
      nhsNumber: "9990000026",
      recordedAt: new Date("2025-05-06T07:08:09.123Z"),
      codes: [{ code: "x" }],
      note: null,
    };
    await one.read([slot(one, "9990000026")], async () => [value]);
    await new Promise((r) => setTimeout(r, 50)); // the L2 write is fire-and-forget
    let loads = 0;
    const [fromRedis] = await two.read<typeof value | null>([slot(two, "9990000026")], async () => (loads++, [null]));
    expect(loads).toBe(0);
    expect(fromRedis).toEqual(value);
    expect(fromRedis!.recordedAt).toBeInstanceOf(Date);

    await one.purge([one.key("Resident", "9990000026")]);
    await new Promise((r) => setTimeout(r, 50));
    const [after] = await two.read<typeof value>([slot(two, "9990000026")], async () => (loads++, [{ ...value, note: "new" }]));
    expect(loads).toBe(1);
    expect(after!.note).toBe("new");
  });

  it("freezes what it hands out, so no caller can change another caller's copy", async () => {
    const cache = new EntityCache("frozen", keyPrefix, a, settings);
    const [row] = await cache.read([slot(cache, "9990000034")], async () => [{ list: [1, 2] }]);
    expect(() => (row as { list: number[] }).list.push(3)).toThrow(TypeError);
  });

  it("with CACHE=off reads the database every time", async () => {
    const cache = new EntityCache("off", keyPrefix, a, { ...settings, enabled: false });
    let reads = 0;
    for (let i = 0; i < 3; i++) await cache.read([slot(cache, "9990000042")], async (m) => (reads++, m.map(() => 1)));
    expect(reads).toBe(3);
  });
});
