// Cursor paging: walking pages returns every item once, in order, and hasNextPage ends it.
import { gatewayQuery, nurseAt, startTestStack, type Stack } from "./support/stack.js";

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
      `{ careHome(id: "CH00002") { residents(first: 100) { edges { node { currentPlacement { careHome { id } } } } } } }`,
      {},
      nurseAt("CH00002"),
    );
    expect(res.data.careHome.residents.edges.length).toBeGreaterThan(30);
    for (const e of res.data.careHome.residents.edges) expect(e.node.currentPlacement.careHome.id).toBe("CH00002");
  });

  it.each([
    ["diagnosticReports", "issuedAt"],
    ["dischargeSummaries", "dischargedAt"],
    ["hospitalStays", "admittedAt"],
  ])("walks %s newest first, 2 at a time, without gaps or repeats", async (field, time) => {
    const nhs = "9990000018";
    const everything = await gatewayQuery(
      stack,
      `query ($n: NhsNumber!) { resident(nhsNumber: $n) { ${field}(first: 100) { edges { node { id ${time} } } } } }`,
      { n: nhs },
    );
    const expected = everything.data.resident[field].edges.map((e: { node: { id: string } }) => e.node.id);
    const times = everything.data.resident[field].edges.map((e: { node: Record<string, string> }) => e.node[time]!);
    expect([...times].sort().reverse()).toEqual(times);
    const walked = await walk(async (after) => {
      const res = await gatewayQuery(
        stack,
        `query ($n: NhsNumber!, $after: String) { resident(nhsNumber: $n) { ${field}(first: 2, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } } } }`,
        { n: nhs, after },
      );
      expect(res.errors).toBeUndefined();
      return res.data.resident[field];
    });
    expect(walked).toEqual(expected);
  });

  it("rejects a cursor from another list's shape", async () => {
    const home = await gatewayQuery(stack, `{ careHome(id: "CH00001") { residents(first: 1) { pageInfo { endCursor } } } }`);
    const foreign = home.data.careHome.residents.pageInfo.endCursor;
    const res = await gatewayQuery(
      stack,
      `query ($after: String) { resident(nhsNumber: "9990000018") { diagnosticReports(after: $after) { edges { node { id } } } } }`,
      { after: foreign },
    );
    expect(res.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });
});
