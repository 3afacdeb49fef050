// Randomised: many generated queries with a care home token never return data about a resident
// outside that home; an analyst token never returns an NHS number or a name.
import { Random } from "../platform/demo/random.js";
import { testNhsNumber } from "../platform/graphql/nhs-number.js";
import { gatewayQuery, identities, nurseAt, startTestStack, type Stack } from "./support/stack.js";

let stack: Stack;
let homeResidents: Set<string>;
let allResidents: string[];
let names: string[];
beforeAll(async () => {
  stack = await startTestStack();
  homeResidents = new Set(
    (await stack.db.sql.query<{ n: string }>(`SELECT nhs_number AS n FROM residents.placement WHERE care_home_id = 'CH00002' AND end_date IS NULL`)).map(
      (r) => r.n,
    ),
  );
  const people = await stack.db.sql.query<{ n: string; f: string }>(`SELECT nhs_number AS n, family_name AS f FROM residents.resident`);
  allResidents = people.map((p) => p.n);
  names = [...new Set(people.map((p) => p.f))];
});
afterAll(() => stack.close());

const SECTIONS = [
  "name { given family }",
  "dateOfBirth",
  "allergies { status items { id display } }",
  "conditions { status items { id display } }",
  "placements { status items { id careHome { id } } }",
  "dischargeSummaries(first: 3) { status page { edges { node { id diagnoses { display } } } } }",
  "currentHospitalStay { status item { id ward } }",
  "diagnosticReports(first: 5, abnormalOnly: true) { status page { edges { node { id observations { display value } } } } }",
  "medications { status items { id medication { display } dispenses { id } } }",
  "carePlan { status item { id emergencyPlan } }",
  "carePlanHistory { status items { id status } }",
  "emergencyCareSummaries { status page { edges { node { id } } } }",
  "hospitalStays { status page { edges { node { id } } } }",
];

function randomQuery(rng: Random): { query: string; variables: Record<string, unknown> } {
  const pickSections = () => SECTIONS.filter(() => rng.chance(0.4)).join(" ") || "nhsNumber";
  const shape = rng.int(0, 3);
  if (shape === 0) {
    const n = rng.chance(0.1) ? testNhsNumber(100_000 + rng.int(0, 1000)) : rng.pick(allResidents);
    return { query: `query ($n: NhsNumber!) { resident(nhsNumber: $n) { nhsNumber ${pickSections()} } }`, variables: { n } };
  }
  if (shape === 1) {
    const aliases = Array.from({ length: rng.int(2, 5) }, (_, i) => `r${i}: resident(nhsNumber: "${rng.pick(allResidents)}") { nhsNumber ${pickSections()} }`);
    return { query: `{ ${aliases.join(" ")} }`, variables: {} };
  }
  const home = `CH0000${rng.int(1, 3)}`;
  return {
    query: `{ careHome(id: "${home}") { id residents(first: ${rng.int(1, 40)}) { edges { node { nhsNumber ${pickSections()} } } } } }`,
    variables: {},
  };
}

/** Every NHS number anywhere in a value (in fields: record ids no longer hold one, test/opaque-ids.test.ts). */
function nhsNumbersIn(value: unknown): string[] {
  return [...JSON.stringify(value ?? null).matchAll(/(?<!\d)(999\d{7})(?!\d)/g)].map((m) => m[1]!);
}

describe("randomised access", () => {
  it("250 generated queries with a care home token return only that home's residents", async () => {
    const rng = new Random(20261123);
    let sawData = 0;
    for (let i = 0; i < 250; i++) {
      const { query, variables } = randomQuery(rng);
      const res = await gatewayQuery(stack, query, variables, nurseAt("CH00002"));
      const leaked = nhsNumbersIn(res.data).filter((n) => !homeResidents.has(n));
      expect({ query, leaked }).toEqual({ query, leaked: [] });
      if (nhsNumbersIn(res.data).length) sawData++;
    }
    expect(sawData).toBeGreaterThan(50); // the test really exercised returned data
  });

  it("an analyst never receives an NHS number or a resident's name", async () => {
    const rng = new Random(7);
    for (let i = 0; i < 60; i++) {
      const { query, variables } = randomQuery(rng);
      const res = await gatewayQuery(stack, query, variables, identities.analyst);
      const body = JSON.stringify(res.data ?? null);
      expect(nhsNumbersIn(res.data)).toEqual([]);
      for (const name of names) expect(body.includes(`"${name}"`)).toBe(false);
    }
    const today = new Date().toISOString().slice(0, 10);
    const usage = await gatewayQuery(
      stack,
      `{ usage(filter: { from: "${today}", to: "${today}" }) { viewsBySection { key views } viewsByOrganisation { key views } timeline(period: DAY) { start views } } }`,
      {},
      identities.analyst,
    );
    expect(usage.errors).toBeUndefined();
    expect(nhsNumbersIn(usage.data)).toEqual([]);
  });
});
