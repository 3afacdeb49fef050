// A section says what it holds (ADR 0005), so "no allergies" can never be read into a refusal, a
// source that is down, or nothing recorded: every status of the allergies, conditions and
// medications sections, and those a paged section (`page`) or a one-record section (`item`) can
// take (discharge, hospital stays, emergency care, labs, care plan, placement), through the running gateway, from the side of a client that reads only
// part of the answer; the gateway refuses a document that reads entries without their status; and
// the audit records what was shown whatever the client selected.
import http from "node:http";
import { listen } from "../platform/http/listen.js";
import type { Identity } from "../platform/identity/identity.js";
import { startGatewayOver } from "./support/gateway-over.js";
import { gatewayQuery, identities, nurseAt, startTestStack, type Stack } from "./support/stack.js";

let stack: Stack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack.close());

const runId = `${process.pid}-${Date.now()}`;
const as = (identity: Identity, label: string): Identity => ({ ...identity, userId: `status-${label}-${runId}` });
const NKA = "716186003";

/** A resident of CH00001 (no objection) matching an allergy condition. */
async function residentWhere(allergies: string): Promise<string> {
  const [row] = await stack.db.sql.query<{ n: string }>(
    `SELECT r.nhs_number AS n FROM residents.resident r JOIN residents.placement p ON p.nhs_number = r.nhs_number AND p.end_date IS NULL
      WHERE p.care_home_id = 'CH00001' AND NOT r.sharing_objection AND ${allergies} ORDER BY 1 LIMIT 1`,
  );
  if (!row) throw new Error(`no resident where ${allergies}`);
  return row.n;
}
const allergyRows = (where: string) => `EXISTS (SELECT 1 FROM residents.allergy a WHERE a.nhs_number = r.nhs_number AND ${where})`;
const noAllergyRows = `NOT EXISTS (SELECT 1 FROM residents.allergy a WHERE a.nhs_number = r.nhs_number)`;

const eventsOf = (userId: string) =>
  stack.db.sql.query<{ section: string; outcome: string; denial_code: string | null }>(
    `SELECT section, outcome::text, denial_code FROM usage.access_event WHERE user_id = $1 ORDER BY section`,
    [userId],
  );

const ALLERGIES = `query ($n: NhsNumber!) { resident(nhsNumber: $n) { a: allergies { status items { code display } sourceSystem lastUpdatedAt refusal { code } } } }`;

describe("allergies: present, none known, not recorded", () => {
  it("PRESENT lists the allergies and never the coded 'no known allergy'", async () => {
    const n = await residentWhere(`${allergyRows(`a.code <> '${NKA}'`)} AND NOT ${allergyRows(`a.code = '${NKA}'`)}`);
    const res = await gatewayQuery(stack, ALLERGIES, { n }, nurseAt("CH00001"));
    expect(res.errors).toBeUndefined();
    const a = res.data.resident.a;
    expect(a.status).toBe("PRESENT");
    expect(a.items.length).toBeGreaterThan(0);
    expect(a.refusal).toBeNull();
    expect(a.lastUpdatedAt).not.toBeNull();
  });

  it("NONE_KNOWN when the GP recorded 'no known allergy': an empty list that means none", async () => {
    const n = await residentWhere(`${allergyRows(`a.code = '${NKA}'`)} AND NOT ${allergyRows(`a.code <> '${NKA}'`)}`);
    const res = await gatewayQuery(stack, ALLERGIES, { n }, nurseAt("CH00001"));
    expect(res.errors).toBeUndefined();
    expect(res.data.resident.a).toMatchObject({ status: "NONE_KNOWN", items: [], refusal: null });
    expect(res.data.resident.a.lastUpdatedAt).not.toBeNull();
  });

  it("NOT_RECORDED when nothing is recorded: an empty list that does not mean none", async () => {
    const n = await residentWhere(noAllergyRows);
    const res = await gatewayQuery(stack, ALLERGIES, { n }, nurseAt("CH00001"));
    expect(res.errors).toBeUndefined();
    expect(res.data.resident.a).toMatchObject({ status: "NOT_RECORDED", items: [], refusal: null, lastUpdatedAt: null });
  });
});

/** A resident of CH00001 (no objection) matching an SQL condition on `r`. */
const residentMatching = (where: string) => residentWhere(where);
const has = (table: string, where = "TRUE") => `EXISTS (SELECT 1 FROM ${table} x WHERE x.nhs_number = r.nhs_number AND ${where})`;

