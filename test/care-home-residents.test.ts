// A care home dashboard's resident list (CareHome.residents): each filter, each order, paging
// forwards and backwards over a whole home without gaps or repeats and with exact PageInfo flags,
// totalCount with the filters applied, sealed cursors, bad input refused, other homes still refused.
import { gatewayQuery, gpAt, identities, nurseAt, type Stack, startTestStack } from "./support/stack.js";
import { startScratchStack } from "./support/scratch-stack.js";
import type { Identity } from "../platform/identity/identity.js";
import { newRecordId } from "../platform/ids/opaque-id.js";

const HOME = "CH00001";
// Its own user: the per-user rate and cost budgets are shared with other test files' nurses.
const nurse: Identity = { ...identities.nurse, userId: "t-nurse-residents-list" };

const LIST = `query List($home: ID!, $first: Int, $after: String, $last: Int, $before: String,
    $filter: CareHomeResidentsFilter, $orderBy: CareHomeResidentsOrder) {
  careHome(id: $home) {
    residents(first: $first, after: $after, last: $last, before: $before, filter: $filter, orderBy: $orderBy) {
      totalCount
      edges { cursor node { nhsNumber } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }
}`;

type Order = "NHS_NUMBER" | "FAMILY_NAME" | "ADMITTED_NEWEST_FIRST";
interface Filter {
  nameContains?: string;
  placement?: "CURRENT" | "RECENT_LEAVERS" | "CURRENT_AND_RECENT_LEAVERS";
}
interface Args {
  first?: number;
  after?: string | null;
  last?: number;
  before?: string | null;
  filter?: Filter;
  orderBy?: Order;
}
interface Page {
  totalCount: number;
  edges: { cursor: string; node: { nhsNumber: string } }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}
interface Row {
  nhs: string;
  given: string;
  family: string;
  admitted: string;
}

const list = (stack: Stack, args: Args, who: Identity = nurse, home = HOME) => gatewayQuery(stack, LIST, { home, ...args }, who);

async function page(stack: Stack, args: Args, who: Identity = nurse): Promise<Page> {
  const res = await list(stack, args, who);
  expect(res.errors).toBeUndefined();
  return res.data.careHome.residents;
}

/** Every page forwards (first/after) then backwards (last/before), checking each page's flags and total. */
async function walkBothWays(stack: Stack, size: number, orderBy: Order, filter?: Filter, who: Identity = nurse) {
  const forward: string[] = [];
  let after: string | null = null;
  for (let i = 0; ; i++) {
    const p: Page = await page(stack, { first: size, after, orderBy, filter }, who);
    forward.push(...p.edges.map((e) => e.node.nhsNumber));
    expect(p.pageInfo.hasPreviousPage).toBe(i > 0);
    expect(p.pageInfo.startCursor).toBe(p.edges[0]?.cursor ?? null);
    expect(p.pageInfo.endCursor).toBe(p.edges.at(-1)?.cursor ?? null);
    expect(p.totalCount).toBeGreaterThanOrEqual(forward.length);
    if (!p.pageInfo.hasNextPage) {
      expect(p.totalCount).toBe(forward.length);
      break;
    }
    expect(p.edges).toHaveLength(size);
    expect(i).toBeLessThan(100);
    after = p.pageInfo.endCursor;
  }
  const backward: string[] = [];
  let before: string | null = null;
  for (let i = 0; ; i++) {
    const p: Page = await page(stack, { last: size, before, orderBy, filter }, who);
    backward.unshift(...p.edges.map((e) => e.node.nhsNumber));
    expect(p.pageInfo.hasNextPage).toBe(i > 0);
    expect(p.totalCount).toBe(forward.length);
    if (!p.pageInfo.hasPreviousPage) break;
    expect(p.edges).toHaveLength(size);
    expect(i).toBeLessThan(100);
    before = p.pageInfo.startCursor;
  }
  return { forward, backward };
}

