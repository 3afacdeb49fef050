// The bulk loader must round-trip awkward values exactly: quotes, backslashes, braces, commas,
// NULL as a value and as the text "NULL", JSON, enum arrays, dates and fixed-width NHS numbers.
import { bulkInsert } from "../platform/db/bulk-insert.js";
import { createScratchDatabase } from "./support/scratch-db.js";

let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
beforeAll(async () => {
  scratch = await createScratchDatabase("bulk", { migrate: false });
  await scratch.db.sql.exec(`CREATE SCHEMA t; CREATE TYPE t.colour AS ENUM ('RED', 'GREEN');
    CREATE TABLE t.sample (id text PRIMARY KEY, nhs_number char(10), note text, colour t.colour, data jsonb, at timestamptz(3), n double precision, ok boolean)`);
});
afterAll(() => scratch.drop());

describe("bulkInsert", () => {
  it("round-trips awkward values", async () => {
    const rows = [
      {
        id: "a",
        nhsNumber: "9990000018",
        note: 'quote " back \\ slash {brace}, comma',
        colour: "RED",
        data: { list: ["x", 'y"'], n: 1 },
        at: new Date("2026-01-02T03:04:05.678Z"),
        n: 1.5,
        ok: true,
      },
      { id: "b", nhsNumber: null, note: "NULL", colour: "GREEN", data: [], at: null, n: -0.25, ok: false },
      { id: "c", nhsNumber: "9990000026", note: null, colour: null, data: null, at: new Date("1931-05-06T00:00:00Z"), n: null, ok: null },
      { id: "d", nhsNumber: "9990000034", note: "ünïcödé — ✓ 'single'", colour: "RED", data: { s: "tab\tnewline\n" }, at: new Date(0), n: 0, ok: true },
    ];
    expect(await bulkInsert(scratch.db.sql, "t", "sample", rows, 3)).toBe(4);
    const back = await scratch.db.sql.query<Record<string, unknown>>(`SELECT * FROM t.sample ORDER BY id`);
    expect(back.map((r) => [r.id, r.nhs_number, r.note, r.colour, r.data, (r.at as Date | null)?.toISOString() ?? null, r.n, r.ok])).toEqual(
      rows.map((r) => [r.id, r.nhsNumber, r.note, r.colour, r.data, r.at?.toISOString() ?? null, r.n, r.ok]),
    );
  });

  it("refuses a field with no column instead of dropping it", async () => {
    await expect(bulkInsert(scratch.db.sql, "t", "sample", [{ id: "z", nope: 1 }])).rejects.toThrow(/no column for field nope/);
  });
});
