// "What's new since I last looked" (ADR 0006), through the running gateway, from the sides that can
// get it wrong: a nurse who must not miss a new abnormal result, a reader whose look must not count
// as a view, a user marking seen while a result arrives, a caller who must not learn what they may
// not see, a client retrying or racing itself, and a source that is down (unknown, never "nothing new").
import http from "node:http";
import { randomUUID } from "node:crypto";
import { listen } from "../platform/http/listen.js";
import type { Identity } from "../platform/identity/identity.js";
import { loadSubgraph } from "../subgraphs/registry.js";
import { startSubgraphServer, type RunningServer, type SubgraphModule } from "../platform/subgraph/server.js";
import { createLabsRepository } from "../subgraphs/labs/repository.js";
import { about as labs } from "../subgraphs/labs/manifest.js";
import { env } from "../platform/config/env.js";
import { startGatewayOver } from "./support/gateway-over.js";
import { gatewayQuery, gpAt, identities, nurseAt, startTestStack, type Stack } from "./support/stack.js";

let stack: Stack;
let nhs: string; // a resident of CH00003 with an approved plan (no objection), away from the residents other files use
let practice: string;
let objected: string; // a resident of CH00003 who objected to sharing
const HOME = "CH00003";
const runId = `${process.pid}-${Date.now()}`;
const as = (identity: Identity, label: string): Identity => ({ ...identity, userId: `new-${label}-${runId}` });
const nurse = (label: string) => as(nurseAt(HOME), label);

beforeAll(async () => {
  stack = await startTestStack();
  const [row] = await stack.db.sql.query<{ n: string; practice: string }>(
    `SELECT r.nhs_number AS n, r.gp_practice_code AS practice FROM residents.resident r
       JOIN residents.placement p ON p.nhs_number = r.nhs_number AND p.end_date IS NULL
      WHERE p.care_home_id = '${HOME}' AND NOT r.sharing_objection
        AND EXISTS (SELECT 1 FROM careplans.care_plan c WHERE c.nhs_number = r.nhs_number AND c.status = 'APPROVED') ORDER BY 1 DESC LIMIT 1`,
  );
  ({ n: nhs, practice } = row!);
  const [o] = await stack.db.sql.query<{ n: string }>(
    `SELECT r.nhs_number AS n FROM residents.resident r JOIN residents.placement p ON p.nhs_number = r.nhs_number AND p.end_date IS NULL
      WHERE p.care_home_id = '${HOME}' AND r.sharing_objection ORDER BY 1 LIMIT 1`,
  );
  objected = o?.n ?? "";
  // A new abnormal full blood count, received an hour ago, through the path ingestion uses (it purges the caches).
  await addReport(new Date(Date.now() - 3_600_000), true);
});
afterAll(() => stack.close());

async function addReport(at: Date, abnormal: boolean) {
  const repo = createLabsRepository(stack.db, stack.caches.cache("labs"));
  const id = `TEST-NEW-${randomUUID()}`;
  await repo.insertBatch({
    reports: [
      {
        id,
        nhsNumber: nhs,
        status: "FINAL",
        category: "HAEMATOLOGY",
        code: "26604007",
        display: "Full blood count",
        effectiveAt: new Date(at.getTime() - 7_200_000),
        issuedAt: at,
        performerName: "Test Pathology",
        performerOds: "RJ1",
        abnormal,
        sourceSystem: labs.sourceSystem!,
        recordedAt: at,
        updatedAt: at,
      },
    ],
    observations: [],
  });
  await repo.close();
  return id;
}

const UNSEEN = `query Unseen($n: NhsNumber!) { resident(nhsNumber: $n) { unseen { ...U } } }
  fragment U on ResidentUnseen { count since newestAt abnormal incomplete
    sections { section status count since lastLookedAt abnormal changes { kind at abnormal } outage { sourceSystem since } } }`;