/** What each order means, computed here from the rows (names compared lower-cased, byte-wise). */
const byOrder: Record<Order, (a: Row, b: Row) => number> = {
  NHS_NUMBER: (a, b) => cmp(a.nhs, b.nhs),
  FAMILY_NAME: (a, b) => cmp(a.family.toLowerCase(), b.family.toLowerCase()) || cmp(a.given.toLowerCase(), b.given.toLowerCase()) || cmp(a.nhs, b.nhs),
  ADMITTED_NEWEST_FIRST: (a, b) => cmp(b.admitted, a.admitted) || cmp(a.nhs, b.nhs),
};
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const ORDERS = Object.keys(byOrder) as Order[];

async function rowsOf(stack: Stack, home: string, placement = "p.end_date IS NULL"): Promise<Row[]> {
  return stack.db.sql.query<Row>(
    `SELECT r.nhs_number AS nhs, r.given_name AS given, r.family_name AS family, to_char(p.start_date, 'YYYY-MM-DD') AS admitted
       FROM residents.placement p JOIN residents.resident r USING (nhs_number) WHERE p.care_home_id = $1 AND ${placement}`,
    [home],
  );
}

describe("on the shared fixture", () => {
  let stack: Stack;
  let rows: Row[];
  beforeAll(async () => {
    stack = await startTestStack();
    rows = await rowsOf(stack, HOME);
  });
  afterAll(() => stack.close());

  it.each(ORDERS)("orders by %s, and walks the whole home forwards and backwards, 7 at a time, without gaps or repeats", async (orderBy) => {
    const expected = [...rows].sort(byOrder[orderBy]).map((r) => r.nhs);
    expect(expected).toHaveLength(40);
    const whole = await page(stack, { first: 100, orderBy });
    expect(whole.edges.map((e) => e.node.nhsNumber)).toEqual(expected);
    expect(whole.totalCount).toBe(40);
    expect(whole.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: false });
    const { forward, backward } = await walkBothWays(stack, 7, orderBy);
    expect(forward).toEqual(expected);
    expect(backward).toEqual(expected);
  });

  it("NHS number order is the default, as before", async () => {
    const p = await page(stack, {});
    expect(p.edges.map((e) => e.node.nhsNumber)).toEqual(
      rows
        .map((r) => r.nhs)
        .sort()
        .slice(0, 20),
    );
  });

  it("turns round: back from a page's startCursor is exactly the page before, with both flags exact", async () => {
    const one = await page(stack, { first: 5, orderBy: "FAMILY_NAME" });
    const two = await page(stack, { first: 5, after: one.pageInfo.endCursor, orderBy: "FAMILY_NAME" });
    expect(two.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: true });
    const back = await page(stack, { last: 5, before: two.pageInfo.startCursor, orderBy: "FAMILY_NAME" });
    expect(back.edges).toEqual(one.edges);
    expect(back.pageInfo).toEqual({ ...one.pageInfo, hasNextPage: true, hasPreviousPage: false });
    // Any edge's cursor works as a position: after the 3rd of page one comes its 4th.
    const from = await page(stack, { first: 2, after: one.edges[2]!.cursor, orderBy: "FAMILY_NAME" });
    expect(from.edges).toEqual(one.edges.slice(3, 5));
  });

  it("nameContains: given or family name, ignoring case, trimmed; with paging, orders and totalCount", async () => {
    const family = rows.map((r) => r.family).find((f) => f.length >= 5)!;
    const given = rows[0]!.given;
    for (const text of [family.slice(1, 4), given.slice(0, 3), `${given.slice(-2)} ${rows[0]!.family.slice(0, 2)}`]) {
      const expected = rows.filter((r) => `${r.given} ${r.family}`.toLowerCase().includes(text.toLowerCase()));
      expect(expected.length).toBeGreaterThan(0);
      for (const orderBy of ORDERS) {
        const nameContains = `  ${text.toUpperCase()} `;
        const { forward, backward } = await walkBothWays(stack, 2, orderBy, { nameContains });
        expect(forward).toEqual([...expected].sort(byOrder[orderBy]).map((r) => r.nhs));
        expect(backward).toEqual(forward);
      }
      const counted = await page(stack, { first: 1, filter: { nameContains: text.toLowerCase() } });
      expect(counted.totalCount).toBe(expected.length);
    }
  });

  it("nameContains matches % _ and \\ as themselves (escaped for LIKE), and nothing matches none", async () => {
    for (const nameContains of ["%%", "__", "_%", "\\\\", "\\%", "zzqxj"]) {
      const p = await page(stack, { first: 100, filter: { nameContains } });
      expect(p.edges).toEqual([]);
      expect(p.totalCount).toBe(0);
      expect(p.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null });
    }
  });

  it("placement CURRENT is the default, and here (no one left recently) RECENT_LEAVERS is empty", async () => {
    expect((await page(stack, { first: 1, filter: { placement: "CURRENT" } })).totalCount).toBe(40);
    expect((await page(stack, { first: 1, filter: {} })).totalCount).toBe(40);
    expect((await page(stack, { first: 1, filter: { placement: "RECENT_LEAVERS" } })).totalCount).toBe(0);
  });

  it("cursors carry no NHS number or name in clear", async () => {
    const p = await page(stack, { first: 100, orderBy: "FAMILY_NAME" });
    const names = new Map(rows.map((r) => [r.nhs, r]));
    for (const e of [...p.edges, { cursor: p.pageInfo.startCursor!, node: p.edges[0]!.node }]) {
      const row = names.get(e.node.nhsNumber)!;
      for (const encoding of ["base64url", "base64"] as const) {
        const decoded = Buffer.from(e.cursor, encoding).toString("latin1").toLowerCase();
        for (const clear of [row.nhs, row.family.toLowerCase(), row.given.toLowerCase()]) expect(decoded).not.toContain(clear);
      }
      expect(e.cursor).not.toMatch(/\d{10}/);
    }
  });

  describe("bad input is BAD_USER_INPUT", () => {
    const refused = async (args: Args, who: Identity = nurse) => {
      const res = await list(stack, args, who);
      expect(res.errors?.map((e) => e.extensions?.code)).toEqual(["BAD_USER_INPUT"]);
      expect(res.data.careHome.residents).toBeNull();
      // Nothing of what was sent is echoed.
      for (const v of [args.after, args.before, args.filter?.nameContains]) if (v && v.trim().length > 3) expect(JSON.stringify(res.errors)).not.toContain(v);
    };

    it.each([["a"], ["  a  "], [""], ["   "], ["x".repeat(51)]])("nameContains %p", (nameContains) => refused({ filter: { nameContains } }));

    it("50 characters are allowed", async () => {
      expect((await page(stack, { first: 1, filter: { nameContains: "x".repeat(50) } })).totalCount).toBe(0);
    });

    it("first and last together, after and before together, or crossed", async () => {
      const cursor = (await page(stack, { first: 2 })).pageInfo.endCursor!;
      await refused({ first: 5, last: 5 });
      await refused({ after: cursor, before: cursor });
      await refused({ first: 5, before: cursor });
      await refused({ last: 5, after: cursor });
    });

    it.each([0, -1, 101])("last: %p", (last) => refused({ last }));

    it("a tampered cursor, in any character", async () => {
      const cursor = (await page(stack, { first: 3, orderBy: "FAMILY_NAME" })).pageInfo.endCursor!;
      const swap = (c: string) => (c === "A" ? "B" : "A");
      for (const at of [0, 5, Math.floor(cursor.length / 2), cursor.length - 2]) {
        const tampered = cursor.slice(0, at) + swap(cursor[at]!) + cursor.slice(at + 1);
        await refused({ first: 3, after: tampered, orderBy: "FAMILY_NAME" });
        await refused({ last: 3, before: tampered, orderBy: "FAMILY_NAME" });
      }
      await refused({ first: 3, after: `${cursor}A`, orderBy: "FAMILY_NAME" });
      await refused({ first: 3, after: "bogus", orderBy: "FAMILY_NAME" });
      // What a cursor used to be: the key in base64url.
      await refused({ first: 3, after: Buffer.from(JSON.stringify([rows[0]!.nhs])).toString("base64url") });
    });

    it("a cursor of another order, another home or another list", async () => {
      const byName = (await page(stack, { first: 3, orderBy: "FAMILY_NAME" })).pageInfo.endCursor!;
      await refused({ first: 3, after: byName, orderBy: "NHS_NUMBER" });
      await refused({ first: 3, after: byName, orderBy: "ADMITTED_NEWEST_FIRST" });
      const otherHome = await gatewayQuery(stack, LIST, { home: "CH00002", first: 3 }, nurseAt("CH00002"));
      await refused({ first: 3, after: otherHome.data.careHome.residents.pageInfo.endCursor });
      const [withReports] = await stack.db.sql.query<{ n: string }>(
        `SELECT r.nhs_number AS n FROM residents.resident r WHERE NOT r.sharing_objection AND r.nhs_number = ANY($1)
           AND EXISTS (SELECT 1 FROM labs.diagnostic_report d WHERE d.nhs_number = r.nhs_number) ORDER BY 1 LIMIT 1`,
        [rows.map((r) => r.nhs)],
      );
      const reports = await gatewayQuery(
        stack,
        `{ resident(nhsNumber: "${withReports!.n}") { diagnosticReports(first: 1) { status page { pageInfo { endCursor } } } } }`,
        {},
        nurse,
      );
      expect(reports.errors).toBeUndefined();
      await refused({ first: 3, after: reports.data.resident.diagnosticReports.page.pageInfo.endCursor });
    });
  });

  describe("access is decided before any of it", () => {
    it("staff of another home are refused NO_CARE_RELATIONSHIP, with any filter, order or paging, even bad input", async () => {
      for (const args of [
        {},
        { first: 5, orderBy: "FAMILY_NAME" as const, filter: { nameContains: rows[0]!.family } },
        { last: 5 },
        { filter: { nameContains: "a" } },
      ]) {
        const res = await list(stack, args, nurseAt("CH00002"));
        expect(res.errors?.map((e) => e.extensions?.code)).toEqual(["NO_CARE_RELATIONSHIP"]);
        expect(res.data.careHome.residents).toBeNull();
      }
    });

    it("a GP is refused ROLE_NOT_PERMITTED", async () => {
      const res = await list(stack, { first: 5, filter: { placement: "CURRENT_AND_RECENT_LEAVERS" } }, gpAt("G00001"));
      expect(res.errors?.map((e) => e.extensions?.code)).toEqual(["ROLE_NOT_PERMITTED"]);
      expect(res.data.careHome.residents).toBeNull();
    });
  });
});

