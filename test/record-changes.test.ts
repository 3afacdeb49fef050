// "What's new" (ADR 0006), the side of the subgraphs that hold sections of Resident: each answers
// `Resident.recordChanges(since)` through `_entities`, as the usage subgraph will ask it, straight
// to the subgraph and signed as the gateway signs. Rows with known times are written through each
// repository's bulk path on a scratch database (the fixture database is read-only), so every change
// expected is known to the millisecond.
import { env } from "../platform/config/env.js";
import { startStack } from "../app/stack.js";
import { queryStats } from "../platform/db/prisma.js";
import { testNhsNumber } from "../platform/graphql/nhs-number.js";
import { createDischargeRepository } from "../subgraphs/discharge/repository.js";
import { createLabsRepository } from "../subgraphs/labs/repository.js";
import { createMedicationsRepository } from "../subgraphs/medications/repository.js";
import { createCareplansRepository } from "../subgraphs/careplans/repository.js";
import { post, subgraphQuery, identities, type Stack } from "./support/stack.js";
import { createScratchDatabase } from "./support/scratch-db.js";
import type { Scratch } from "./support/scratch-stack.js";

const CONTRIBUTING = ["discharge", "labs", "medications", "careplans"] as const;
type Contributing = (typeof CONTRIBUTING)[number];

const DAY = 86_400_000;
const HOUR = 3_600_000;
const now = Date.now();
const ago = (days: number, hours = 0) => new Date(now - days * DAY - hours * HOUR);
const dayOf = (d: Date) => new Date(`${d.toISOString().slice(0, 10)}T00:00:00.000Z`);

// A: changes in every section; B: a review overdue for long, and results either side of 30 days.
const A = testNhsNumber(500);
const B = testNhsNumber(501);
const QUIET = Array.from({ length: 98 }, (_, i) => testNhsNumber(510 + i));

const GRANTS = {
  careHome: { allowed: true, group: "CARE_HOME", code: null, breakGlass: false },
  gp: { allowed: true, group: "GP", code: null, breakGlass: false },
  urgentCare: { allowed: true, group: "URGENT_CARE", code: null, breakGlass: false },
  noRelationship: { allowed: false, group: null, code: "NO_CARE_RELATIONSHIP", breakGlass: false },
};

const QUERY = `query ($r: [_Any!]!, $since: DateTime!) { _entities(representations: $r) { ... on Resident { nhsNumber recordChanges(since: $since) { section kind at abnormal } } } }`;
const representations = (nhsNumbers: string[], grant: object) => nhsNumbers.map((nhsNumber) => ({ __typename: "Resident", nhsNumber, accessGrant: grant }));

let scratch: Scratch;
let stack: Stack;
const ask = (subgraph: Contributing, nhsNumbers: string[], grant: object, since: Date) =>
  subgraphQuery(stack.subgraphUrls[subgraph], QUERY, { r: representations(nhsNumbers, grant), since: since.toISOString() }, identities.nurse);
interface Change {
  section: string;
  kind: string;
  at: string;
  abnormal: boolean;
}
async function changesOf(subgraph: Contributing, nhsNumber: string, grant: object, since: Date): Promise<Change[]> {
  const res = await ask(subgraph, [nhsNumber], grant, since);
  expect(res.errors).toBeUndefined();
  return res.data._entities[0].recordChanges;
}
const brief = (changes: Change[]) => changes.map((c) => [c.section, c.kind, c.at, c.abnormal]);

const provenance = (recordedAt: Date, updatedAt = recordedAt) => ({ sourceSystem: "TEST", recordedAt, updatedAt });