describe("a paged section (page): PRESENT when the page has entries, NOT_RECORDED when none matching is recorded", () => {
  const SUMMARIES = `query ($n: NhsNumber!, $since: DateTime) { resident(nhsNumber: $n) {
    d: dischargeSummaries(first: 2, since: $since) { status page { edges { node { id } } pageInfo { hasNextPage } } refusal { code } sourceSystem lastUpdatedAt } } }`;

  it("PRESENT with the page of discharge summaries, its freshness from the newest on it", async () => {
    const n = await residentMatching(has("discharge.discharge_summary"));
    const res = await gatewayQuery(stack, SUMMARIES, { n }, nurseAt("CH00001"));
    expect(res.errors).toBeUndefined();
    const d = res.data.resident.d;
    expect(d).toMatchObject({ status: "PRESENT", refusal: null, sourceSystem: expect.any(String) });
    expect(d.page.edges.length).toBeGreaterThan(0);
    expect(d.lastUpdatedAt).not.toBeNull();
  });

  it("NOT_RECORDED when `since` leaves nothing: an empty page that does not mean 'never discharged'", async () => {
    const n = await residentMatching(has("discharge.discharge_summary"));
    const res = await gatewayQuery(stack, SUMMARIES, { n, since: "2100-01-01T00:00:00Z" }, nurseAt("CH00001"));
    expect(res.errors).toBeUndefined();
    expect(res.data.resident.d).toEqual({
      status: "NOT_RECORDED",
      page: { edges: [], pageInfo: { hasNextPage: false } },
      refusal: null,
      sourceSystem: "Hospital EPR (eDischarge)",
      lastUpdatedAt: null,
    });
  });

  it("diagnostic reports and emergency care: PRESENT or NOT_RECORDED as their pages hold entries", async () => {
    const n = await residentMatching(`${has("labs.diagnostic_report")} AND NOT ${has("discharge.emergency_care_summary")}`);
    const res = await gatewayQuery(
      stack,
      `query ($n: NhsNumber!) { resident(nhsNumber: $n) { labs: diagnosticReports(first: 1) { status page { edges { node { id } } } } ed: emergencyCareSummaries { status page { edges { node { id } } } } } }`,
      { n },
      nurseAt("CH00001"),
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.resident.labs.status).toBe("PRESENT");
    expect(res.data.resident.labs.page.edges).toHaveLength(1);
    expect(res.data.resident.ed).toEqual({ status: "NOT_RECORDED", page: { edges: [] } });
  });
});

describe("a one-record section (item): PRESENT with the record, NOT_RECORDED when none is recorded", () => {
  const STAY = `query ($n: NhsNumber!) { resident(nhsNumber: $n) { stay: currentHospitalStay { status item { id status } refusal { code } lastUpdatedAt } } }`;

  it("currentHospitalStay PRESENT with the stay in progress", async () => {
    const n = await residentMatching(has("discharge.hospital_stay", "x.status = 'IN_PROGRESS'"));
    const res = await gatewayQuery(stack, STAY, { n }, nurseAt("CH00001"));
    expect(res.errors).toBeUndefined();
    expect(res.data.resident.stay).toMatchObject({ status: "PRESENT", item: { status: "IN_PROGRESS" }, refusal: null });
    expect(res.data.resident.stay.lastUpdatedAt).not.toBeNull();
  });

  it("currentHospitalStay NOT_RECORDED when no stay in progress is recorded: item null, and no error", async () => {
    const n = await residentMatching(`NOT ${has("discharge.hospital_stay", "x.status = 'IN_PROGRESS'")}`);
    const res = await gatewayQuery(stack, STAY, { n }, nurseAt("CH00001"));
    expect(res.errors).toBeUndefined();
    expect(res.data.resident.stay).toEqual({ status: "NOT_RECORDED", item: null, refusal: null, lastUpdatedAt: null });
  });

  it("carePlan NOT_RECORDED when no version is approved; currentPlacement PRESENT for a resident placed today", async () => {
    const n = await residentMatching(`NOT ${has("careplans.care_plan", "x.status = 'APPROVED'")}`);
    const res = await gatewayQuery(
      stack,
      `query ($n: NhsNumber!) { resident(nhsNumber: $n) { carePlan { status item { id } } currentPlacement { status item { careHome { id } } } } }`,
      { n },
      nurseAt("CH00001"),
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.resident).toEqual({
      carePlan: { status: "NOT_RECORDED", item: null },
      currentPlacement: { status: "PRESENT", item: { careHome: { id: "CH00001" } } },
    });
  });
});

