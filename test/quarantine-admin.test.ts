// The administrator's side of the FHIR quarantine (issue 11 item 5, ADR 0008), end to end through
// the running stack: a laboratory sends reports whose date of birth is wrong, patient matching
// quarantines them, and the administrator, through the gateway, lists them by identity only,
// matches one to the right resident (the care home's nurse then sees it, the sender's log says
// APPLIED) and rejects another (never shown, the log says REJECTED). Every decision is kept with
// the entries. No other role may list or decide anything.
import { randomUUID } from "node:crypto";
import { jest } from "@jest/globals";
import type { Identity } from "../platform/identity/identity.js";
import { testNhsNumber } from "../platform/graphql/nhs-number.js";
import { logger } from "../platform/observability/logger.js";
import { readDevelopmentKey } from "../ingest/auth/client-assertion.js";
import { SourceClient } from "../ingest/feed/source-client.js";
import { labReportEntries, transactionBundle, type BundlePatient, type LabReportSpec } from "../ingest/feed/lab-bundle.js";
import { gatewayQuery, identities, nurseAt, subgraphQuery, type Stack } from "./support/stack.js";
import { startScratchStack } from "./support/scratch-stack.js";

const administrator: Identity = {
  userId: "t-administrator",
  name: "Test Administrator",
  role: "administrator",
  orgCode: "CRO01",
  orgType: "record_operator",
  trainingCompletedAt: "2025-01-15",
};

let stack: Stack;
// A database of its own: what these tests send changes residents, placements and sections that the
// shared fixture's other tests compare row for row.
let scratch: Awaited<ReturnType<typeof startScratchStack>>;
let lab: SourceClient;
let resident: BundlePatient & { home: string };

beforeAll(async () => {
  scratch = await startScratchStack("quarantine", 120);
  stack = scratch.stack;
  lab = new SourceClient({
    base: stack.fhirUrl,
    clientId: "lab-synnovis",
    privateJwk: readDevelopmentKey("lab-synnovis"),
    types: ["DiagnosticReport", "Observation", "Patient"],
  });
  // A resident of CH00003 (test/fhir-ingestion.test.ts sends for the first residents by NHS number).
  const [row] = await stack.db.sql.query<{ nhs_number: string; date_of_birth: Date; family_name: string; care_home_id: string }>(
    `SELECT r.nhs_number, r.date_of_birth, r.family_name, p.care_home_id FROM residents.resident r
     JOIN residents.placement p ON p.nhs_number = r.nhs_number AND p.end_date IS NULL
     WHERE NOT r.sharing_objection AND p.care_home_id = 'CH00003' ORDER BY r.nhs_number DESC LIMIT 1`,
  );
  resident = { nhsNumber: row!.nhs_number, birthDate: row!.date_of_birth.toISOString().slice(0, 10), family: row!.family_name, home: row!.care_home_id };
}, 120_000);
afterAll(() => scratch?.close());

const CONCLUSION = "quarantine-admin";
const wrongBirthDate = () => new Date(Date.parse(resident.birthDate) - 400 * 86_400_000).toISOString().slice(0, 10);
const report = (over: Partial<LabReportSpec> = {}): LabReportSpec => ({
  patient: { ...resident, birthDate: wrongBirthDate() },
  accession: `ACC-${randomUUID().slice(0, 8)}`,
  lastUpdated: new Date(Date.now() - 30 * 60_000),
  results: [
    { loinc: "2823-3", display: "Potassium", value: 6.3, unit: "mmol/L", low: 3.5, high: 5.3, flag: "H" },
    { loinc: "2951-2", display: "Sodium", value: 139, unit: "mmol/L", low: 133, high: 146 },
    { loinc: "2160-0", display: "Creatinine", value: 88, unit: "umol/L", low: 45, high: 84, flag: "H" },
  ],
  conclusion: `${CONCLUSION}-${randomUUID()}`,
  ...over,
});

