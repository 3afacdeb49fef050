// Demo data is deterministic: the same number of residents and day give the same rows, whatever
// the batch size, and every subgraph gets rows for every resident.
import type { Database } from "../platform/db/database.js";
import { DOMAIN_SUBGRAPHS as SUBGRAPHS } from "../subgraphs/registry.js";
import { isValidNhsNumber } from "../platform/graphql/nhs-number.js";
import { seedDemoData } from "../app/seed.js";
import { createScratchDatabase } from "./support/scratch-db.js";

const today = new Date("2026-03-01T00:00:00Z");

async function fingerprint(db: Database): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const schema of SUBGRAPHS) {
    const tables = await db.sql.query<{ tablename: string }>(
      `SELECT tablename FROM pg_tables WHERE schemaname = $1 AND tablename <> '_prisma_migrations' ORDER BY 1`,
      [schema],
    );
    for (const { tablename } of tables) {
      const [row] = await db.sql.query<{ n: string; md5: string }>(
        `SELECT count(*)::text AS n, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS md5 FROM "${schema}"."${tablename}" t`,
      );
      out[`${schema}.${tablename}`] = `${row!.n}:${row!.md5}`;
    }
  }
  return out;
}

let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
beforeAll(async () => {
  scratch = await createScratchDatabase("seed");
});
afterAll(() => scratch.drop());

describe("demo seed", () => {
  it("is deterministic and independent of batch size", async () => {
    const progress: number[] = [];
    const first = await seedDemoData(scratch.db, { residents: 90, today, batchSize: 1000, caches: scratch.caches });
    const a = await fingerprint(scratch.db);
    await seedDemoData(scratch.db, { residents: 90, today, batchSize: 7, caches: scratch.caches, onProgress: (done) => progress.push(done) });
    const b = await fingerprint(scratch.db);
    expect(b).toEqual(a);
    expect(progress.at(-1)).toBe(90);
    expect(progress.length).toBe(Math.ceil(90 / 7));
    expect(first.rows).toBe(Object.values(a).reduce((n, v) => n + Number(v.split(":")[0]), 0));
  });

  it("gives every subgraph data and uses valid 999-range NHS numbers", async () => {
    const people = await scratch.db.sql.query<{ nhs_number: string }>(`SELECT nhs_number FROM residents.resident`);
    expect(people).toHaveLength(90);
    for (const p of people) {
      expect(p.nhs_number.startsWith("999")).toBe(true);
      expect(isValidNhsNumber(p.nhs_number)).toBe(true);
    }
    const fp = await fingerprint(scratch.db);
    for (const schema of SUBGRAPHS) {
      const counts = Object.entries(fp)
        .filter(([k]) => k.startsWith(`${schema}.`))
        .map(([, v]) => Number(v.split(":")[0]));
      expect(Math.max(...counts)).toBeGreaterThan(0);
    }
  });

  it("places residents in homes of about 40 across London boroughs", async () => {
    const homes = await scratch.db.sql.query<{ care_home_id: string; n: number }>(
      `SELECT care_home_id, count(*)::int AS n FROM residents.placement WHERE end_date IS NULL GROUP BY 1 ORDER BY 1`,
    );
    expect(homes.map((h) => h.n)).toEqual([30, 30, 30]); // 90 residents -> ceil(90/40) = 3 homes, round-robin
  });
});
