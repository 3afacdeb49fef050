// The migration runner: idempotent, records Prisma's table layout, refuses edited history.
import { SUBGRAPHS, descriptionOf as subgraph, migrateAll } from "../subgraphs/registry.js";
import { openPostgres, type Database } from "../platform/db/database.js";
import { migrateSchema, readMigrations } from "../platform/db/migrate.js";
import { createScratchDatabase } from "./support/scratch-db.js";

let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
let db: Database;

beforeAll(async () => {
  scratch = await createScratchDatabase("migrations", { migrate: false });
  db = scratch.db;
});
afterAll(() => scratch.drop());

describe("migrations", () => {
  it("apply every subgraph's migrations once, then nothing", async () => {
    const first = await migrateAll(db);
    for (const s of SUBGRAPHS) expect(first[s]).toEqual(readMigrations(subgraph(s)).map((m) => m.name));
    const second = await migrateAll(db);
    for (const s of SUBGRAPHS) expect(second[s]).toEqual([]);
  });

  it("record them in Prisma's _prisma_migrations layout", async () => {
    const rows = await db.sql.query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
      `SELECT migration_name, checksum, finished_at FROM "labs"."_prisma_migrations"`,
    );
    expect(rows.map((r) => r.migration_name)).toEqual(readMigrations(subgraph("labs")).map((m) => m.name));
    expect(rows.every((r) => r.finished_at instanceof Date && /^[0-9a-f]{64}$/.test(r.checksum))).toBe(true);
  });

  it("are safe to run concurrently", async () => {
    const other = openPostgres(scratch.url, 2);
    await db.sql.exec(`DROP SCHEMA "careplans" CASCADE`);
    const results = await Promise.all([migrateSchema(db, subgraph("careplans")), migrateSchema(other, subgraph("careplans"))]);
    await other.close();
    expect(results.flat().sort()).toEqual(readMigrations(subgraph("careplans")).map((m) => m.name));
  });

  it("refuse to continue when an applied migration was edited", async () => {
    await db.sql.exec(`UPDATE "residents"."_prisma_migrations" SET checksum = repeat('0', 64)`);
    await expect(migrateSchema(db, subgraph("residents"))).rejects.toThrow(/edited after it was applied/);
  });
});