async function insertRows() {
  const cache = (name: string) => scratch.caches.cache(name);
  await createDischargeRepository(scratch.db, cache("discharge")).insertBatch({
    stays: [
      ...[
        { id: "HS-A-OLD", admittedAt: ago(60), dischargedAt: ago(58), status: "FINISHED" as const, ...provenance(ago(60), ago(58)) },
        { id: "HS-A-1", admittedAt: ago(6), dischargedAt: ago(4), status: "FINISHED" as const, ...provenance(ago(6), ago(4)) },
      ].map((s) => ({ ...s, nhsNumber: A, hospitalName: "Test Hospital", hospitalOds: "RXX", ward: "Ward 1", reason: "Fall" })),
    ],
    summaries: [
      {
        id: "DS-A-1",
        nhsNumber: A,
        stayId: "HS-A-1",
        hospitalName: "Test Hospital",
        hospitalOds: "RXX",
        authorName: "Dr Test",
        authorRole: "Consultant",
        completedByName: "Dr Test",
        completedByRole: "Consultant",
        completedByCode: "C1",
        admittedAt: ago(6),
        admissionMethod: "EMERGENCY",
        admissionReason: "Fall",
        dischargedAt: ago(4),
        destination: "CARE_HOME",
        diagnoses: [],
        clinicalSummary: "Recovered.",
        procedures: [],
        medicationChanges: [],
        allergiesText: "None known",
        plannedActions: [],
        informationGiven: "Told the resident.",
        ...provenance(ago(3, 12), ago(2)),
      },
    ],
    emergencyCare: [
      { id: "EC-A-OLD", ...provenance(ago(40)) },
      { id: "EC-A-1", ...provenance(ago(20), ago(19)) },
    ].map((e) => ({
      ...e,
      nhsNumber: A,
      kind: "ED_ATTENDANCE" as const,
      occurredAt: e.recordedAt,
      providerName: "Test ED",
      providerOds: "RXX",
      presentingComplaint: "Fall",
      outcome: "Discharged",
    })),
  });
  const report = (id: string, nhsNumber: string, status: "FINAL" | "CORRECTED" | "CANCELLED", abnormal: boolean, recordedAt: Date, updatedAt = recordedAt) => ({
    id,
    nhsNumber,
    status,
    category: "CLINICAL_CHEMISTRY" as const,
    code: "1000661000000107",
    display: "Serum potassium",
    effectiveAt: recordedAt,
    issuedAt: recordedAt,
    performerName: "Test Lab",
    performerOds: "RJ1",
    abnormal,
    ...provenance(recordedAt, updatedAt),
  });
  await createLabsRepository(scratch.db, cache("labs")).insertBatch({
    reports: [
      report("DR-A-1", A, "FINAL", true, ago(1)),
      report("DR-A-2", A, "CORRECTED", false, ago(60), ago(5)),
      report("DR-A-3", A, "CANCELLED", false, ago(0, 2)),
      report("DR-B-OLD", B, "FINAL", false, ago(45)),
      report("DR-B-1", B, "FINAL", false, ago(25)),
    ],
    observations: [],
  });
  const request = (id: string, status: "ACTIVE" | "STOPPED", recordedAt: Date, updatedAt: Date) => ({
    id,
    nhsNumber: A,
    medicationCode: "322236009",
    medicationName: "Paracetamol 500mg tablets",
    status,
    course: "REPEAT" as const,
    dosageText: "Two tablets four times a day",
    quantityValue: 100,
    quantityUnit: "tablet",
    authoredOn: recordedAt,
    prescriberName: "Dr Test",
    prescriberOds: "G00001",
    ...provenance(recordedAt, updatedAt),
  });
  const prescription = (id: string, requestId: string, status: "DISPENSED" | "NOT_DISPENSED", recordedAt: Date, updatedAt: Date) => ({
    id,
    requestId,
    prescriptionId: `${id}-EPS`,
    status,
    issuedAt: recordedAt,
    lastStatusChangeAt: updatedAt,
    ...provenance(recordedAt, updatedAt),
  });
  await createMedicationsRepository(scratch.db, cache("medications")).insertBatch({
    requests: [request("MR-A-1", "ACTIVE", ago(10), ago(10)), request("MR-A-2", "STOPPED", ago(50), ago(7))],
    prescriptions: [prescription("EP-A-1", "MR-A-1", "DISPENSED", ago(9, 12), ago(8)), prescription("EP-A-2", "MR-A-2", "NOT_DISPENSED", ago(49), ago(48))],
    dispenses: [],
  });
  const plan = (
    id: string,
    nhsNumber: string,
    version: number,
    status: "APPROVED" | "SUPERSEDED" | "SUBMITTED",
    submittedAt: Date,
    approvedAt: Date | null,
    reviewDate: Date | null,
  ) => ({
    id,
    nhsNumber,
    version,
    status,
    createdByName: "Registered manager",
    createdByOds: "CH00001",
    submittedAt,
    approvedAt,
    approvedBy: approvedAt ? "Dr Test" : null,
    reviewDate,
    whatMattersToMe: "Tea in the garden.",
    concerns: [],
    goals: [],
    actions: [],
    supportOrganisations: [],
    diagnoses: [],
    keyMedications: [],
    preferredPlaceOfCare: "CARE_HOME" as const,
    preferredPlaceOfDeath: "CARE_HOME" as const,
    cprDecision: "NOT_RECORDED" as const,
    ceilingOfTreatment: "NOT_STATED" as const,
    ...provenance(submittedAt, approvedAt ?? submittedAt),
  });
  await createCareplansRepository(scratch.db, cache("careplans")).insertBatch({
    plans: [
      plan("CP-A-1", A, 1, "SUPERSEDED", ago(200), ago(190), dayOf(ago(100))),
      plan("CP-A-2", A, 2, "APPROVED", ago(12), ago(11), dayOf(ago(-60))),
      plan("CP-A-3", A, 3, "SUBMITTED", ago(0, 5), null, null),
      plan("CP-B-1", B, 1, "APPROVED", ago(300), ago(290), dayOf(ago(60))),
    ],
  });
}