/** Sends the specs' entries in one transaction Bundle and waits until patient matching has decided each. */
async function send(...specs: LabReportSpec[]) {
  const answer = await lab.send(transactionBundle(specs.flatMap(labReportEntries)));
  expect(answer.status).toBe(202);
  const location = answer.headers.get("content-location")!;
  const outcomes = await lab.settled(location);
  const submissionId = location.split("/").pop()!;
  return { location, outcomes, submissionId };
}

/** A quarantined report: its submission, and its group's id as the database knows it (first entry's). */
async function quarantined(spec = report()) {
  const sent = await send(spec);
  expect([...sent.outcomes.values()].map((o) => o.status)).toEqual(Array(5).fill("QUARANTINED"));
  const [first] = await stack.db.sql.query<{ id: string }>(`SELECT id FROM ingest.quarantine WHERE submission_id = $1 ORDER BY index LIMIT 1`, [
    sent.submissionId,
  ]);
  return { ...sent, spec, id: first!.id };
}

const GROUP = `id reason sent { nhsNumber birthDate family } resourceTypes { resourceType count } sourceSystem senderOds receivedAt quarantinedAt
  status decidedBy decidedAt note matchedNhsNumber`;
const LIST = `query ($status: QuarantineStatus, $first: Int, $after: String) {
  quarantinedEntries(status: $status, first: $first, after: $after) { edges { cursor node { ${GROUP} } } pageInfo { hasNextPage endCursor } } }`;
const MATCH = `mutation ($id: ID!, $n: NhsNumber!, $note: String!, $key: String) {
  matchQuarantined(id: $id, nhsNumber: $n, note: $note, idempotencyKey: $key) { quarantinedGroup { ${GROUP} } userErrors { code message field } } }`;
const REJECT = `mutation ($id: ID!, $note: String!, $key: String) {
  rejectQuarantined(id: $id, note: $note, idempotencyKey: $key) { quarantinedGroup { ${GROUP} } userErrors { code message field } } }`;

interface Group {
  id: string;
  status: string;
  [k: string]: unknown;
}

/** Every group of a status, paging through the whole list (other test files quarantine entries too). */
async function listed(status: string, who: Identity = administrator): Promise<{ groups: Group[]; raw: string }> {
  const groups: Group[] = [];
  let raw = "";
  let after: string | null = null;
  for (;;) {
    const res = await gatewayQuery(stack, LIST, { status, first: 100, after }, who);
    expect(res.errors).toBeUndefined();
    raw += JSON.stringify(res.data);
    const page = res.data.quarantinedEntries;
    groups.push(...page.edges.map((e: { node: Group }) => e.node));
    if (!page.pageInfo.hasNextPage) return { groups, raw };
    after = page.pageInfo.endCursor;
  }
}

/** The resident's reports with this conclusion, as the nurse of their home sees them through the gateway. */
async function shownToNurse(conclusion: string) {
  const res = await gatewayQuery(
    stack,
    `query($n: NhsNumber!) { resident(nhsNumber: $n) { diagnosticReports(first: 100) { status page { edges { node { conclusion observations { value } } } } } } }`,
    { n: resident.nhsNumber },
    nurseAt(resident.home),
  );
  expect(res.errors).toBeUndefined();
  return res.data.resident.diagnosticReports.page.edges
    .map((e: { node: { conclusion: string; observations: unknown[] } }) => e.node)
    .filter((r: { conclusion: string }) => r.conclusion === conclusion);
}

const rowsOf = (submissionId: string) =>
  stack.db.sql.query<{ status: string; decided_by: string | null; decided_at: Date | null; note: string | null; matched_nhs_number: string | null }>(
    `SELECT status, decided_by, decided_at, note, matched_nhs_number FROM ingest.quarantine WHERE submission_id = $1 ORDER BY index`,
    [submissionId],
  );

