// A subgraph in its own process, frozen (SIGSTOP: alive, never answering) and then killed (SIGKILL:
// connection refused), under a running gateway with the production timeouts: the view still
// answers, the failed subgraph's sections say UNAVAILABLE (which source, since when) with their
// entries null and SOURCE_UNAVAILABLE at the entries' own paths (aliases and fragments included)
// naming the section (ADR 0005), and every other section arrives.
import { parseEnv } from "../platform/config/env.js";
import { startChildSubgraph, type ChildSubgraph } from "./support/child-subgraph.js";
import { startGatewayOver } from "./support/gateway-over.js";
import { gatewayQuery, nurseAt, type GraphQLResponse, type Stack } from "./support/stack.js";
import { startWithChildMedications, type ChildMedicationsStack } from "./support/child-medications.js";

// The defaults a deployment gets (test/support/env.ts relaxes them for the rest of the suite).
const DEFAULTS = parseEnv({});

let stack: ChildMedicationsStack;
let base: Stack;
let child: ChildSubgraph;
let over: ChildMedicationsStack["over"];
let resident: ChildMedicationsStack["resident"];

beforeAll(async () => {
  stack = await startWithChildMedications(DEFAULTS);
  ({ base, child, over, resident } = stack);
}, 60_000);
afterAll(() => stack?.close());

const VIEW = `
  fragment Meds on Resident { meds: medications { status outage { sourceSystem since } list: items { id dosageText } } }
  query View($nhs: NhsNumber!) {
    resident(nhsNumber: $nhs) { nhsNumber name { family } allergies { status items { display } } diagnosticReports(first: 2) { status page { edges { node { id } } } } ...Meds }
  }`;
const HOME = `query Home($home: ID!) { careHome(id: $home) { name residents(first: 5) { edges { node { nhsNumber name { family } medications { status items { id } } } } } } }`;

const view = (userId?: string) => gatewayQuery(over.stack, VIEW, { nhs: resident.nhs }, { ...nurseAt(resident.home), ...(userId ? { userId } : {}) });

/** The audit records the failed section as not shown (UNAVAILABLE), never ALLOWED; the rest as served. */
async function expectAudited(userId: string) {
  const rows = await base.db.sql.query<{ section: string; outcome: string; denial_code: string | null }>(
    `SELECT section, outcome::text, denial_code FROM usage.access_event WHERE user_id = $1 ORDER BY section`,
    [userId],
  );
  expect(rows).toEqual([
    { section: "ALLERGIES", outcome: "ALLOWED", denial_code: null },
    { section: "DEMOGRAPHICS", outcome: "ALLOWED", denial_code: null },
    { section: "DIAGNOSTIC_REPORTS", outcome: "ALLOWED", denial_code: null },
    { section: "MEDICATIONS", outcome: "UNAVAILABLE", denial_code: "SOURCE_UNAVAILABLE" },
  ]);
}
const home = () => gatewayQuery(over.stack, HOME, { home: resident.home }, nurseAt(resident.home));

function expectMedicationsUnavailable(res: GraphQLResponse, paths: (string | number)[][]) {
  expect(res.status).toBe(200);
  expect(res.errors?.map((e) => e.path)).toEqual(paths);
  for (const e of res.errors ?? []) {
    expect(e.extensions).toMatchObject({ code: "SOURCE_UNAVAILABLE", section: "MEDICATIONS" });
    // Neither the subgraph's address nor the request it was sent (NHS numbers) leaks out.
    const text = JSON.stringify(e);
    expect(text).not.toContain(new URL(child.url).port);
    expect(text).not.toMatch(/\d{10}/);
    expect(text).not.toMatch(/representations|127\.0\.0\.1/);
  }
}

/** What the gateway fills in for a section whose subgraph did not answer (ADR 0005). */
const OUTAGE = { sourceSystem: expect.any(String), since: expect.any(String) };

function expectViewDegraded(res: GraphQLResponse) {
  expectMedicationsUnavailable(res, [["resident", "meds", "list"]]);
  const r = res.data.resident;
  expect(r.meds).toEqual({ status: "UNAVAILABLE", outage: OUTAGE, list: null });
  expect(Number.isNaN(Date.parse(r.meds.outage.since))).toBe(false);
  expect(r.nhsNumber).toBe(resident.nhs);
  expect(r.name.family).toEqual(expect.any(String));
  expect(r.allergies.items).toEqual(expect.any(Array));
  expect(["PRESENT", "NONE_KNOWN", "NOT_RECORDED"]).toContain(r.allergies.status);
  expect(r.diagnosticReports.page.edges).toEqual(expect.any(Array));
  expect(["PRESENT", "NOT_RECORDED"]).toContain(r.diagnosticReports.status);
}

