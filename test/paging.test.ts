// Cursor paging: walking pages returns every item once, in order, and hasNextPage ends it; every
// connection's PageInfo is complete (Relay), and a cursor works only in the list that issued it.
// CareHome.residents' filters, orders and backward paging: test/care-home-residents.test.ts.
import { gatewayQuery, identities, nurseAt, startTestStack, type Stack } from "./support/stack.js";

let stack: Stack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack.close());

async function walk(
  query: (
    after: string | null,
  ) => Promise<{ edges: { node: { id?: string; nhsNumber?: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } }>,
) {
  const seen: string[] = [];
  let after: string | null = null;
  for (let guard = 0; guard < 100; guard++) {
    const page = await query(after);
    seen.push(...page.edges.map((e) => (e.node.id ?? e.node.nhsNumber)!));
    if (!page.pageInfo.hasNextPage) return seen;
    after = page.pageInfo.endCursor;
  }
  throw new Error("paging did not end");
}

describe("paging", () => {
  it("walks a care home's residents 7 at a time", async () => {
    const all = await gatewayQuery(stack, `{ careHome(id: "CH00001") { residents(first: 100) { edges { node { nhsNumber } } pageInfo { hasNextPage } } } }`);
    const expected = all.data.careHome.residents.edges.map((e: { node: { nhsNumber: string } }) => e.node.nhsNumber);
    expect(expected.length).toBe(40);
    expect([...expected].sort()).toEqual(expected);
    const walked = await walk(async (after) => {
      const res = await gatewayQuery(
        stack,
        `query ($after: String) { careHome(id: "CH00001") { residents(first: 7, after: $after) { edges { node { nhsNumber } } pageInfo { hasNextPage endCursor } } } }`,
        { after },
      );
      expect(res.errors).toBeUndefined();
      return res.data.careHome.residents;
    });
    expect(walked).toEqual(expected);
  });

  it("only lists residents placed at the home today", async () => {
    const res = await gatewayQuery(
      stack,
      `{ careHome(id: "CH00002") { residents(first: 100) { edges { node { currentPlacement { status item { careHome { id } } } } } } } }`,
      {},
      nurseAt("CH00002"),
    );
    expect(res.data.careHome.residents.edges.length).toBeGreaterThan(30);
    for (const e of res.data.careHome.residents.edges)
      expect(e.node.currentPlacement).toMatchObject({ status: "PRESENT", item: { careHome: { id: "CH00002" } } });
  });

  it.each([
    ["diagnosticReports", "issuedAt"],
    ["dischargeSummaries", "dischargedAt"],
    ["hospitalStays", "admittedAt"],
  ])("walks %s newest first, 2 at a time, without gaps or repeats", async (field, time) => {
    const nhs = "9990000018";
    const everything = await gatewayQuery(
      stack,
      `query ($n: NhsNumber!) { resident(nhsNumber: $n) { ${field}(first: 100) { status page { edges { node { id ${time} } } } } } }`,
      { n: nhs },
    );
    expect(everything.data.resident[field].status).toBe("PRESENT");
    const expected = everything.data.resident[field].page.edges.map((e: { node: { id: string } }) => e.node.id);
    const times = everything.data.resident[field].page.edges.map((e: { node: Record<string, string> }) => e.node[time]!);
    expect([...times].sort().reverse()).toEqual(times);
    const walked = await walk(async (after) => {
      const res = await gatewayQuery(
        stack,
        `query ($n: NhsNumber!, $after: String) { resident(nhsNumber: $n) { ${field}(first: 2, after: $after) { status page { edges { node { id } } pageInfo { hasNextPage endCursor } } } } }`,
        { n: nhs, after },
      );
      expect(res.errors).toBeUndefined();
      expect(res.data.resident[field].status).toBe(res.data.resident[field].page.edges.length ? "PRESENT" : "NOT_RECORDED");
      return res.data.resident[field].page;
    });
    expect(walked).toEqual(expected);
  });

  it.each([
    ["diagnosticReports", "resident"],
    ["dischargeSummaries", "resident"],
    ["hospitalStays", "resident"],
    ["emergencyCareSummaries", "resident"],
    ["residents", "careHome"],
    ["breakGlassSessions", "privacyOfficer"],
    ["accessEvents", "privacyOfficer"],
  ])("%s: startCursor is the first edge's, endCursor the last's; hasPreviousPage false paging forwards, exact on the first page", async (list, kind) => {
    const PAGE = `edges { cursor } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }`;
    const query = (after: string | null) =>
      kind === "resident"
        ? gatewayQuery(stack, `query ($after: String) { resident(nhsNumber: "9990000018") { ${list}(first: 1, after: $after) { status page { ${PAGE} } } } }`, {
            after,
          })
        : kind === "careHome"
          ? gatewayQuery(stack, `query ($after: String) { careHome(id: "CH00001") { ${list}(first: 1, after: $after) { ${PAGE} } } }`, { after })
          : gatewayQuery(
              stack,
              list === "accessEvents"
                ? `query ($after: String) { accessEvents(filter: { nhsNumber: "9990000018", from: "2020-01-01T00:00:00Z", to: "2030-01-01T00:00:00Z" }, first: 1, after: $after) { ${PAGE} } }`
                : `query ($after: String) { breakGlassSessions(first: 1, after: $after) { ${PAGE} } }`,
              { after },
              identities.privacyOfficer,
            );
    const connectionOf = (res: Awaited<ReturnType<typeof query>>) => {
      expect(res.errors).toBeUndefined();
      return kind === "resident" ? res.data.resident[list].page : kind === "careHome" ? res.data.careHome[list] : res.data[list];
    };
    const first = connectionOf(await query(null));
    expect(first.pageInfo.hasPreviousPage).toBe(false);
    expect(first.pageInfo.startCursor).toBe(first.edges[0]?.cursor ?? null);
    expect(first.pageInfo.endCursor).toBe(first.edges.at(-1)?.cursor ?? null);
    if (!first.pageInfo.hasNextPage) return;
    const second = connectionOf(await query(first.pageInfo.endCursor));
    expect(second.pageInfo.startCursor).toBe(second.edges[0].cursor);
    expect(second.pageInfo.endCursor).toBe(second.edges.at(-1).cursor);
    // Two-way (CareHome.residents) knows there is a page behind; the forward-only lists say false.
    expect(second.pageInfo.hasPreviousPage).toBe(list === "residents");
  });

  it("rejects a cursor of another list, even one of the same shape", async () => {
    const stays = await gatewayQuery(stack, `{ resident(nhsNumber: "9990000018") { hospitalStays(first: 1) { status page { pageInfo { endCursor } } } } }`);
    const cursor = stays.data.resident.hospitalStays.page.pageInfo.endCursor;
    expect(cursor).toEqual(expect.any(String));
    const res = await gatewayQuery(
      stack,
      `query ($after: String) { resident(nhsNumber: "9990000018") { dischargeSummaries(after: $after) { status page { edges { node { id } } } } } }`,
      { after: cursor },
    );
    expect(res.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("rejects a cursor from another list's shape", async () => {
    const home = await gatewayQuery(stack, `{ careHome(id: "CH00001") { residents(first: 1) { pageInfo { endCursor } } } }`);
    const foreign = home.data.careHome.residents.pageInfo.endCursor;
    const res = await gatewayQuery(
      stack,
      `query ($after: String) { resident(nhsNumber: "9990000018") { diagnosticReports(after: $after) { status page { edges { node { id } } } } } }`,
      { after: foreign },
    );
    expect(res.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });
});