describe("REFUSED: the refusal is data, and still an error where the entries would be", () => {
  it("urgent care's hospital stays, current stay and emergency care (NONE in the policy): REFUSED, the error at page / item", async () => {
    const n = await residentWhere("TRUE");
    const who = as(identities.paramedic, "stays");
    const res = await gatewayQuery(
      stack,
      `query ($n: NhsNumber!) { resident(nhsNumber: $n) {
        stays: hospitalStays { status page { edges { node { id } } } refusal { code } }
        now: currentHospitalStay { status item { id } refusal { code } }
        ed: emergencyCareSummaries(first: 3) { status page { edges { node { id } } } refusal { code } }
        summaries: dischargeSummaries(first: 5) { status page { edges { node { id } } pageInfo { hasNextPage } } } } }`,
      { n },
      who,
    );
    const r = res.data.resident;
    expect(r.stays).toEqual({ status: "REFUSED", page: null, refusal: { code: "ROLE_NOT_PERMITTED" } });
    expect(r.now).toEqual({ status: "REFUSED", item: null, refusal: { code: "ROLE_NOT_PERMITTED" } });
    expect(r.ed).toEqual({ status: "REFUSED", page: null, refusal: { code: "ROLE_NOT_PERMITTED" } });
    expect(res.errors?.map((e) => [e.path, e.extensions?.code])).toEqual(
      expect.arrayContaining([
        [["resident", "stays", "page"], "ROLE_NOT_PERMITTED"],
        [["resident", "now", "item"], "ROLE_NOT_PERMITTED"],
        [["resident", "ed", "page"], "ROLE_NOT_PERMITTED"],
      ]),
    );
    expect(res.errors).toHaveLength(3);
    // Its LIMITED view of discharge summaries: the latest only, never a further page.
    expect(["PRESENT", "NOT_RECORDED"]).toContain(r.summaries.status);
    expect(r.summaries.page.edges.length).toBeLessThanOrEqual(1);
    expect(r.summaries.page.pageInfo.hasNextPage).toBe(false);
    expect(await eventsOf(who.userId)).toEqual([
      { section: "DISCHARGE_SUMMARIES", outcome: "ALLOWED", denial_code: null },
      { section: "EMERGENCY_CARE", outcome: "DENIED", denial_code: "ROLE_NOT_PERMITTED" },
      { section: "HOSPITAL_STAYS", outcome: "DENIED", denial_code: "ROLE_NOT_PERMITTED" },
    ]);
  });

  it("urgent care's conditions: status REFUSED with the code, items null with its error at the items path", async () => {
    const n = await residentWhere("TRUE");
    const who = as(identities.paramedic, "conditions");
    const res = await gatewayQuery(
      stack,
      `query ($n: NhsNumber!) { resident(nhsNumber: $n) { problems: conditions { status list: items { display } refusal { code message } } } }`,
      { n },
      who,
    );
    expect(res.data.resident.problems).toMatchObject({ status: "REFUSED", list: null, refusal: { code: "ROLE_NOT_PERMITTED" } });
    expect(res.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[["resident", "problems", "list"], "ROLE_NOT_PERMITTED"]]);
    expect(await eventsOf(who.userId)).toEqual([{ section: "CONDITIONS", outcome: "DENIED", denial_code: "ROLE_NOT_PERMITTED" }]);
  });

  it("a client that reads only the status gets no error to go on, and the audit still records the refusal", async () => {
    const n = await residentWhere("TRUE");
    const who = as(identities.paramedic, "status-only");
    const res = await gatewayQuery(stack, `query ($n: NhsNumber!) { resident(nhsNumber: $n) { conditions { status } } }`, { n }, who);
    expect(res.errors).toBeUndefined();
    expect(res.data.resident.conditions).toEqual({ status: "REFUSED" });
    expect(JSON.stringify(res.data)).not.toMatch(/_carerecord/);
    expect(await eventsOf(who.userId)).toEqual([{ section: "CONDITIONS", outcome: "DENIED", denial_code: "ROLE_NOT_PERMITTED" }]);
  });

  it("urgent care asking for stopped medicines: REFUSED (beyond its LIMITED view); the current list is PRESENT or NOT_RECORDED", async () => {
    const n = await residentWhere("TRUE");
    const res = await gatewayQuery(
      stack,
      `query ($n: NhsNumber!, $s: [MedicationRequestStatus!]) { resident(nhsNumber: $n) { old: medications(status: $s) { status items { id } refusal { code } } now: medications { status items { status } } } }`,
      { n, s: ["STOPPED"] },
      identities.paramedic,
    );
    expect(res.data.resident.old).toEqual({ status: "REFUSED", items: null, refusal: { code: "ROLE_NOT_PERMITTED" } });
    expect(res.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[["resident", "old", "items"], "ROLE_NOT_PERMITTED"]]);
    expect(["PRESENT", "NOT_RECORDED"]).toContain(res.data.resident.now.status);
    for (const m of res.data.resident.now.items) expect(["ACTIVE", "ON_HOLD"]).toContain(m.status);
  });
});

