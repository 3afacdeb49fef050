// A care home dashboard with every section is fetched with a number of SQL statements that does
// not grow with the number of residents: every relation is batched per request (DataLoader), so no
// statement is ever repeated for another resident.
import { queryStats } from "../platform/db/prisma.js";
import { fullSelection } from "./support/selection.js";
import { env } from "../platform/config/env.js";
import { startStack } from "../app/stack.js";
import { gatewayQuery, type Stack } from "./support/stack.js";

let stack: Stack;
beforeAll(async () => {
  // Cache off: this is about what reaches PostgreSQL when nothing is cached (other test files
  // share the same Redis and would warm it unpredictably).
  stack = await startStack({ ...env(), CACHE: "off" }, { ephemeralPorts: true });
});
afterAll(() => {
  queryStats.onStatement = null;
  return stack.close();
});

const everything = fullSelection("Resident", ["CareHome", "GpPractice"]);
// Placement history can point at other homes, which adds one (batched) care-home lookup that
// depends on the data rather than on the number of residents; the exact comparison leaves it out.
const withoutHistory = (() => {
  // The whole `placements { ... }` selection, however deeply nested (its section wrapper, ADR 0005).
  const start = everything.search(/\bplacements \{/);
  let depth = 0;
  let end = everything.indexOf("{", start);
  do depth += everything[end] === "{" ? 1 : everything[end] === "}" ? -1 : 0;
  while (depth > 0 && ++end < everything.length);
  return everything.slice(0, start) + everything.slice(end + 1);
})();
const homeQuery = (selection: string) =>
  `query Home($first: Int!) { careHome(id: "CH00001") { name residents(first: $first) { edges { node { ${selection} } } } } }`;
/** The statement with its IN-list collapsed, so the same relation read twice compares equal. */
const template = (sql: string) => sql.replace(/\$\d+(,\s*\$\d+)*/g, "$n");

async function statementsFor(selection: string, first: number) {
  const seen: string[] = [];
  queryStats.onStatement = (sql) => seen.push(template(sql));
  const res = await gatewayQuery(stack, homeQuery(selection), { first });
  queryStats.onStatement = null;
  // The home has a resident who objected to sharing: their sections are refused, nothing else is.
  expect((res.errors ?? []).every((e) => e.extensions?.code === "SHARING_OBJECTION")).toBe(true);
  expect(res.data.careHome.residents.edges).toHaveLength(first);
  return seen.sort();
}

describe("N+1", () => {
  it("a home of 40 with every dashboard section runs exactly the statements a home of 10 runs", async () => {
    expect(withoutHistory).not.toEqual(everything);
    await statementsFor(withoutHistory, 5); // warm-up: connections are opened
    const ten = await statementsFor(withoutHistory, 10);
    const forty = await statementsFor(withoutHistory, 40);
    expect(ten.length).toBeGreaterThan(10); // it really reads every subgraph
    expect(forty).toEqual(ten);
  });

  it("with placement history too, at most the one extra care-home lookup", async () => {
    const ten = await statementsFor(everything, 10);
    const forty = await statementsFor(everything, 40);
    expect(forty.length).toBeLessThanOrEqual(ten.length + 1);
    // 25 for the sections; what is new (ADR 0006) adds the caller's last looks and each reporting
    // subgraph's changes (discharge 3, labs 1, medications 2, care plans 1): 8, whatever the number of residents.
    expect(forty.length).toBeLessThanOrEqual(33);
  });
});
