// The audit from the attacker's side: whatever names, fragments, directives, operations or
// transport a client chooses, the access events are exactly those of the plain query, name the
// right resident, and the gateway's own key never reaches the client (ADR 0004).
import { createHash, randomUUID } from "node:crypto";
import type { Identity } from "../platform/identity/identity.js";
import { RESIDENT_FIELD_SECTIONS } from "../subgraphs/registry.js";
import { gatewayQuery, identities, post, startTestStack, tokenFor, type GraphQLResponse, type Stack } from "./support/stack.js";
import { leastSelection } from "./support/selection.js";

let stack: Stack;
let patient: string; // a registered patient of G00001 without an objection
let other: string; // another one
beforeAll(async () => {
  stack = await startTestStack();
  const rows = await stack.db.sql.query<{ n: string }>(
    `SELECT nhs_number AS n FROM residents.resident WHERE gp_practice_code = 'G00001' AND NOT sharing_objection ORDER BY 1 LIMIT 2`,
  );
  [patient, other] = rows.map((r) => r.n) as [string, string];
});
afterAll(() => stack.close());

type Event = [nhs: string, section: string, outcome: string];
const gp = (): Identity => ({ ...identities.gp, userId: `adv-${randomUUID()}` });
const eventsOf = async (userId: string): Promise<Event[]> =>
  (
    await stack.db.sql.query<{ nhs_number: string; section: string; outcome: string }>(
      `SELECT nhs_number, section, outcome::text FROM usage.access_event WHERE user_id = $1 ORDER BY nhs_number, section`,
      [userId],
    )
  ).map((e) => [e.nhs_number, e.section, e.outcome]);

/** Runs a request as a fresh user; returns the response and the events it wrote. */
async function audited(query: string, variables: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) {
  const who = gp();
  const res = await post(stack.gatewayUrl, { query, variables, ...extra }, { authorization: `Bearer ${await tokenFor(who)}` });
  return { res, events: await eventsOf(who.userId) };
}

const noInternalKeys = (res: GraphQLResponse) => expect(JSON.stringify(res)).not.toMatch(/_carerecord/i);
const plainEvents = (nhs: string, sections: string[]): Event[] => [...new Set(sections)].sort().map((s) => [nhs, s, "ALLOWED"]);

