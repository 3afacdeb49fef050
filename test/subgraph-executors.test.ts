// graphql-jit in the subgraphs changes no answer: two whole products on the same seeded data, one
// with SUBGRAPH_EXECUTOR=jit and one with graphql-js, are sent the same requests with the same
// tokens, through the gateway (the benchmark's three screens, refused sections, aliases and
// fragments, a bad variable) and straight to a subgraph (errors as the subgraph words them, before
// the gateway merges them); every body must be the same text, and the jit product must have
// answered with graphql-jit.
import { startStack, type Stack } from "../app/stack.js";
import { seedDemoData } from "../app/seed.js";
import { env } from "../platform/config/env.js";
import { INTERNAL_HEADER, signInternalIdentity } from "../platform/identity/internal-auth.js";
import { executorOutcomes, type Outcome } from "../platform/subgraph/jit-executor.js";
import { buildScenarios, mintTokens, pickSubjects, type Scenario, type Subjects, type Tokens } from "../bench/federation/scenarios.js";
import { createScratchDatabase } from "./support/scratch-db.js";
import { identities } from "./support/stack.js";

let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
let jit: Stack;
let js: Stack;
let subjects: Subjects;
let tokens: Tokens;
let scenarios: Scenario[];

beforeAll(async () => {
  scratch = await createScratchDatabase("executors");
  await seedDemoData(scratch.db, { residents: 120, caches: scratch.caches });
  // No cache: each product reads what it answers itself, rather than what the other one cached.
  const base = { ...env(), DATABASE_URL: scratch.url, CACHE: "off" as const };
  jit = await startStack({ ...base, SUBGRAPH_EXECUTOR: "jit" }, { ephemeralPorts: true, ingestion: false });
  js = await startStack({ ...base, SUBGRAPH_EXECUTOR: "graphql-js" }, { ephemeralPorts: true, ingestion: false });
  subjects = await pickSubjects(scratch.db.sql);
  tokens = await mintTokens(subjects, env(), 1);
  scenarios = buildScenarios(subjects, tokens);
}, 180_000);

afterAll(async () => {
  await jit?.close();
  await js?.close();
  await scratch?.drop();
});

const total = (counts: Readonly<Record<Outcome, number>>) => Object.values(counts).reduce((a, b) => a + b, 0);

async function raw(url: string, body: string, headers: Record<string, string>): Promise<string> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
  return `${res.status} ${await res.text()}`;
}

/**
 * The same request to both products (jit first); asserts the same text, and returns it with what
 * the jit product's executors did for it. The graphql-js product must not touch an executor.
 */
async function same(
  where: (stack: Stack) => string,
  body: string,
  headers: Record<string, string>,
): Promise<{ text: string; outcomes: Record<Outcome, number> }> {
  const before = executorOutcomes();
  const viaJit = await raw(where(jit), body, headers);
  const between = executorOutcomes();
  const viaJs = await raw(where(js), body, headers);
  expect(total(executorOutcomes())).toBe(total(between));
  expect(viaJit).toBe(viaJs);
  const outcomes = Object.fromEntries(Object.entries(between).map(([k, v]) => [k, v - before[k as Outcome]])) as Record<Outcome, number>;
  return { text: viaJit, outcomes };
}

const gateway = (s: Stack) => s.gatewayUrl;
const residents = (s: Stack) => s.subgraphUrls.residents;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const asParamedic = async () => ({ [INTERNAL_HEADER]: await signInternalIdentity(identities.paramedic, env().INTERNAL_SECRET) });