describe("the administrator's list", () => {
  it("shows a quarantined report and its observations as one group, by identity only: no clinical content", async () => {
    const q = await quarantined();
    const { groups, raw } = await listed("PENDING");
    const group = groups.find((g) => g.id === q.id);
    expect(group).toEqual({
      id: q.id,
      reason: "BIRTH_DATE_MISMATCH",
      sent: { nhsNumber: resident.nhsNumber, birthDate: wrongBirthDate(), family: resident.family },
      resourceTypes: [
        { resourceType: "DiagnosticReport", count: 1 },
        { resourceType: "Observation", count: 3 },
        { resourceType: "Patient", count: 1 },
      ],
      sourceSystem: "Synnovis Pathology LIMS",
      senderOds: "8HV48",
      receivedAt: expect.any(String),
      quarantinedAt: expect.any(String),
      status: "PENDING",
      decidedBy: null,
      decidedAt: null,
      note: null,
      matchedNhsNumber: null,
    });
    expect(Date.parse(group!.quarantinedAt as string)).toBeGreaterThanOrEqual(Date.parse(group!.receivedAt as string));
    // The id says nothing about the person; the answer holds no code, value, unit or text of an entry.
    expect(q.id).toMatch(/^QE-[a-z]+$/);
    for (const clinical of [q.spec.conclusion!, "2823-3", "Potassium", "Sodium", "mmol", "Urea", "444164000", "8HV48-"]) expect(raw).not.toContain(clinical);
    // Oldest first, and a PENDING group is in no decided list.
    const times = groups.map((g) => Date.parse(g.quarantinedAt as string));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect((await listed("MATCHED")).groups.map((g) => g.id)).not.toContain(q.id);
  });

  it("pages with opaque cursors, and refuses a cursor of another status's list", async () => {
    await quarantined();
    await quarantined();
    const first = await gatewayQuery(stack, LIST, { first: 1 }, administrator);
    expect(first.data.quarantinedEntries.edges).toHaveLength(1);
    expect(first.data.quarantinedEntries.pageInfo.hasNextPage).toBe(true);
    const cursor = first.data.quarantinedEntries.pageInfo.endCursor;
    const next = await gatewayQuery(stack, LIST, { first: 1, after: cursor }, administrator);
    expect(next.data.quarantinedEntries.edges[0].node.id).not.toBe(first.data.quarantinedEntries.edges[0].node.id);
    const foreign = await gatewayQuery(stack, LIST, { status: "REJECTED", first: 1, after: cursor }, administrator);
    expect(foreign.errors?.map((e) => e.extensions?.code)).toEqual(["BAD_USER_INPUT"]);
    const tooMany = await gatewayQuery(stack, LIST, { first: 101 }, administrator);
    expect(tooMany.errors?.map((e) => e.extensions?.code)).toEqual(["BAD_USER_INPUT"]);
  });
});