describe("UNAVAILABLE: a source that does not answer", () => {
  it("the medications subgraph down: its section says so, with the source and since when; the others still arrive; audited UNAVAILABLE", async () => {
    // A source that takes the connection and drops it unanswered. It keeps its port while the test
    // runs: a port closed beforehand could be handed to another test's server meanwhile, which would answer.
    const closed = http.createServer((req) => req.socket.destroy());
    const port = await listen(closed, "127.0.0.1", 0);
    const over = await startGatewayOver(stack, { medications: `http://127.0.0.1:${port}/graphql` });
    try {
      const n = await residentWhere(allergyRows(`a.code <> '${NKA}'`));
      const who = as(identities.nurse, "down");
      const res = await gatewayQuery(
        over.stack,
        `query ($n: NhsNumber!) { resident(nhsNumber: $n) { allergies { status } meds: medications { ...M } } } fragment M on MedicationsSection { status items { id } outage { sourceSystem since } sourceSystem }`,
        { n },
        who,
      );
      expect(res.data.resident.allergies).toEqual({ status: "PRESENT" });
      const meds = res.data.resident.meds;
      expect(meds).toMatchObject({ status: "UNAVAILABLE", items: null, outage: { sourceSystem: "GP system + NHS EPS" }, sourceSystem: "GP system + NHS EPS" });
      expect(Date.parse(meds.outage.since)).toBeLessThanOrEqual(Date.now());
      expect(res.errors?.map((e) => [e.path, e.extensions?.code, e.extensions?.section])).toEqual([
        [["resident", "meds", "items"], "SOURCE_UNAVAILABLE", "MEDICATIONS"],
      ]);
      expect(JSON.stringify(res)).not.toMatch(/_carerecord|127\.0\.0\.1/);
      const events = await eventsOf(who.userId);
      expect(events).toEqual([
        { section: "ALLERGIES", outcome: "ALLOWED", denial_code: null },
        { section: "MEDICATIONS", outcome: "UNAVAILABLE", denial_code: "SOURCE_UNAVAILABLE" },
      ]);
    } finally {
      await over.close();
      closed.closeAllConnections();
      await new Promise((r) => closed.close(r));
    }
  });
});