describe("recent leavers (a scratch database: placements are changed)", () => {
  let stack: Stack;
  let close: () => Promise<void>;
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
  let everyone: Row[];
  let people: Row[];
  let left3: Row, left7: Row, left8: Row, leavesToday: Row, cameBack: Row;
  beforeAll(async () => {
    ({ close, stack } = await startScratchStack("reslist", 40));
    everyone = await rowsOf(stack, HOME);
    // The leavers are people who did not object to sharing, so their names can be read below.
    const objected = new Set(
      (await stack.db.sql.query<{ n: string }>(`SELECT nhs_number AS n FROM residents.resident WHERE sharing_objection`)).map((r) => r.n),
    );
    people = everyone.filter((p) => !objected.has(p.nhs)).sort((a, b) => cmp(a.nhs, b.nhs));
    [left3, left7, left8, leavesToday, cameBack] = people as [Row, Row, Row, Row, Row];
    const end = (who: Row, on: string) => stack.db.sql.query(`UPDATE residents.placement SET end_date = $2 WHERE nhs_number = $1`, [who.nhs, on]);
    await end(left3, day(-3));
    await end(left7, day(-7)); // the window's last day: left on D, listed up to and including D + 7
    await end(left8, day(-8));
    await end(leavesToday, day(0)); // the day of leaving still counts as placed
    await end(cameBack, day(-2));
    await stack.db.sql.query(
      `INSERT INTO residents.placement (id, nhs_number, care_home_id, start_date, end_date, source_system, recorded_at, updated_at)
       VALUES ($1, $2, $3, $4, NULL, 'TEST', now(), now())`,
      [newRecordId("PL"), cameBack.nhs, HOME, day(-1)],
    );
    // Written behind the repository's back: purge what it would have purged.
    const cache = stack.caches.cache("residents");
    await cache.purge([cache.key("CareHome", HOME), ...everyone.map((p) => cache.key("Resident", p.nhs))]);
  });
  afterAll(() => close());

  const all = async (filter: Filter, orderBy: Order = "NHS_NUMBER") => {
    const p = await page(stack, { first: 100, filter, orderBy });
    expect(p.totalCount).toBe(p.edges.length);
    return p.edges.map((e) => e.node.nhsNumber);
  };

  it("RECENT_LEAVERS: left within the leaver window (its last day included) and not placed here again", async () => {
    expect(await all({ placement: "RECENT_LEAVERS" })).toEqual([left3.nhs, left7.nhs].sort());
  });

  it("CURRENT leaves them out, keeps the one leaving today and the one who came back", async () => {
    const current = await all({});
    expect(current).toEqual(expect.arrayContaining([leavesToday.nhs, cameBack.nhs]));
    for (const gone of [left3, left7, left8]) expect(current).not.toContain(gone.nhs);
    expect(await all({ placement: "CURRENT" })).toEqual(current);
  });

  it("CURRENT_AND_RECENT_LEAVERS is both, never the one outside the window; the one who came back listed once, by the new placement", async () => {
    const both = await all({ placement: "CURRENT_AND_RECENT_LEAVERS" });
    expect(both).toEqual([...(await all({})), left3.nhs, left7.nhs].sort());
    expect(both).not.toContain(left8.nhs);
    const newest = await all({ placement: "CURRENT_AND_RECENT_LEAVERS" }, "ADMITTED_NEWEST_FIRST");
    expect(newest[0]).toBe(cameBack.nhs);
    const { forward, backward } = await walkBothWays(stack, 3, "ADMITTED_NEWEST_FIRST", { placement: "CURRENT_AND_RECENT_LEAVERS" });
    expect(forward).toEqual(newest);
    expect(backward).toEqual(newest);
  });

  it("combines with nameContains (AND), and the home's staff can still read a leaver's record", async () => {
    const text = left3.family.slice(0, 3);
    const named = (p: Row) => `${p.given} ${p.family}`.toLowerCase().includes(text.toLowerCase());
    const expected = everyone.filter((p) => p !== left8 && named(p)).map((p) => p.nhs);
    expect(await all({ placement: "CURRENT_AND_RECENT_LEAVERS", nameContains: text })).toEqual(expected.sort());
    expect(await all({ placement: "RECENT_LEAVERS", nameContains: text })).toEqual(
      [left3, left7]
        .filter(named)
        .map((p) => p.nhs)
        .sort(),
    );
    const res = await gatewayQuery(
      stack,
      `query ($f: CareHomeResidentsFilter) { careHome(id: "${HOME}") { residents(first: 100, filter: $f) { edges { node { nhsNumber name { family } } } } } }`,
      { f: { placement: "RECENT_LEAVERS" } },
      nurse,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.careHome.residents.edges.map((e: { node: { name: { family: string } } }) => e.node.name.family).sort()).toEqual(
      [left3.family, left7.family].sort(),
    );
  });
});