beforeAll(async () => {
  scratch = await createScratchDatabase("changes");
  await insertRows();
  stack = await startStack({ ...env(), DATABASE_URL: scratch.url }, { ephemeralPorts: true });
});
afterAll(async () => {
  queryStats.onStatement = null;
  await stack?.close();
  await scratch?.drop();
});

const iso = (d: Date) => d.toISOString();
/** Resident A's changes over the last 29 days, newest first, per subgraph. */
const A_CHANGES: Record<Contributing, [string, string, string, boolean][]> = {
  discharge: [
    ["DISCHARGE_SUMMARIES", "DISCHARGE_SUMMARY_AMENDED", iso(ago(2)), false],
    ["DISCHARGE_SUMMARIES", "DISCHARGE_SUMMARY_RECEIVED", iso(ago(3, 12)), false],
    ["HOSPITAL_STAYS", "DISCHARGED", iso(ago(4)), false],
    ["HOSPITAL_STAYS", "ADMITTED", iso(ago(6)), false],
    ["EMERGENCY_CARE", "EMERGENCY_ATTENDANCE", iso(ago(20)), false],
  ],
  labs: [
    ["DIAGNOSTIC_REPORTS", "RESULT_RECEIVED", iso(ago(1)), true],
    ["DIAGNOSTIC_REPORTS", "RESULT_AMENDED", iso(ago(5)), false],
  ],
  medications: [
    ["MEDICATIONS", "MEDICINE_STOPPED", iso(ago(7)), false],
    ["MEDICATIONS", "PRESCRIPTION_DISPENSED", iso(ago(8)), false],
    ["MEDICATIONS", "PRESCRIPTION_ISSUED", iso(ago(9, 12)), false],
    ["MEDICATIONS", "MEDICINE_PRESCRIBED", iso(ago(10)), false],
  ],
  careplans: [
    ["CARE_PLAN", "CARE_PLAN_SUBMITTED", iso(ago(0, 5)), false],
    ["CARE_PLAN", "CARE_PLAN_APPROVED", iso(ago(11)), false],
    ["CARE_PLAN", "CARE_PLAN_SUBMITTED", iso(ago(12)), false],
  ],
};