describe("matching", () => {
  it("attaches the group to the resident chosen: the nurse sees the report, the sender's log says APPLIED, the decision is kept", async () => {
    const info = jest.spyOn(logger, "info");
    const q = await quarantined();
    expect(await shownToNurse(q.spec.conclusion!)).toEqual([]);
    const note = "Lab confirmed by phone: the date of birth was mistyped";
    const res = await gatewayQuery(stack, MATCH, { id: q.id, n: resident.nhsNumber, note }, administrator);
    expect(res.errors).toBeUndefined();
    expect(res.data.matchQuarantined.userErrors).toEqual([]);
    expect(res.data.matchQuarantined.quarantinedGroup).toMatchObject({
      id: q.id,
      status: "MATCHED",
      decidedBy: administrator.userId,
      decidedAt: expect.any(String),
      note,
      matchedNhsNumber: resident.nhsNumber,
    });
    // The owning subgraph (labs) applies it as usual.
    const outcomes = await lab.settled(q.location);
    expect([...outcomes.values()].map((o) => o.status)).toEqual(Array(5).fill("APPLIED"));
    expect(outcomes.get(1)!.reason).toBeUndefined();
    const shown = await shownToNurse(q.spec.conclusion!);
    expect(shown).toHaveLength(1);
    expect(shown[0].observations).toHaveLength(3);
    // Audited: kept in every row of the group, and listed as MATCHED.
    const rows = await rowsOf(q.submissionId);
    expect(rows).toHaveLength(5);
    for (const row of rows)
      expect(row).toEqual({ status: "MATCHED", decided_by: administrator.userId, decided_at: expect.any(Date), note, matched_nhs_number: resident.nhsNumber });
    expect((await listed("MATCHED")).groups.find((g) => g.id === q.id)).toMatchObject({ status: "MATCHED", note, matchedNhsNumber: resident.nhsNumber });
    expect((await listed("PENDING")).groups.map((g) => g.id)).not.toContain(q.id);
    // One log line for the decision, without the patient, the note or any clinical content.
    const lines = info.mock.calls.filter(([, message]) => typeof message === "string" && message.includes("by an administrator"));
    info.mockRestore();
    expect(lines).toHaveLength(1);
    const logged = JSON.stringify(lines[0]);
    expect(logged).toContain(q.id);
    expect(logged).toContain("MATCHED");
    for (const secret of [resident.nhsNumber, resident.family, note, q.spec.conclusion!, "Potassium"]) expect(logged).not.toContain(secret);
  });

  it("a second decision on the same group is NOT_PENDING, and changes nothing", async () => {
    const q = await quarantined();
    const note = "Matched after checking with the home";
    expect((await gatewayQuery(stack, MATCH, { id: q.id, n: resident.nhsNumber, note }, administrator)).data.matchQuarantined.userErrors).toEqual([]);
    await lab.settled(q.location);
    const before = await rowsOf(q.submissionId);
    for (const [query, variables] of [
      [MATCH, { id: q.id, n: resident.nhsNumber, note: "again" }],
      [REJECT, { id: q.id, note: "changed my mind" }],
    ] as const) {
      const res = await gatewayQuery(stack, query, variables, administrator);
      const payload = res.data.matchQuarantined ?? res.data.rejectQuarantined;
      expect(payload).toEqual({ quarantinedGroup: null, userErrors: [{ code: "NOT_PENDING", message: expect.any(String), field: ["id"] }] });
    }
    expect(await rowsOf(q.submissionId)).toEqual(before);
    expect(await shownToNurse(q.spec.conclusion!)).toHaveLength(1);
  });

  it("refuses an NHS number the record does not know (UNKNOWN_RESIDENT), a blank note (INVALID_INPUT) and an unknown id (NOT_PENDING), writing nothing", async () => {
    const q = await quarantined();
    const unknown = testNhsNumber(800_001);
    const res = await gatewayQuery(stack, MATCH, { id: q.id, n: unknown, note: "The lab says it is this person" }, administrator);
    expect(res.data.matchQuarantined).toEqual({
      quarantinedGroup: null,
      userErrors: [{ code: "UNKNOWN_RESIDENT", message: expect.not.stringContaining(unknown), field: ["nhsNumber"] }],
    });
    const blank = await gatewayQuery(stack, MATCH, { id: q.id, n: resident.nhsNumber, note: "   " }, administrator);
    expect(blank.data.matchQuarantined).toEqual({
      quarantinedGroup: null,
      userErrors: [{ code: "INVALID_INPUT", message: expect.any(String), field: ["note"] }],
    });
    const long = await gatewayQuery(stack, REJECT, { id: q.id, note: "x".repeat(1001) }, administrator);
    expect(long.data.rejectQuarantined.userErrors.map((e: { code: string }) => e.code)).toEqual(["INVALID_INPUT"]);
    // Both state problems at once: an id that names no pending group, and an unknown resident.
    const both = await gatewayQuery(stack, MATCH, { id: "QE-nosuchgroup", n: unknown, note: "checked" }, administrator);
    expect(both.data.matchQuarantined.userErrors.map((e: { code: string }) => e.code)).toEqual(["NOT_PENDING", "UNKNOWN_RESIDENT"]);
    expect((await rowsOf(q.submissionId)).every((r) => r.status === "PENDING" && r.decided_by === null)).toBe(true);
    const log = await lab.settled(q.location);
    expect([...log.values()].every((o) => o.status === "QUARANTINED")).toBe(true);
  });
});

