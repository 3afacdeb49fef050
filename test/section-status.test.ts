// A section says what it holds (ADR 0005), so "no allergies" can never be read into a refusal, a
// source that is down, or nothing recorded: every status of the allergies, conditions and
// medications sections, through the running gateway, from the side of a client that reads only
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

describe("REFUSED: the refusal is data, and still an error where the entries would be", () => {
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
    const closed = http.createServer();
    const port = await listen(closed, "127.0.0.1", 0);
    await new Promise((r) => closed.close(r));
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
    ]) {
      const res = await gatewayQuery(stack, query, { n: "9990000018" }, nurseAt("CH00001"));
      expect([query, res.errors?.map((e) => e.extensions?.code) ?? []]).toEqual([query, []]);
    }
  });
});