describe("Resident.recordChanges, asked of each subgraph as the usage subgraph will", () => {
  it.each(CONTRIBUTING)("%s: a care home grant gets the resident's changes since, newest first, each in its section", async (subgraph) => {
    expect(brief(await changesOf(subgraph, A, GRANTS.careHome, ago(29)))).toEqual(A_CHANGES[subgraph]);
  });

  it.each(CONTRIBUTING)("%s: a refused grant (NO_CARE_RELATIONSHIP) gets that error and no changes", async (subgraph) => {
    const res = await ask(subgraph, [A], GRANTS.noRelationship, ago(29));
    expect(res.errors?.map((e) => e.extensions?.code)).toEqual(["NO_CARE_RELATIONSHIP"]);
    expect(res.errors?.[0]?.path).toEqual(["_entities", 0, "recordChanges"]);
    // recordChanges is non-null: the refused resident is null, with nothing of theirs.
    expect(res.data?._entities?.[0] ?? null).toBeNull();
  });

  it.each(CONTRIBUTING)("%s: a representation without the caller's grant is refused (ROLE_NOT_PERMITTED), with no changes", async (subgraph) => {
    const res = await subgraphQuery(
      stack.subgraphUrls[subgraph],
      QUERY,
      { r: [{ __typename: "Resident", nhsNumber: A }], since: iso(ago(29)) },
      identities.nurse,
    );
    expect(res.errors?.map((e) => e.extensions?.code)).toEqual(["ROLE_NOT_PERMITTED"]);
    expect(res.data?._entities?.[0] ?? null).toBeNull();
  });

  it.each(CONTRIBUTING)("%s: urgent care, which sees some sections LIMITED and the rest not at all, is told of no change", async (subgraph) => {
    // Its LIMITED view (current medicines, the approved plan) would learn from the changes what it
    // does not show: a medicine stopped, a plan submitted and not approved.
    expect(A_CHANGES[subgraph].length).toBeGreaterThan(0);
    expect(await changesOf(subgraph, A, GRANTS.urgentCare, ago(29))).toEqual([]);
  });

  it("a GP grant is told of every section, as care home staff are", async () => {
    const seen = (await Promise.all(CONTRIBUTING.map((s) => changesOf(s, A, GRANTS.gp, ago(29))))).flat();
    expect(new Set(seen.map((c) => c.section))).toEqual(
      new Set(
        Object.values(A_CHANGES)
          .flat()
          .map(([section]) => section),
      ),
    );
  });

  it("a look back of 90 days is answered for 30: nothing received before, and an overdue review as of 30 days ago", async () => {
    const before = Date.now();
    const [discharge, labs, careplans] = await Promise.all([
      changesOf("discharge", A, GRANTS.careHome, ago(90)),
      changesOf("labs", B, GRANTS.careHome, ago(90)),
      changesOf("careplans", B, GRANTS.careHome, ago(90)),
    ]);
    const after = Date.now();
    // A's emergency attendance 40 days ago and stay 60 days ago are not reported; 20 days ago is.
    expect(brief(discharge)).toEqual(A_CHANGES.discharge);
    expect(brief(labs)).toEqual([["DIAGNOSTIC_REPORTS", "RESULT_RECEIVED", iso(ago(25)), false]]);
    // B's review was due 60 days ago: a standing state, reported at the start of the window.
    expect(careplans.map((c) => [c.section, c.kind])).toEqual([["CARE_PLAN", "CARE_PLAN_REVIEW_DUE"]]);
    const at = Date.parse(careplans[0]!.at);
    expect(at).toBeGreaterThanOrEqual(before - 30 * DAY);
    expect(at).toBeLessThanOrEqual(after - 30 * DAY);
  });

  it.each([
    ["discharge", 3],
    ["labs", 1],
    ["medications", 2],
    ["careplans", 1],
  ] as const)("%s: a hundred residents in one _entities call cost one statement per table (%i), even with the look back clamped", async (subgraph, tables) => {
    const residents = [A, B, ...QUIET];
    // Repeated: the window start clamped to 30 days must be the same for every resident of a call,
    // or their look-ups split into several batches (only now and then: when the clock ticks mid-call).
    for (let round = 0; round < 5; round++) {
      const seen: string[] = [];
      queryStats.onStatement = (sql) => seen.push(sql);
      const res = await ask(subgraph, residents, GRANTS.careHome, ago(90));
      queryStats.onStatement = null;
      expect(res.errors).toBeUndefined();
      expect(res.data._entities.map((e: { nhsNumber: string }) => e.nhsNumber)).toEqual(residents);
      expect(res.data._entities[0].recordChanges.length).toBeGreaterThan(0);
      expect(seen).toHaveLength(tables);
    }
  });

  it.each(CONTRIBUTING)("%s: refuses a request not signed by the gateway", async (subgraph) => {
    const res = await post(stack.subgraphUrls[subgraph], { query: QUERY, variables: { r: representations([A], GRANTS.careHome), since: iso(ago(29)) } });
    expect(res.status).toBe(401);
    expect(res.data ?? null).toBeNull();
  });
});