describe("the record of decisions", () => {
  it("refuses in the table itself a decision without who and why, a match without a resident, and a resident on anything but a match", async () => {
    const q = await quarantined();
    const violation = (sql: string) =>
      stack.db.sql.query(sql, [q.id]).then(
        () => "written",
        (e: { code?: string }) => e.code,
      );
    expect(await violation(`UPDATE ingest.quarantine SET status = 'REJECTED', decided_at = now() WHERE id = $1`)).toBe("23514");
    expect(await violation(`UPDATE ingest.quarantine SET status = 'MATCHED', decided_at = now(), decided_by = 'a', note = 'n' WHERE id = $1`)).toBe("23514");
    expect(
      await violation(
        `UPDATE ingest.quarantine SET status = 'REJECTED', decided_at = now(), decided_by = 'a', note = 'n', matched_nhs_number = '9990000018' WHERE id = $1`,
      ),
    ).toBe("23514");
    expect((await rowsOf(q.submissionId)).every((r) => r.status === "PENDING")).toBe(true);
  });
});

describe("rejecting", () => {
  it("decides per patient: of two patients in one submission, one is matched and the other rejected, never shown, REJECTED in the log", async () => {
    const matched = report();
    const other = report({ patient: { ...resident, birthDate: wrongBirthDate(), family: "Quarantinedifferent" } });
    const sent = await send(matched, other);
    expect([...sent.outcomes.values()].map((o) => o.status)).toEqual(Array(10).fill("QUARANTINED"));
    const groups = (await listed("PENDING")).groups.filter(
      (g) =>
        (g.sent as { family: string; birthDate: string }).birthDate === wrongBirthDate() &&
        [resident.family, "Quarantinedifferent"].includes((g.sent as { family: string }).family),
    );
    const ids = await stack.db.sql.query<{ id: string; family: string }>(
      `SELECT DISTINCT ON (entry->'patient'->>'family') id, entry->'patient'->>'family' AS family FROM ingest.quarantine WHERE submission_id = $1 ORDER BY entry->'patient'->>'family', index`,
      [sent.submissionId],
    );
    expect(ids).toHaveLength(2);
    const idOf = (family: string) => ids.find((r) => r.family === family)!.id;
    for (const id of ids.map((r) => r.id)) expect(groups.map((g) => g.id)).toContain(id);

    const note = "Not our resident: the name and date of birth belong to no one here";
    const rejected = await gatewayQuery(stack, REJECT, { id: idOf("Quarantinedifferent"), note }, administrator);
    expect(rejected.data.rejectQuarantined).toMatchObject({
      quarantinedGroup: { status: "REJECTED", decidedBy: administrator.userId, note, matchedNhsNumber: null, resourceTypes: expect.any(Array) },
      userErrors: [],
    });
    const matchedRes = await gatewayQuery(stack, MATCH, { id: idOf(resident.family), n: resident.nhsNumber, note: "Confirmed with the lab" }, administrator);
    expect(matchedRes.data.matchQuarantined.userErrors).toEqual([]);

    const log = await lab.settled(sent.location);
    const statuses = [...log.entries()].sort(([a], [b]) => a - b).map(([, o]) => o);
    expect(statuses.slice(0, 5).map((o) => o.status)).toEqual(Array(5).fill("APPLIED"));
    expect(statuses.slice(5)).toEqual(Array(5).fill({ status: "REJECTED", reason: "rejected by an administrator" }));
    expect(await shownToNurse(matched.conclusion!)).toHaveLength(1);
    expect(await shownToNurse(other.conclusion!)).toEqual([]);
    const [kept] = await stack.db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM labs.diagnostic_report WHERE conclusion = $1`, [other.conclusion]);
    expect(kept!.n).toBe(0);
    expect((await listed("REJECTED")).groups.find((g) => g.id === idOf("Quarantinedifferent"))).toMatchObject({ status: "REJECTED", note });
    // Rejected is final: it cannot be matched afterwards.
    const late = await gatewayQuery(stack, MATCH, { id: idOf("Quarantinedifferent"), n: resident.nhsNumber, note: "after all" }, administrator);
    expect(late.data.matchQuarantined.userErrors.map((e: { code: string }) => e.code)).toEqual(["NOT_PENDING"]);
  });
});

describe("idempotency keys", () => {
  it("a retried key returns the first payload and writes nothing twice; the same key with other arguments is refused", async () => {
    const q = await quarantined();
    const key = `qa-match-${randomUUID()}`;
    const variables = { id: q.id, n: resident.nhsNumber, note: "Confirmed by the lab", key };
    const first = await gatewayQuery(stack, MATCH, variables, administrator);
    expect(first.data.matchQuarantined.userErrors).toEqual([]);
    await lab.settled(q.location);
    const again = await gatewayQuery(stack, MATCH, variables, administrator);
    expect(again.data).toEqual(first.data);
    // One job for the labs subgraph, whether still in pg-boss's table or already archived.
    const [jobs] = await stack.db.sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM (SELECT data FROM ingest_queue.job WHERE name = 'fhir-labs' UNION ALL SELECT data FROM ingest_queue.archive WHERE name = 'fhir-labs') j
        WHERE j.data->'meta'->>'submissionId' = $1`,
      [q.submissionId],
    );
    expect(jobs!.n).toBe(1);
    expect(await shownToNurse(q.spec.conclusion!)).toHaveLength(1);
    const reused = await gatewayQuery(stack, MATCH, { ...variables, note: "Another note" }, administrator);
    expect(reused.data.matchQuarantined).toBeNull();
    expect(reused.errors?.map((e) => e.extensions?.code)).toEqual(["IDEMPOTENCY_KEY_REUSED"]);

    const r = await quarantined();
    const rejectKey = `qa-reject-${randomUUID()}`;
    const once = await gatewayQuery(stack, REJECT, { id: r.id, note: "Wrong patient", key: rejectKey }, administrator);
    const twice = await gatewayQuery(stack, REJECT, { id: r.id, note: "Wrong patient", key: rejectKey }, administrator);
    expect(once.data.rejectQuarantined.userErrors).toEqual([]);
    expect(twice.data).toEqual(once.data);
  });
});