describe("UNAVAILABLE: a paged section whose subgraph is down", () => {
  it.each([
    ["discharge", "dischargeSummaries(first: 3)", "DISCHARGE_SUMMARIES", "Hospital EPR (eDischarge)"],
    ["labs", "diagnosticReports(first: 3)", "DIAGNOSTIC_REPORTS", "Pathology LIMS"],
  ])("the %s subgraph down: %s says UNAVAILABLE with the source, SOURCE_UNAVAILABLE at its page", async (subgraph, field, section, source) => {
    const closed = http.createServer();
    const port = await listen(closed, "127.0.0.1", 0);
    await new Promise((r) => closed.close(r));
    const over = await startGatewayOver(stack, { [subgraph]: `http://127.0.0.1:${port}/graphql` });
    try {
      const n = await residentWhere("TRUE");
      const who = as(identities.nurse, `down-${subgraph}`);
      const res = await gatewayQuery(
        over.stack,
        `query ($n: NhsNumber!) { resident(nhsNumber: $n) { name { family } s: ${field} { status page { edges { node { id } } } outage { sourceSystem since } sourceSystem } } }`,
        { n },
        who,
      );
      expect(res.data.resident.name.family).toEqual(expect.any(String));
      expect(res.data.resident.s).toMatchObject({ status: "UNAVAILABLE", page: null, outage: { sourceSystem: source }, sourceSystem: source });
      expect(res.errors?.map((e) => [e.path, e.extensions?.code, e.extensions?.section])).toEqual([[["resident", "s", "page"], "SOURCE_UNAVAILABLE", section]]);
      expect(JSON.stringify(res)).not.toMatch(/_carerecord|127\.0\.0\.1/);
      expect(await eventsOf(who.userId)).toEqual([
        { section: "DEMOGRAPHICS", outcome: "ALLOWED", denial_code: null },
        { section, outcome: "UNAVAILABLE", denial_code: "SOURCE_UNAVAILABLE" },
      ]);
    } finally {
      await over.close();
    }
  });
});

describe("a section's entries are never read without its status", () => {
  const refused = async (query: string, variables: Record<string, unknown> = {}) => {
    const res = await gatewayQuery(stack, query, { n: "9990000018", ...variables });
    expect([query, res.data ?? null, res.errors?.map((e) => e.extensions?.code)]).toEqual([query, null, ["SECTION_STATUS_REQUIRED"]]);
  };
  it.each([
    `query ($n: NhsNumber!) { resident(nhsNumber: $n) { allergies { items { display } } } }`,
    `query ($n: NhsNumber!) { resident(nhsNumber: $n) { a: allergies { list: items { display } } } }`,
    `query ($n: NhsNumber!) { resident(nhsNumber: $n) { medications { ...M } } } fragment M on MedicationsSection { items { id } }`,
    `query ($n: NhsNumber!) { resident(nhsNumber: $n) { conditions { ... on ConditionsSection { items { display } } } } }`,
    `query ($n: NhsNumber!) { resident(nhsNumber: $n) { dischargeSummaries(first: 1) { page { edges { node { id } } } } } }`,
    `query ($n: NhsNumber!) { resident(nhsNumber: $n) { d: diagnosticReports { p: page { pageInfo { hasNextPage } } } } }`,
    `query ($n: NhsNumber!) { resident(nhsNumber: $n) { currentHospitalStay { item { id } } } }`,
    `query ($n: NhsNumber!) { resident(nhsNumber: $n) { carePlan { ...P } } } fragment P on CarePlanSection { plan: item { id } }`,
    `query ($n: NhsNumber!) { resident(nhsNumber: $n) { carePlanHistory { items { id } } placements { status items { id } } } }`,
  ])("refused: %s", async (query) => refused(query));

  it("refused when the status could be skipped: @include / @skip", async () => {
    await refused(`query ($n: NhsNumber!, $b: Boolean!) { resident(nhsNumber: $n) { allergies { status @include(if: $b) items { display } } } }`, { b: true });
    await refused(`query ($n: NhsNumber!, $b: Boolean!) { resident(nhsNumber: $n) { allergies { status @skip(if: $b) items { display } } } }`, { b: false });
  });

  it("served when the status is there, in a fragment, under an alias, or the entries are not read at all", async () => {
    for (const query of [
      `query ($n: NhsNumber!) { resident(nhsNumber: $n) { allergies { ...S items { display } } } } fragment S on AllergiesSection { status }`,
      `query ($n: NhsNumber!) { resident(nhsNumber: $n) { allergies { st: status list: items { display } } } }`,
      `query ($n: NhsNumber!) { resident(nhsNumber: $n) { allergies { sourceSystem lastUpdatedAt } } }`,
      `query ($n: NhsNumber!) { resident(nhsNumber: $n) { hospitalStays { st: status page { edges { node { id } } } } currentPlacement { status item { startDate } } } }`,
      `query ($n: NhsNumber!) { resident(nhsNumber: $n) { carePlan { ...S item { id } } } } fragment S on CarePlanSection { status }`,
    ]) {
      const res = await gatewayQuery(stack, query, { n: "9990000018" }, nurseAt("CH00001"));
      expect([query, res.errors?.map((e) => e.extensions?.code) ?? []]).toEqual([query, []]);
    }
  });
});