describe("through the gateway", () => {
  it("the benchmark's three screens, twice (compiled, then from the compiled cache): same bodies, answered by graphql-jit", async () => {
    for (let round = 0; round < 2; round++)
      for (const scenario of scenarios) {
        const { text, outcomes } = await same(gateway, scenario.body, bearer(scenario.tokens[0]!));
        expect(scenario.expect(JSON.parse(text.slice(4)).data)).toBeNull();
        // Every subgraph call of the screen ran compiled, none fell back to graphql-js.
        expect(outcomes.jit).toBeGreaterThan(0);
        expect(total(outcomes)).toBe(outcomes.jit);
      }
  });

  it("the whole resident view for an ambulance clinician: the sections their role may not see are refused in place", async () => {
    const view = scenarios.find((s) => s.name === "resident-view")!;
    const { text, outcomes } = await same(gateway, view.body, bearer(tokens.paramedics[0]!));
    const answer = JSON.parse(text.slice(4));
    expect(answer.data.resident.conditions).toMatchObject({ status: "REFUSED", items: null });
    expect(answer.errors.length).toBeGreaterThan(2);
    expect(answer.errors.every((e: { extensions: { code: string } }) => e.extensions.code === "ROLE_NOT_PERMITTED")).toBe(true);
    expect(outcomes.jit).toBeGreaterThan(0);
    expect(total(outcomes)).toBe(outcomes.jit);
  });

  it("one section refused, asked with aliases and fragments", async () => {
    const query = `query Mixed($nhs: NhsNumber!) {
      r: resident(nhsNumber: $nhs) {
        ...Who
        labs: diagnosticReports(first: 2) { status page { edges { node { display } } } refusal { code } }
        meds: medications { ...Meds }
        again: medications { status }
      }
    }
    fragment Who on Resident { nhsNumber name { given family } }
    fragment Meds on MedicationsSection { status items { medication { display } dosageText } }`;
    const body = JSON.stringify({ query, operationName: "Mixed", variables: { nhs: subjects.nhsNumber } });
    const { text, outcomes } = await same(gateway, body, bearer(tokens.paramedics[0]!));
    const answer = JSON.parse(text.slice(4));
    expect(answer.data.r.labs).toMatchObject({ status: "REFUSED", page: null, refusal: { code: "ROLE_NOT_PERMITTED" } });
    expect(answer.data.r.meds.status).toBe("PRESENT");
    expect(answer.errors).toEqual([
      expect.objectContaining({ path: ["r", "labs", "page"], extensions: expect.objectContaining({ code: "ROLE_NOT_PERMITTED" }) }),
    ]);
    expect(outcomes.jit).toBeGreaterThan(0);
    expect(total(outcomes)).toBe(outcomes.jit);
  });

  it("a bad variable", async () => {
    const view = JSON.parse(scenarios.find((s) => s.name === "resident-view")!.body);
    const { text } = await same(gateway, JSON.stringify({ ...view, variables: { nhs: 1234 } }), bearer(tokens.nurses[0]!));
    expect(text).toMatch(/BAD_USER_INPUT/);
  });
});

describe("straight to a subgraph (the errors as it words them)", () => {
  it("refused sections under an alias and a fragment: same errors, paths, locations and order, from graphql-jit", async () => {
    const query = `query Sections($nhs: NhsNumber!) {
  r: resident(nhsNumber: $nhs) {
    ...Sections
    c2: conditions { status refusal { code } }
  }
}
fragment Sections on Resident {
  conditions { status items { display } }
  currentPlacement { status item { startDate } }
  allergies { status items { display } }
  placements { status items { startDate } }
}`;
    const body = JSON.stringify({ query, variables: { nhs: subjects.nhsNumber } });
    const { text, outcomes } = await same(residents, body, await asParamedic());
    const answer = JSON.parse(text.slice(4));
    expect(answer.errors.map((e: { path: unknown[] }) => e.path.join("."))).toEqual(["r.conditions.items", "r.placements.items"]);
    expect(answer.errors[0]).toMatchObject({ locations: [{ line: 8, column: 23 }], extensions: { code: "ROLE_NOT_PERMITTED" } });
    expect(answer.data.r).toMatchObject({ allergies: { status: "PRESENT" }, currentPlacement: { status: "PRESENT" }, c2: { status: "REFUSED" } });
    expect(outcomes).toMatchObject({ jit: 1 });
    expect(total(outcomes)).toBe(1);
  });

  it("bad and missing variables: graphql-js's request errors", async () => {
    const query = "query ($nhs: NhsNumber!) { resident(nhsNumber: $nhs) { nhsNumber } }";
    for (const variables of [{ nhs: 1234 }, { nhs: "1234567890" }, {}]) {
      const { text, outcomes } = await same(residents, JSON.stringify({ query, variables }), await asParamedic());
      expect(text).toMatch(/^400 .*BAD_USER_INPUT/);
      expect(outcomes).toMatchObject({ variables: 1 });
      expect(total(outcomes)).toBe(1);
    }
  });
});