describe("only the administrator", () => {
  const others: [string, Identity][] = [
    ["care home nurse", identities.nurse],
    ["GP", identities.gp],
    ["privacy officer", identities.privacyOfficer],
    ["analyst", identities.analyst],
    ["urgent care (111)", identities.nhs111],
    ["urgent care (ambulance)", identities.paramedic],
  ];

  it.each(others)("the %s gets ROLE_NOT_PERMITTED for the list and both decisions, and nothing is written", async (_, who) => {
    const q = await quarantined();
    const operations: [string, string, Record<string, unknown>][] = [
      ["quarantinedEntries", LIST, {}],
      ["matchQuarantined", MATCH, { id: q.id, n: resident.nhsNumber, note: "I know this person" }],
      ["rejectQuarantined", REJECT, { id: q.id, note: "Not ours" }],
    ];
    for (const [field, query, variables] of operations) {
      // At the gateway (the scope), and at the subgraph itself (its own rule, should the scope be wrong).
      const viaGateway = await gatewayQuery(stack, query, variables, who);
      expect([field, viaGateway.data?.[field] ?? null, viaGateway.errors?.map((e) => e.extensions?.code)]).toEqual([field, null, ["ROLE_NOT_PERMITTED"]]);
      const direct = await subgraphQuery(stack.subgraphUrls.residents, query, variables, who);
      expect([field, direct.data?.[field] ?? null, direct.errors?.map((e) => e.extensions?.code)]).toEqual([field, null, ["ROLE_NOT_PERMITTED"]]);
    }
    expect((await rowsOf(q.submissionId)).every((r) => r.status === "PENDING")).toBe(true);
  });
});
