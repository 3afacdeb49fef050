// The bulk lane (gateway/bulk-lane.ts): with BULK_LANE_URL set, every operation costing at least
// BULK_LANE_MIN_COST is answered by the bulk lane, whatever form it is sent in (literal or variable
// page size, fragments, one operation of several, GET, trusted document, persisted query), and no
// such operation runs in the interactive gateway even when the router cannot read the request. A
// bulk lane that is down or refusing costs only costly operations, with coded answers.
// Here the bulk lane is a whole test stack and the interactive gateway a second gateway over the
// same subgraphs; that the lanes run in separate processes is what bench:fairness measures.
import http from "node:http";
import { randomUUID } from "node:crypto";
import { parse } from "graphql";
import { listen } from "../platform/http/listen.js";
import { operationCost } from "../gateway/cost.js";
import { clientSchema } from "../gateway/client-schema.js";
import { LANE_HEADER } from "../gateway/bulk-lane.js";
import { sha256Hex } from "../gateway/trusted-documents.js";
import type { Identity } from "../platform/identity/identity.js";
import { identities, startTestStack, tokenFor, type Stack } from "./support/stack.js";
import { startGatewayOver } from "./support/gateway-over.js";
import { readFileSync } from "node:fs";

const trustedManifest = JSON.parse(readFileSync(new URL("../clients/generated/persisted-documents.json", import.meta.url), "utf8")) as Record<string, string>;

const THRESHOLD = 1000;
const HOME = "CH00001";

let bulk: Stack;
let interactive: { stack: Stack; close(): Promise<void> };
beforeAll(async () => {
  bulk = await startTestStack();
  interactive = await startGatewayOver(bulk, {}, { BULK_LANE_URL: bulk.gatewayUrl, BULK_LANE_MIN_COST: THRESHOLD });
});
afterAll(async () => {
  await interactive?.close();
  await bulk?.close();
});

/** A nurse of the home nobody else uses: budgets in the shared Redis and audit rows start empty. */
const freshNurse = (): Identity => ({ ...identities.nurse, userId: `t-lane-${randomUUID()}`, orgCode: HOME });

// A page of the home's residents with several sections, through a fragment and an alias; its cost
// grows with $n.
const PAGE = `query Page($home: ID!, $n: Int) { home: careHome(id: $home) { residents(first: $n) { edges { node { ...Sections } } } } }
  query Lookup($home: ID!) { careHome(id: $home) { name } }
  fragment Sections on Resident { nhsNumber allergies { status items { display } } medications { status items { medication { display } } } carePlan { status item { status } } }`;
const costOf = (query: string, operationName: string | undefined, variables: Record<string, unknown>) =>
  operationCost(clientSchema(), parse(query), operationName, variables)!;

interface Residents {
  residents: { edges: unknown[] };
}

interface Answer {
  status: number;
  lane: string | null;
  body: { data?: { home: Residents; careHome: Residents & { name: string } }; errors?: { message: string; extensions?: Record<string, unknown> }[] };
}

async function post(url: string, body: unknown, identity: Identity | null, contentType = "application/json"): Promise<Answer> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": contentType, ...(identity ? { authorization: `Bearer ${await tokenFor(identity)}` } : {}) },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: res.status, lane: res.headers.get(LANE_HEADER), body: (await res.json()) as Answer["body"] };
}

/** The home has a resident who objected to sharing: their sections are refused, nothing else fails. */
function expectOnlyObjections(answer: Answer) {
  expect(new Set(answer.body.errors?.map((e) => e.extensions?.code))).toEqual(new Set(["SHARING_OBJECTION"]));
}

const eventsOf = async (userId: string) =>
  (
    await bulk.db.sql.query<{ nhs_number: string; section: string; outcome: string }>(
      `SELECT nhs_number, section, outcome::text FROM usage.access_event WHERE user_id = $1 ORDER BY nhs_number, section`,
      [userId],
    )
  ).map((e) => ({ ...e }));

