// The cost limit counts what an operation can make the subgraphs produce with its variables and
// defaults applied, whatever form the list size arrives in (first or last), and refuses an
// over-limit operation before any SQL runs. The real screens pass with at least a 2x margin.
import { readFileSync } from "node:fs";
import { parse } from "graphql";
import { queryStats } from "../platform/db/prisma.js";
import { env } from "../platform/config/env.js";
import { operationCost } from "../gateway/cost.js";
import { apiSchema, fullSelection } from "./support/selection.js";
import { gatewayQuery, identities, post, startTestStack, tokenFor, type Stack } from "./support/stack.js";

let stack: Stack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack.close());

const limit = env().MAX_QUERY_COST;
const everything = fullSelection("Resident", ["CareHome", "GpPractice"]);
const dashboard = `query Home($first: Int!) { careHome(id: "CH00001") { name residents(first: $first) { edges { node { ${everything} } } } } }`;
const fullView = `query View($nhs: NhsNumber!) { resident(nhsNumber: $nhs) { ${everything} } }`;
const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
const readmeQueries = [
  ...[...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].map((m) => m[1]!),
  ...[...readme.matchAll(/\| `((?:\{|mutation )[^`]+)` \|/g)].map((m) => m[1]!),
];
const cost = (query: string, variables: Record<string, unknown> = {}, operationName?: string) =>
  operationCost(apiSchema, parse(query), operationName, variables);

/** `count` aliased care home lists (15: the alias limit), each of `$n` residents with `selection`. */
const aliased = (selection: string, header = "query Attack($n: Int)", count = 15) =>
  `${header} { ${Array.from({ length: count }, (_, i) => `h${i}: careHome(id: "CH0000${(i % 3) + 1}") { residents(first: $n) { edges { node { ${selection} } } } }`).join(" ")} }`;
const table =
  "nhsNumber name { family } currentHospitalStay { status item { admittedAt } } medications { status items { medication { display } dispensing { epsStatus } } }";

async function expectRefused(query: string, variables: Record<string, unknown> = {}, operationName?: string) {
  const before = queryStats.statements;
  const res = await (operationName ? fetchAs(query, variables, operationName) : gatewayQuery(stack, query, variables));
  expect(res.data ?? null).toBeNull();
  expect(res.errors?.map((e) => e.extensions?.code)).toEqual(["COST_LIMIT_EXCEEDED"]);
  const ext = res.errors![0]!.extensions!;
  expect(ext.limit).toBe(limit);
  expect(ext.cost).toBe(cost(query, variables, operationName));
  expect(ext.cost as number).toBeGreaterThan(limit);
  // Refused before any subgraph was called.
  expect(queryStats.statements).toBe(before);
}

async function fetchAs(query: string, variables: Record<string, unknown>, operationName: string) {
  return post(stack.gatewayUrl, { query, variables, operationName }, { authorization: `Bearer ${await tokenFor()}` });
}

describe("calibration: the real screens pass with a 2x margin", () => {
  it.each(readmeQueries.map((q, i) => [i + 1, q]))("README query %i", (_i, query) => {
    expect(cost(query as string, { nhs: "9990000018" })! * 2).toBeLessThanOrEqual(limit);
  });

  it("a 40-resident dashboard with every section is served", async () => {
    expect(cost(dashboard, { first: 40 })! * 2).toBeLessThanOrEqual(limit);
    // Its own nurse: other test files' heavy queries as the shared test nurse must not share its cost budget.
    const res = await gatewayQuery(stack, dashboard, { first: 40 }, { ...identities.nurse, userId: "t-nurse-cost-dashboard" });
    expect(res.errors?.filter((e) => e.extensions?.code !== "SHARING_OBJECTION") ?? []).toEqual([]);
    expect(res.data.careHome.residents.edges.length).toBeGreaterThan(0);
  });

  it("one resident's full view is served", async () => {
    const res = await gatewayQuery(stack, fullView, { nhs: "9990000018" });
    expect(res.errors ?? []).toEqual([]);
    expect(res.data.resident.nhsNumber).toBe("9990000018");
  });
});

describe("list sizes count however they are sent", () => {
  it("a page size given as a variable costs what the literal costs", () => {
    expect(cost(aliased(table), { n: 1000 })).toBe(cost(aliased(table).replace("query Attack($n: Int)", "query Attack").replaceAll("$n", "1000")));
    expect(cost(aliased(table), { n: 1000 })).toBeGreaterThan(cost(aliased(table), { n: 10 })! * 50);
  });

  it("refuses 15 aliases x residents(first: $n) with n = 1000", () => expectRefused(aliased(table), { n: 1000 }));

  it("prices last (backward paging) exactly like first, and refuses it the same way", async () => {
    const backwards = aliased(table).replaceAll("first: $n", "last: $n");
    for (const n of [1, 10, 40, 1000, null]) expect(cost(backwards, { n })).toBe(cost(aliased(table), { n }));
    await expectRefused(backwards, { n: 1000 });
  });

  it("residents with neither first nor last costs the page the subgraph then serves (20); both: the larger", () => {
    const home = (args: string) => cost(`{ careHome(id: "CH00001") { residents${args} { edges { node { ${table} } } } } }`)!;
    expect(home("")).toBe(home("(first: 20)"));
    expect(home("(first: 5, last: 40)")).toBe(home("(last: 40)"));
    expect(home("(last: 40)")).toBeGreaterThan(home("(last: 20)"));
  });

  // Every section is long: three aliases of it are what the token limit lets through.
  it("refuses three homes with every section at the largest page (n = 100)", () => expectRefused(aliased(everything, undefined, 3), { n: 100 }));

  it("refuses a variable's default value", () => expectRefused(aliased(table, "query Attack($n: Int = 1000)")));

  it("refuses a page size left at null (counted as the page maximum)", async () => {
    expect(cost(aliased(everything, undefined, 3), { n: null })).toBe(cost(aliased(everything, undefined, 3), { n: 100 }));
    await expectRefused(aliased(everything, undefined, 3), { n: null });
  });

  it("refuses the lists inside named and inline fragments", () =>
    expectRefused(
      `query Attack($n: Int) { ...Homes } fragment Homes on Query { ${aliased(`...on Resident { ...Row }`, "").slice(3, -2)} } fragment Row on Resident { ${table} }`,
      { n: 1000 },
    ));

  it("counts a list without `first` by its assumed size (a resident's medicines)", () => {
    const one = cost(`{ resident(nhsNumber: "9990000018") { medications { status items { id } } } }`)!;
    const none = cost(`{ resident(nhsNumber: "9990000018") { nhsNumber } }`)!;
    expect(one - none).toBeGreaterThanOrEqual(10);
  });

  it("prices the operation that runs, not the first in the document", async () => {
    const document = `query Cheap { resident(nhsNumber: "9990000018") { nhsNumber } } ${aliased(table)}`;
    await expectRefused(document, { n: 1000 }, "Attack");
    const res = await fetchAs(document, { n: 1000 }, "Cheap");
    expect(res.errors ?? []).toEqual([]);
    expect(res.data.resident.nhsNumber).toBe("9990000018");
  });

  it("counts @include(if: $yes) and leaves out @skip(if: true)", async () => {
    const heavy = (directive: string) => aliased(`nhsNumber ... @${directive} { ${table} }`, "query Attack($n: Int, $flag: Boolean!)");
    await expectRefused(heavy("include(if: $flag)"), { n: 1000, flag: true });
    expect(cost(heavy("skip(if: $flag)"), { n: 10, flag: true })).toBeLessThan(cost(heavy("skip(if: $flag)"), { n: 10, flag: false })!);
  });

  it("the refusal is the same for every role and carries no identifiers", async () => {
    const res = await gatewayQuery(stack, aliased(table), { n: 1000 }, identities.gp);
    expect(res.errors?.[0]?.extensions?.code).toBe("COST_LIMIT_EXCEEDED");
    expect(JSON.stringify(res)).not.toMatch(/CH0000|999\d{7}/);
  });
});