async function unseenOf(identity: Identity, n = nhs, s: Stack = stack) {
  const res = await gatewayQuery(s, UNSEEN, { n }, identity);
  expect(res.errors).toBeUndefined();
  return res.data.resident.unseen;
}
interface Section {
  section: string;
  status: string;
  count: number | null;
  since: string | null;
  lastLookedAt: string | null;
  abnormal: boolean;
  changes: { kind: string; at: string; abnormal: boolean }[] | null;
  outage: { sourceSystem: string; since: string } | null;
}
const sectionOf = (unseen: { sections: Section[] }, section: string): Section => unseen.sections.find((s) => s.section === section)!;

const MARK = `mutation Mark($input: MarkSeenInput!, $key: String) { marked: markSeen(input: $input, idempotencyKey: $key) {
  markedAt userErrors { code field } unseen { count sections { section status count } } } }`;

const acknowledgements = (userId: string) =>
  stack.db.sql.query<{ section: string; seen_up_to: Date | null; occurred_at: Date }>(
    `SELECT section, seen_up_to, occurred_at FROM usage.access_event WHERE user_id = $1 AND outcome::text = 'ACKNOWLEDGED' ORDER BY section`,
    [userId],
  );
const eventsOf = (userId: string) =>
  stack.db.sql.query<{ section: string; outcome: string }>(`SELECT section, outcome::text FROM usage.access_event WHERE user_id = $1`, [userId]);

describe("a new result, for a nurse of the resident's home", () => {
  it("is new, with its kind, time and abnormal flag, in the section and for the resident", async () => {
    const unseen = await unseenOf(nurse("first"));
    const results = sectionOf(unseen, "DIAGNOSTIC_REPORTS");
    expect(results.status).toBe("NEW");
    expect(results.abnormal).toBe(true);
    expect(results.changes).toContainEqual({ kind: "RESULT_RECEIVED", at: expect.any(String), abnormal: true });
    expect(results.count).toBeGreaterThanOrEqual(results.changes!.length);
    expect(unseen).toMatchObject({ abnormal: true, incomplete: false });
    expect(unseen.count).toBe(unseen.sections.reduce((n: number, s: { count: number }) => n + s.count, 0));
    // Every section that can change and a care home may see, in the documented order.
    expect(unseen.sections.map((s: { section: string }) => s.section)).toEqual([
      "DISCHARGE_SUMMARIES",
      "HOSPITAL_STAYS",
      "EMERGENCY_CARE",
      "DIAGNOSTIC_REPORTS",
      "MEDICATIONS",
      "CARE_PLAN",
    ]);
  });

  it("reading what is new is not a view: asked twice, under aliases and fragments, it is still new and nothing is audited", async () => {
    const reader = nurse("reader");
    const aliased = `query ($n: NhsNumber!) { r: resident(nhsNumber: $n) { a: unseen { c: count } ... on Resident { b: unseen { sections { section status } } } } }`;
    const res = await gatewayQuery(stack, aliased, { n: nhs }, reader);
    expect(res.errors).toBeUndefined();
    expect(res.data.r.a.c).toBeGreaterThan(0);
    expect(sectionOf(await unseenOf(reader), "DIAGNOSTIC_REPORTS").status).toBe("NEW");
    expect(await eventsOf(reader.userId)).toEqual([]);
  });

  it("viewing the results section makes it UP_TO_DATE for that user only, and a result received later is new again", async () => {
    const viewer = nurse("viewer");
    const view = await gatewayQuery(
      stack,
      `query ($n: NhsNumber!) { resident(nhsNumber: $n) { diagnosticReports { status page { edges { node { id } } } } } }`,
      { n: nhs },
      viewer,
    );
    expect(view.errors).toBeUndefined();
    const after = sectionOf(await unseenOf(viewer), "DIAGNOSTIC_REPORTS");
    expect(after).toMatchObject({ status: "UP_TO_DATE", count: 0, changes: [], abnormal: false });
    expect(after.lastLookedAt).not.toBeNull();
    // Another nurse of the same home has not looked.
    expect(sectionOf(await unseenOf(nurse("other")), "DIAGNOSTIC_REPORTS").status).toBe("NEW");
    // Only the section viewed: the others keep what they had.
    expect(sectionOf(await unseenOf(viewer), "MEDICATIONS").lastLookedAt).toBeNull();

    await addReport(new Date(), false);
    const again = sectionOf(await unseenOf(viewer), "DIAGNOSTIC_REPORTS");
    expect(again).toMatchObject({ status: "NEW", count: 1, abnormal: false });
    expect(again.changes).toEqual([{ kind: "RESULT_RECEIVED", at: expect.any(String), abnormal: false }]);
  });
});