function expectHomeDegraded(res: GraphQLResponse) {
  const edges = res.data.careHome.residents.edges as { node: { nhsNumber: string; name: { family: string }; medications: unknown } }[];
  expect(edges.length).toBeGreaterThan(1);
  expectMedicationsUnavailable(
    res,
    edges.map((_, i) => ["careHome", "residents", "edges", i, "node", "medications", "items"]),
  );
  for (const { node } of edges) {
    expect(node.medications).toEqual({ status: "UNAVAILABLE", items: null });
    expect(node.name.family).toEqual(expect.any(String));
  }
}

describe("a failing subgraph costs its own sections only", () => {
  it("answers in full while the subgraph is healthy", async () => {
    // A cold stack's first queries (compiling, connecting) can outlast the production timeouts on
    // a busy machine; that is not what this file tests, so warm up until one answers in full.
    for (let i = 0; i < 5 && (await view()).errors; i++);
    const res = await view();
    expect(res.errors).toBeUndefined();
    expect(res.data.resident.meds).toMatchObject({ status: "PRESENT", outage: null });
    expect(res.data.resident.meds.list.length).toBeGreaterThan(0);
    expect((await home()).errors).toBeUndefined();
  });

  it("frozen (SIGSTOP): the sections arrive without medications, which are SOURCE_UNAVAILABLE at their paths", async () => {
    child.signal("SIGSTOP");
    // No elapsed-time assertion: the test's own timeout (well under the hang seen before) bounds it.
    const userId = `failures-frozen-${Date.now()}`;
    const [v, h] = await Promise.all([view(userId), home()]);
    expectViewDegraded(v);
    expectHomeDegraded(h);
    await expectAudited(userId);
  }, 15_000);

  it("dead (SIGKILL): the same, instead of an unnamed INTERNAL_SERVER_ERROR on the parent", async () => {
    child.signal("SIGKILL");
    const userId = `failures-dead-${Date.now()}`;
    expectViewDegraded(await view(userId));
    await expectAudited(userId);
    expectHomeDegraded(await home());
  }, 15_000);
});

describe("the subgraph that owns the root of the view is down", () => {
  let residents: ChildSubgraph;
  let gateway: Awaited<ReturnType<typeof startGatewayOver>>;
  beforeAll(async () => {
    residents = await startChildSubgraph("residents");
    gateway = await startGatewayOver(base, { residents: residents.url }, DEFAULTS);
    for (let i = 0; i < 5 && (await gatewayQuery(gateway.stack, VIEW, { nhs: resident.nhs }, nurseAt(resident.home))).errors; i++);
  }, 60_000);
  afterAll(async () => {
    await residents?.close();
    await gateway?.close();
  });

  it("answers 503 with SOURCE_UNAVAILABLE at the root field and the root null when nothing could be answered", async () => {
    residents.signal("SIGKILL");
    const res = await gatewayQuery(gateway.stack, VIEW, { nhs: resident.nhs }, nurseAt(resident.home));
    expect(res.status).toBe(503);
    expect(res.data).toEqual({ resident: null });
    expect(res.errors).toEqual([expect.objectContaining({ path: ["resident"], extensions: { code: "SOURCE_UNAVAILABLE", retryable: true } })]);
  }, 15_000);
});

describe("the request deadline", () => {
  let frozen: ChildSubgraph;
  let gateway: Awaited<ReturnType<typeof startGatewayOver>>;
  beforeAll(async () => {
    frozen = await startChildSubgraph("medications");
    // The request deadline ends the request long before the subgraph call gives up; the call's
    // timeout (twice the deadline) then lets the execution behind the 503 finish, so its audit
    // can be read.
    gateway = await startGatewayOver(base, { medications: frozen.url }, { UPSTREAM_TIMEOUT_MS: 6_000, REQUEST_DEADLINE_MS: 3_000 });
    for (let i = 0; i < 5 && (await gatewayQuery(gateway.stack, VIEW, { nhs: resident.nhs }, nurseAt(resident.home))).errors; i++);
  }, 60_000);
  afterAll(async () => {
    await frozen?.close();
    await gateway?.close();
  });

  it("ends a request that outlives it with a coded, retryable SERVICE_UNAVAILABLE and HTTP 503", async () => {
    frozen.signal("SIGSTOP");
    const userId = `failures-deadline-${Date.now()}`;
    const res = await gatewayQuery(gateway.stack, VIEW, { nhs: resident.nhs }, { ...nurseAt(resident.home), userId });
    expect(res.status).toBe(503);
    expect(res.errors).toEqual([expect.objectContaining({ extensions: { code: "SERVICE_UNAVAILABLE", retryable: true } })]);
    // The execution behind the 503 ends when its subgraph call times out; what it resolved was
    // never shown, so the audit records every section as not shown.
    let rows: { section: string; outcome: string; denial_code: string | null }[] = [];
    const read = async () => {
      rows = await base.db.sql.query(`SELECT section, outcome::text, denial_code FROM usage.access_event WHERE user_id = $1`, [userId]);
      return rows.length > 0;
    };
    for (let i = 0; i < 500 && !(await read()); i++) await new Promise((r) => setTimeout(r, 20));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.filter((r) => r.outcome === "ALLOWED")).toEqual([]);
  }, 30_000);
});