describe("the audit cannot be evaded or mislabelled through names a client chooses", () => {
  it.each([
    ["an alias on a text field", `{ resident(nhsNumber: "NHS") { _carerecordAuditKey: sex } }`],
    ["an alias on an object field", `{ resident(nhsNumber: "NHS") { _carerecordAuditKey: gpPractice { name } } }`],
    ["an alias on the key itself", `{ resident(nhsNumber: "NHS") { _carerecordAuditKey: nhsNumber allergies { status items { id } } } }`],
    ["another reserved alias", `{ resident(nhsNumber: "NHS") { _carerecordX: dateOfBirth } }`],
    [
      "a reserved alias in a nested fragment",
      `query { resident(nhsNumber: "NHS") { ...A } } fragment A on Resident { ...B } fragment B on Resident { _carerecordAuditKey: name { family } }`,
    ],
    ["a reserved alias on the root field", `{ _carerecordAuditKey: resident(nhsNumber: "NHS") { sex } }`],
  ])("refuses %s before anything is read", async (_label, query) => {
    const { res, events } = await audited(query.replace("NHS", patient));
    expect(res.data ?? null).toBeNull();
    expect(res.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
    expect(events).toEqual([]);
    expect(JSON.stringify(res)).not.toContain(patient);
  });

  it.each([
    ["a text field", `sex`],
    ["a date field", `dateOfBirth`],
    ["an object field", `gpPractice { name }`],
    ["the key", `nhsNumber name { family }`],
  ])("the old internal alias on %s is an ordinary alias: audited against the resident", async (_label, selection) => {
    const { res, events } = await audited(`query ($n: NhsNumber!) { resident(nhsNumber: $n) { _auditNhsNumber: ${selection} } }`, { n: patient });
    expect(res.errors).toBeUndefined();
    expect(res.data.resident).toHaveProperty("_auditNhsNumber");
    expect(events).toEqual(plainEvents(patient, ["DEMOGRAPHICS"]));
    noInternalKeys(res);
  });

  it("aliases on every Resident field audit exactly as the plain form", async () => {
    const fields: Record<string, string> = {
      name: "name { family }",
      gpPractice: "gpPractice { name }",
      currentPlacement: "currentPlacement { status item { startDate } }",
      provenance: "provenance { sourceSystem }",
      sharingObjection: "sharingObjection { recordedAt }",
      placements: "placements { status items { startDate } }",
      allergies: "allergies { status items { id } }",
      conditions: "conditions { status items { id } }",
      dischargeSummaries: "dischargeSummaries(first: 1) { status page { edges { node { id } } } }",
      currentHospitalStay: "currentHospitalStay { status item { id } }",
      hospitalStays: "hospitalStays(first: 1) { status page { edges { node { id } } } }",
      emergencyCareSummaries: "emergencyCareSummaries(first: 1) { status page { edges { node { id } } } }",
      diagnosticReports: "diagnosticReports(first: 1) { status page { edges { node { id } } } }",
      medications: "medications { status items { id } }",
      carePlan: "carePlan { status item { id } }",
      carePlanHistory: "carePlanHistory { status items { id } }",
    };
    // Any other field (a new subgraph's section) with the least selection its type allows.
    const scalar = (f: string) => fields[f] ?? leastSelection("Resident", f);
    const names = Object.keys(RESIDENT_FIELD_SECTIONS);
    const plain = await audited(`query ($n: NhsNumber!) { resident(nhsNumber: $n) { ${names.map(scalar).join(" ")} } }`, { n: patient });
    // In two halves: the alias limit (15) is below the number of Resident fields.
    const half = Math.ceil(names.length / 2);
    const aliasedHalves = await Promise.all(
      [names.slice(0, half), names.slice(half)].map((part) =>
        audited(`query ($n: NhsNumber!) { resident(nhsNumber: $n) { ${part.map((f, i) => `a${i}: ${scalar(f)}`).join(" ")} } }`, { n: patient }),
      ),
    );
    const aliased = { res: aliasedHalves[0]!.res, events: aliasedHalves.flatMap((h) => h.events).sort((a, b) => a[1].localeCompare(b[1])) };
    const sections = Object.values(RESIDENT_FIELD_SECTIONS).filter((s): s is NonNullable<typeof s> => s !== null);
    expect(plain.res.errors).toBeUndefined();
    expect(plain.events).toEqual(plainEvents(patient, sections));
    for (const h of aliasedHalves) {
      expect(h.res.errors).toBeUndefined();
      noInternalKeys(h.res);
    }
    expect(new Set(aliased.events.map((e) => e.join(":")))).toEqual(new Set(plain.events.map((e) => e.join(":"))));
  });

  it("nested fragments, inline fragments and a literal audit as the plain form with a variable", async () => {
    const plain = await audited(
      `query ($n: NhsNumber!) { resident(nhsNumber: $n) { allergies { status items { id } } medications { status items { id } } carePlan { status item { id } } } }`,
      { n: patient },
    );
    const fragmented = await audited(
      `query { r: resident(nhsNumber: "${patient}") { ...A ... on Resident { carePlan { status item { id } } } } }
       fragment A on Resident { ...B x: allergies { status y: items { id } } } fragment B on Resident { medications { ...S items { ...M } } }
       fragment S on MedicationsSection { status } fragment M on MedicationRequest { id }`,
    );
    expect(fragmented.res.errors).toBeUndefined();
    expect(fragmented.events).toEqual(plain.events);
    expect(plain.events).toEqual(plainEvents(patient, ["ALLERGIES", "CARE_PLAN", "MEDICATIONS"]));
    noInternalKeys(fragmented.res);
  });

  it("@skip and @include count only what was served, with literals and variables", async () => {
    const query = `query ($n: NhsNumber!, $yes: Boolean!, $no: Boolean!) { resident(nhsNumber: $n) {
      allergies @include(if: $yes) { status items { id } } medications @include(if: $no) { status items { id } } carePlan @skip(if: $yes) { status item { id } }
      conditions @skip(if: false) { status items { id } } placements @include(if: false) { status items { startDate } } } }`;
    const { res, events } = await audited(query, { n: patient, yes: true, no: false });
    expect(res.errors).toBeUndefined();
    expect(Object.keys(res.data.resident).sort()).toEqual(["allergies", "conditions"]);
    expect(events).toEqual(plainEvents(patient, ["ALLERGIES", "CONDITIONS"]));
    noInternalKeys(res);
  });

  it("a document with several operations audits the one that ran", async () => {
    const doc = `query First { resident(nhsNumber: "${patient}") { allergies { status items { id } } } }
                 query Second($n: NhsNumber!) { resident(nhsNumber: $n) { medications { status items { id } } } }`;
    const second = await audited(doc, { n: other }, { operationName: "Second" });
    expect(second.res.errors).toBeUndefined();
    expect(second.events).toEqual(plainEvents(other, ["MEDICATIONS"]));
    noInternalKeys(second.res);
    const first = await audited(doc, { n: other }, { operationName: "First" });
    expect(first.events).toEqual(plainEvents(patient, ["ALLERGIES"]));
    noInternalKeys(first.res);
  });

  it("the same residents reached twice through two fragments are each audited once", async () => {
    const nurse = { ...identities.nurse, userId: `adv-${randomUUID()}` };
    const query = `{ careHome(id: "CH00001") { ...A ...B } }
      fragment A on CareHome { residents(first: 5) { edges { node { allergies { status items { id } } } } } }
      fragment B on CareHome { residents(first: 5) { edges { node { medications { status items { id } } } } } }`;
    const res = await gatewayQuery(stack, query, {}, nurse);
    expect(res.errors?.filter((e) => e.extensions?.code === "AUDIT_UNAVAILABLE") ?? []).toEqual([]);
    const events = await eventsOf(nurse.userId);
    const residents = res.data.careHome.residents.edges.length;
    expect(residents).toBeGreaterThan(0);
    expect(events.length).toBe(residents * 2);
    expect(new Set(events.map((e) => `${e[0]}:${e[1]}`)).size).toBe(events.length);
    noInternalKeys(res);
  });

  it("a persisted query audits as the same document sent in full", async () => {
    const query = `query Pq($n: NhsNumber!) { resident(nhsNumber: $n) { allergies { status items { id } } medications { status items { id } } } }`;
    const ext = { persistedQuery: { version: 1, sha256Hash: createHash("sha256").update(query).digest("hex") } };
    const registered = await audited(query, { n: patient }, { extensions: ext });
    const byHash = await audited(undefined as unknown as string, { n: patient }, { extensions: ext });
    expect(byHash.res.errors).toBeUndefined();
    expect(byHash.events).toEqual(registered.events);
    expect(byHash.events).toEqual(plainEvents(patient, ["ALLERGIES", "MEDICATIONS"]));
    noInternalKeys(byHash.res);
  });
});

describe("the store refuses an event that names no valid resident", () => {
  const insert = (nhs: string | null) =>
    stack.db.sql
      .exec(`INSERT INTO usage.access_event (id, occurred_at, user_id, user_role, org_code, org_type, nhs_number, section, purpose, operation_hash, outcome)
      VALUES ('${randomUUID()}', now(), 'adv-constraint', 'gp', 'G00001', 'gp_practice', ${nhs === null ? "NULL" : `'${nhs}'`}, 'DEMOGRAPHICS', 'NORMAL', 'x', 'ALLOWED')`);
  it.each(["F         ", "1999-01-01", "9990000019", "a000000000", "1234567890"])("refuses %p", async (value) => {
    await expect(insert(value)).rejects.toThrow(/access_event_nhs_number_valid|value too long/);
  });
  it("accepts a valid number and a null (not about a resident)", async () => {
    await insert(patient);
    await insert(null);
  });
});