describe("markSeen", () => {
  it("marks the sections seen, audited as ACKNOWLEDGED with seenUpTo, never as a view", async () => {
    const marker = nurse("marker");
    const res = await gatewayQuery(stack, MARK, { input: { nhsNumber: nhs, sections: ["DIAGNOSTIC_REPORTS", "MEDICATIONS"] } }, marker);
    expect(res.errors).toBeUndefined();
    expect(res.data.marked.userErrors).toEqual([]);
    expect(res.data.marked.markedAt).toEqual(expect.any(String));
    const sections = res.data.marked.unseen.sections;
    expect(sections.find((s: { section: string }) => s.section === "DIAGNOSTIC_REPORTS")).toMatchObject({ status: "UP_TO_DATE", count: 0 });
    expect(sections.find((s: { section: string }) => s.section === "MEDICATIONS")).toMatchObject({ status: "UP_TO_DATE", count: 0 });
    const acks = await acknowledgements(marker.userId);
    expect(acks.map((a) => a.section)).toEqual(["DIAGNOSTIC_REPORTS", "MEDICATIONS"]);
    for (const a of acks) expect(a.seen_up_to!.getTime()).toBe(a.occurred_at.getTime());
    expect((await eventsOf(marker.userId)).every((e) => e.outcome === "ACKNOWLEDGED")).toBe(true);

    // The privacy officer sees the marking in the audit trail.
    const trail = await gatewayQuery(
      stack,
      `query ($f: AccessEventFilter!) { accessEvents(filter: $f, first: 10) { edges { node { userId section outcome seenUpTo } } } }`,
      { f: { userId: marker.userId, from: new Date(Date.now() - 3_600_000).toISOString(), to: new Date(Date.now() + 60_000).toISOString() } },
      identities.privacyOfficer,
    );
    expect(trail.errors).toBeUndefined();
    expect(trail.data.accessEvents.edges.map((e: { node: unknown }) => e.node)).toEqual(
      expect.arrayContaining([{ userId: marker.userId, section: "DIAGNOSTIC_REPORTS", outcome: "ACKNOWLEDGED", seenUpTo: expect.any(String) }]),
    );
  });

  it("with seenUpTo before a change, that change stays new: a result that arrived while the user read is not lost", async () => {
    const marker = nurse("upto");
    const before = await unseenOf(marker);
    const results = sectionOf(before, "DIAGNOSTIC_REPORTS");
    const oldest = results.since!;
    // The user was shown only what was there before the newest change arrived.
    const newest = results.changes![0]!.at;
    const upTo = new Date(new Date(newest).getTime() - 1).toISOString();
    const res = await gatewayQuery(stack, MARK, { input: { nhsNumber: nhs, sections: ["DIAGNOSTIC_REPORTS"], seenUpTo: upTo } }, marker);
    expect(res.errors).toBeUndefined();
    const after = sectionOf(await unseenOf(marker), "DIAGNOSTIC_REPORTS");
    expect(after.status).toBe("NEW");
    expect(after.changes!.map((c) => c.at)).toEqual([newest]);
    expect(after.since).toBe(newest);
    expect(new Date(oldest).getTime()).toBeLessThanOrEqual(new Date(newest).getTime());
  });

  it("omitting sections marks every section the caller may see", async () => {
    const marker = nurse("all");
    const res = await gatewayQuery(stack, MARK, { input: { nhsNumber: nhs } }, marker);
    expect(res.errors).toBeUndefined();
    expect(res.data.marked.unseen.count).toBe(0);
    expect((await acknowledgements(marker.userId)).map((a) => a.section)).toEqual([
      "CARE_PLAN",
      "DIAGNOSTIC_REPORTS",
      "DISCHARGE_SUMMARIES",
      "EMERGENCY_CARE",
      "HOSPITAL_STAYS",
      "MEDICATIONS",
    ]);
  });

  it("refuses bad input with nothing written: a future seenUpTo (user error), a section that cannot change, a repeat, an empty list", async () => {
    const careless = nurse("careless");
    const future = await gatewayQuery(stack, MARK, { input: { nhsNumber: nhs, seenUpTo: new Date(Date.now() + 3_600_000).toISOString() } }, careless);
    expect(future.errors).toBeUndefined();
    expect(future.data.marked).toMatchObject({ unseen: null, markedAt: null, userErrors: [{ code: "INVALID_INPUT", field: ["input", "seenUpTo"] }] });
    for (const sections of [["RECORD"], ["ALLERGIES"], ["MEDICATIONS", "MEDICATIONS"], []]) {
      const res = await gatewayQuery(stack, MARK, { input: { nhsNumber: nhs, sections } }, careless);
      expect({ sections, code: res.errors?.[0]?.extensions?.code }).toEqual({ sections, code: "BAD_USER_INPUT" });
    }
    const badNhs = await gatewayQuery(stack, MARK, { input: { nhsNumber: "9990000019" } }, careless);
    expect(badNhs.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(await eventsOf(careless.userId)).toEqual([]);
  });

  it("is refused to those who may not mark, with nothing written: another home, urgent care, an analyst, break-glass, an objection", async () => {
    const gpElsewhere = as(gpAt(practice === "G00001" ? "G00002" : "G00001"), "glass");
    const glass = await gatewayQuery(
      stack,
      `mutation ($n: NhsNumber!) { breakGlass(nhsNumber: $n, reason: "Called out of hours, resident deteriorating") { userErrors { code } } }`,
      { n: nhs },
      gpElsewhere,
    );
    expect(glass.data.breakGlass.userErrors).toEqual([]);
    const cases: [Identity, string, string][] = [
      [as(nurseAt("CH00001"), "elsewhere"), nhs, "NO_CARE_RELATIONSHIP"],
      [as(identities.paramedic, "paramedic"), nhs, "ROLE_NOT_PERMITTED"],
      [as(identities.analyst, "analyst"), nhs, "ROLE_NOT_PERMITTED"],
      [gpElsewhere, nhs, "NO_CARE_RELATIONSHIP"],
      ...(objected ? ([[nurse("objection"), objected, "SHARING_OBJECTION"]] as [Identity, string, string][]) : []),
    ];
    for (const [who, n, code] of cases) {
      const res = await gatewayQuery(stack, MARK, { input: { nhsNumber: n } }, who);
      expect({ who: who.userId, code: res.errors?.[0]?.extensions?.code, data: res.data?.marked ?? null }).toEqual({ who: who.userId, code, data: null });
      expect(await acknowledgements(who.userId)).toEqual([]);
    }
  });

  it("a retried idempotency key marks once and answers the first markedAt; the key with other input is refused; racing retries mark once", async () => {
    const marker = nurse("key");
    const key = `mark-${runId}`;
    const input = { nhsNumber: nhs, sections: ["CARE_PLAN"] };
    const answers = await Promise.all(Array.from({ length: 5 }, () => gatewayQuery(stack, MARK, { input, key }, marker)));
    for (const a of answers) expect(a.errors).toBeUndefined();
    expect(new Set(answers.map((a) => a.data.marked.markedAt)).size).toBe(1);
    const retry = await gatewayQuery(stack, MARK, { input, key }, marker);
    expect(retry.data.marked.markedAt).toBe(answers[0]!.data.marked.markedAt);
    expect(await acknowledgements(marker.userId)).toHaveLength(1);
    const reused = await gatewayQuery(stack, MARK, { input: { ...input, sections: ["MEDICATIONS"] }, key }, marker);
    expect(reused.errors?.[0]?.extensions?.code).toBe("IDEMPOTENCY_KEY_REUSED");
    expect(await acknowledgements(marker.userId)).toHaveLength(1);
  });
});

describe("who may see what is new", () => {
  it("urgent care is told of no change: its LIMITED view would learn from them what it does not show, and results it may not see at all", async () => {
    const unseen = await unseenOf(as(identities.paramedic, "sections"));
    expect(unseen).toEqual({ count: 0, since: null, newestAt: null, abnormal: false, incomplete: false, sections: [] });
  });

  it("the resident's GP is told of every section, the new abnormal result among them", async () => {
    const unseen = await unseenOf(as(gpAt(practice), "gp"));
    expect(unseen.sections).toHaveLength(6);
    expect(sectionOf(unseen, "DIAGNOSTIC_REPORTS")).toMatchObject({ status: "NEW", abnormal: true });
  });

  it("a resident who objected to sharing: refused with SHARING_OBJECTION, whether looked up or listed in the home", async () => {
    expect(objected).not.toBe("");
    const looked = await gatewayQuery(stack, UNSEEN, { n: objected }, nurse("objected"));
    expect(looked.data?.resident?.unseen ?? null).toBeNull();
    expect(looked.errors?.map((e) => e.extensions?.code)).toContain("SHARING_OBJECTION");
    // Listed among the home's residents, only the key is shown: `unseen` is refused at its own path.
    const listed = await gatewayQuery(
      stack,
      `query ($id: ID!) { careHome(id: $id) { residents(first: 100) { edges { node { nhsNumber unseen { count } } } } } }`,
      { id: HOME },
      nurse("objected-list"),
    );
    const edges: { node: { nhsNumber: string; unseen: unknown } }[] = listed.data.careHome.residents.edges;
    const at = edges.findIndex((e) => e.node.nhsNumber === objected);
    expect(edges[at]!.node.unseen).toBeNull();
    const error = listed.errors?.find((e) => JSON.stringify(e.path) === JSON.stringify(["careHome", "residents", "edges", at, "node", "unseen"]));
    expect(error?.extensions?.code).toBe("SHARING_OBJECTION");
    expect(edges.find((e) => e.node.nhsNumber === nhs)!.node.unseen).not.toBeNull();
  });

  it("another home's nurse gets no answer at all for the resident", async () => {
    const res = await gatewayQuery(stack, UNSEEN, { n: nhs }, as(nurseAt("CH00001"), "stranger"));
    expect(res.data?.resident ?? null).toBeNull();
    expect(res.errors?.[0]?.extensions?.code).toBe("NO_CARE_RELATIONSHIP");
  });
});

const HOME_QUERY = `query ($id: ID!, $first: Int) { careHome(id: $id) { unseen {
  residentsWithNew residentsWithAbnormal residentsIncomplete
  sections { section residents changes abnormal unavailable }
  residents(first: $first) { nhsNumber name { family } unseen { count since abnormal } }
} } }`;

describe("the care home's summary", () => {
  it("counts the residents with something new, per section, and lists them, the longest waiting first", async () => {
    const res = await gatewayQuery(stack, HOME_QUERY, { id: HOME, first: 100 }, nurse("dashboard"));
    expect(res.errors).toBeUndefined();
    const summary = res.data.careHome.unseen;
    expect(summary.residentsWithNew).toBeGreaterThan(0);
    expect(summary.residentsWithAbnormal).toBeGreaterThan(0);
    expect(summary.residentsIncomplete).toBe(0);
    const listed = summary.residents.map((r: { nhsNumber: string }) => r.nhsNumber);
    expect(listed).toContain(nhs);
    expect(listed).not.toContain(objected);
    expect(summary.residents).toHaveLength(Math.min(100, summary.residentsWithNew));
    const since = summary.residents.map((r: { unseen: { since: string } }) => new Date(r.unseen.since).getTime());
    expect(since).toEqual([...since].sort((a, b) => a - b));
    const results = summary.sections.find((s: { section: string }) => s.section === "DIAGNOSTIC_REPORTS");
    expect(results.residents).toBeGreaterThan(0);
    expect(results.abnormal).toBeGreaterThan(0);
    expect(results.changes).toBeGreaterThanOrEqual(results.residents);
  });

  it("is for the home's own staff only, and refuses a page size out of bounds", async () => {
    for (const [who, code] of [
      [as(nurseAt("CH00001"), "other-home"), "NO_CARE_RELATIONSHIP"],
      [as(gpAt(practice), "gp-home"), "ROLE_NOT_PERMITTED"],
    ] as const) {
      const res = await gatewayQuery(stack, HOME_QUERY, { id: HOME, first: 5 }, who);
      expect({ code: res.errors?.[0]?.extensions?.code, unseen: res.data?.careHome?.unseen ?? null }).toEqual({ code, unseen: null });
    }
    for (const first of [0, 101]) {
      const res = await gatewayQuery(stack, HOME_QUERY, { id: HOME, first }, nurse("paging"));
      expect(res.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    }
  });
});

describe("a source that does not answer", () => {
  let module: SubgraphModule;
  let usage: RunningServer;
  let down: http.Server;
  let over: Awaited<ReturnType<typeof startGatewayOver>>;
  beforeAll(async () => {
    // The labs subgraph, as the usage subgraph reaches it, answers 503 to everything.
    down = http.createServer((_, res) => res.writeHead(503).end());
    const downPort = await listen(down, "127.0.0.1", 0);
    const e = env();
    module = (await loadSubgraph("usage")).create(stack.db, {
      peers: { urls: { ...stack.subgraphUrls, labs: `http://127.0.0.1:${downPort}/graphql` }, internalSecret: e.INTERNAL_SECRET },
      caches: stack.caches,
    });
    usage = await startSubgraphServer(module, { host: e.HOST, port: 0, internalSecret: e.INTERNAL_SECRET, metricsToken: e.METRICS_TOKEN, shield: true });
    over = await startGatewayOver(stack, { usage: usage.url });
  });
  afterAll(async () => {
    await over.close();
    await usage.close();
    await module.close();
    down.close();
  });

  it("makes its sections UNAVAILABLE, with the source and since when, and the answer incomplete: never 'nothing new'", async () => {
    const unseen = await unseenOf(nurse("outage"), nhs, over.stack);
    expect(unseen.incomplete).toBe(true);
    const results = sectionOf(unseen, "DIAGNOSTIC_REPORTS");
    expect(results).toMatchObject({ status: "UNAVAILABLE", count: null, changes: null, since: null, outage: { sourceSystem: labs.sourceSystem } });
    expect(results.outage!.since).toEqual(expect.any(String));
    // The other sections still answer.
    expect(sectionOf(unseen, "MEDICATIONS").status).not.toBe("UNAVAILABLE");
    // The home's summary says how many residents it could not read.
    const home = await gatewayQuery(over.stack, HOME_QUERY, { id: HOME, first: 5 }, nurse("outage-home"));
    expect(home.errors).toBeUndefined();
    expect(home.data.careHome.unseen.residentsIncomplete).toBeGreaterThan(0);
    expect(home.data.careHome.unseen.sections.find((s: { section: string }) => s.section === "DIAGNOSTIC_REPORTS").unavailable).toBeGreaterThan(0);
  });
});