const accessEvents = async (userId: string) =>
  ((await bulk.db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM usage.access_event WHERE user_id = $1`, [userId])) as [{ n: number }])[0].n;

describe("routing by cost", () => {
  it("prices the page by its variables: 40 residents run on the bulk lane, 1 on the interactive one", async () => {
    expect(costOf(PAGE, "Page", { home: HOME, n: 40 })).toBeGreaterThanOrEqual(THRESHOLD);
    expect(costOf(PAGE, "Page", { home: HOME, n: 1 })).toBeLessThan(THRESHOLD);
    const nurse = freshNurse();
    const big = await post(interactive.stack.gatewayUrl, { query: PAGE, operationName: "Page", variables: { home: HOME, n: 40 } }, nurse);
    expect(big.status).toBe(200);
    expect(big.lane).toBe("bulk");
    expectOnlyObjections(big);
    expect(big.body.data!.home.residents.edges.length).toBeGreaterThan(30);
    const small = await post(interactive.stack.gatewayUrl, { query: PAGE, operationName: "Page", variables: { home: HOME, n: 1 } }, nurse);
    expect(small.status).toBe(200);
    expect(small.lane).toBeNull();
    expect(small.body.data!.home.residents.edges).toHaveLength(1);
  });

  it("answers exactly what the bulk lane answers, and audits it once", async () => {
    const viaRouter = freshNurse();
    const direct = freshNurse();
    const body = { query: PAGE, operationName: "Page", variables: { home: HOME, n: 40 } };
    const routed = await post(interactive.stack.gatewayUrl, body, viaRouter);
    const straight = await post(bulk.gatewayUrl, body, direct);
    expect(routed.lane).toBe("bulk");
    expect(routed.body).toEqual(straight.body);
    const residents = routed.body.data!.home.residents.edges.length;
    // The three sections per resident, one event each (not two: the router writes none), with the
    // same outcomes as the same request sent to the bulk lane directly.
    const routedEvents = await eventsOf(viaRouter.userId);
    expect(routedEvents).toHaveLength(residents * 3);
    expect(routedEvents).toEqual(await eventsOf(direct.userId));
  });

  it("prices the operation that runs, not the first or the largest in the document", async () => {
    const nurse = freshNurse();
    const lookup = await post(interactive.stack.gatewayUrl, { query: PAGE, operationName: "Lookup", variables: { home: HOME } }, nurse);
    expect(lookup.lane).toBeNull();
    expect(lookup.body.data!.careHome.name).toEqual(expect.any(String));
  });

  it("routes a costly GET like a costly POST", async () => {
    const query = `query { careHome(id: "${HOME}") { residents(first: 40) { edges { node { allergies { status items { display } } medications { status items { id } } } } } } }`;
    expect(costOf(query, undefined, {})).toBeGreaterThanOrEqual(THRESHOLD);
    const res = await fetch(`${interactive.stack.gatewayUrl}?query=${encodeURIComponent(query)}`, {
      headers: { authorization: `Bearer ${await tokenFor(freshNurse())}` },
    });
    expect(res.headers.get(LANE_HEADER)).toBe("bulk");
    expect(res.status).toBe(200);
    expect(((await res.json()) as Answer["body"]).data!.careHome.residents.edges.length).toBeGreaterThan(30);
  });

  it("resolves trusted documents and persisted queries before pricing them", async () => {
    const [id, text] = Object.entries(trustedManifest).find(([, q]) => q.startsWith("query CareHomeDashboard"))!;
    expect(costOf(text, "CareHomeDashboard", { careHomeId: HOME, first: 40 })).toBeGreaterThanOrEqual(THRESHOLD);
    const nurse = freshNurse();
    const trusted = await post(interactive.stack.gatewayUrl, { documentId: id, variables: { careHomeId: HOME, first: 40 } }, nurse);
    expect(trusted.lane).toBe("bulk");
    expectOnlyObjections(trusted);
    expect(trusted.body.data!.careHome.residents.edges.length).toBeGreaterThan(30);

    // A persisted query: registered with its text (priced from it), then sent by hash alone.
    const query = `query Persisted${randomUUID().replace(/-/g, "")}($home: ID!) { careHome(id: $home) { residents(first: 40) { edges { node { ...Sections } } } } } fragment Sections on Resident { nhsNumber allergies { status items { display } } medications { status items { medication { display } } } carePlan { status item { status } } }`;
    const persistedQuery = { version: 1, sha256Hash: sha256Hex(query) };
    const registered = await post(interactive.stack.gatewayUrl, { query, variables: { home: HOME }, extensions: { persistedQuery } }, nurse);
    expect(registered.lane).toBe("bulk");
    expectOnlyObjections(registered);
    const byHash = await post(interactive.stack.gatewayUrl, { variables: { home: HOME }, extensions: { persistedQuery } }, nurse);
    expect(byHash.lane).toBe("bulk");
    expect(byHash.body.data!.careHome.residents.edges.length).toBeGreaterThan(30);
  });

  it("never prices or forwards a request without a valid token: 401 from the interactive gateway", async () => {
    const anonymous = await post(interactive.stack.gatewayUrl, { query: PAGE, operationName: "Page", variables: { home: HOME, n: 40 } }, null);
    expect(anonymous.status).toBe(401);
    expect(anonymous.lane).toBeNull();
    const forged = await fetch(interactive.stack.gatewayUrl, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer not.a.token" },
      body: JSON.stringify({ query: PAGE, operationName: "Page", variables: { home: HOME, n: 40 } }),
    });
    expect(forged.status).toBe(401);
    expect(forged.headers.get(LANE_HEADER)).toBeNull();
  });

  it("refuses a costly operation the router cannot read rather than run it beside the look-ups", async () => {
    // application/graphql: the body is the document itself, which the router does not read.
    const nurse = freshNurse();
    const query = `{ careHome(id: "${HOME}") { residents(first: 40) { edges { node { allergies { status items { display } } medications { status items { id } } } } } } }`;
    const res = await post(interactive.stack.gatewayUrl, query, nurse, "application/graphql");
    expect(res.lane).toBeNull();
    expect(res.body.data ?? null).toBeNull();
    expect(res.body.errors?.map((e) => e.extensions?.code)).toEqual(["COST_LIMIT_EXCEEDED"]);
    expect(res.body.errors![0]!.extensions).toMatchObject({ limit: THRESHOLD - 1 });
    expect(await accessEvents(nurse.userId)).toBe(0);
  });
});

describe("a bulk lane in trouble costs only costly operations", () => {
  let stub: http.Server;
  let hits = 0;
  let mode: "reset" | "refuse" = "reset";
  let over: { stack: Stack; close(): Promise<void> };
  beforeAll(async () => {
    stub = http.createServer((req, res) => {
      hits += 1;
      if (mode === "reset") return req.socket.destroy();
      req.resume();
      res.writeHead(429, { "content-type": "application/json", "retry-after": "30" });
      res.end(JSON.stringify({ errors: [{ message: "Too many requests", extensions: { code: "RATE_LIMITED", retryAfterSeconds: 30 } }] }));
    });
    const port = await listen(stub, "127.0.0.1", 0);
    over = await startGatewayOver(bulk, {}, { BULK_LANE_URL: `http://127.0.0.1:${port}/graphql`, BULK_LANE_MIN_COST: THRESHOLD });
  });
  afterAll(async () => {
    await over?.close();
    await new Promise((r) => stub?.close(r));
  });
  const page = { query: PAGE, operationName: "Page", variables: { home: HOME, n: 40 } };

  it("a bulk lane that drops the connection: 503 SERVICE_UNAVAILABLE, retryable; look-ups still answered", async () => {
    mode = "reset";
    const nurse = freshNurse();
    const big = await post(over.stack.gatewayUrl, page, nurse);
    expect(big.status).toBe(503);
    expect(big.body.errors).toEqual([{ message: expect.any(String), extensions: { code: "SERVICE_UNAVAILABLE", retryable: true } }]);
    const small = await post(over.stack.gatewayUrl, { ...page, variables: { home: HOME, n: 1 } }, nurse);
    expect(small.status).toBe(200);
    expect(small.body.data!.home.residents.edges).toHaveLength(1);
  });

  it("a bulk lane's 429 is answered again until its Retry-After without asking the lane; the user's look-ups still run", async () => {
    mode = "refuse";
    const nurse = freshNurse();
    const before = hits;
    const first = await post(over.stack.gatewayUrl, page, nurse);
    const again = await post(over.stack.gatewayUrl, page, nurse);
    for (const answer of [first, again]) {
      expect(answer.status).toBe(429);
      expect(answer.body.errors?.map((e) => e.extensions?.code)).toEqual(["RATE_LIMITED"]);
    }
    expect(hits - before).toBe(1);
    const small = await post(over.stack.gatewayUrl, { ...page, variables: { home: HOME, n: 1 } }, nurse);
    expect(small.status).toBe(200);
    expect(small.lane).toBeNull();
  });
});
