// FHIR ingestion into the residents subgraph through the running stack (issue 11, ADR 0008): GP
// and care home systems send Patient, EpisodeOfCare, AllergyIntolerance and Condition to the front
// door, and what a care home's nurse (or a GP, or urgent care) is shown is checked through the
// gateway. Written from the side of the care home that must not be shown something wrong.
import { randomUUID } from "node:crypto";
import { testNhsNumber } from "../platform/graphql/nhs-number.js";
import { readDevelopmentKey } from "../ingest/auth/client-assertion.js";
import { SourceClient } from "../ingest/feed/source-client.js";
import { labReportEntries } from "../ingest/feed/lab-bundle.js";
import {
  allergyListEntries,
  careHomeAdmissionEntries,
  conditionEntries,
  gpRegistrationEntries,
  noKnownAllergies,
  transactionBundle,
  type ResidentPatient,
} from "../ingest/feed/resident-bundle.js";
import type { BundleEntry } from "@medplum/fhirtypes";
import { gatewayQuery, gpAt, identities, nurseAt, type Stack } from "./support/stack.js";
import { startScratchStack } from "./support/scratch-stack.js";

let stack: Stack;
// A database of its own: what these tests send changes residents, placements and sections that the
// shared fixture's other tests compare row for row.
let scratch: Awaited<ReturnType<typeof startScratchStack>>;
let gpSystem: SourceClient;
let careHomeSystem: SourceClient;
let lab: SourceClient;
const HOME = "CH00001"; // the demo care home system's home (ingest/dev-sources.json)
const PRACTICE = "G00001"; // the demo GP system's practice

const client = (clientId: string, types: string[]) => new SourceClient({ base: stack.fhirUrl, clientId, privateJwk: readDevelopmentKey(clientId), types });

beforeAll(async () => {
  scratch = await startScratchStack("fhir_residents", 120);
  stack = scratch.stack;
  gpSystem = client("gp-emis", ["Patient", "AllergyIntolerance", "Condition"]);
  careHomeSystem = client("carehome-system", ["Patient", "EpisodeOfCare"]);
  lab = client("lab-synnovis", ["DiagnosticReport", "Observation", "Patient"]);
}, 120_000);
afterAll(() => scratch?.close());

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);
// Numbers far from the demo residents', different on every run.
let next = 600_000 + Math.floor(Math.random() * 200_000);
const newPerson = (): ResidentPatient => ({
  nhsNumber: testNhsNumber(next++),
  birthDate: "1934-09-12",
  family: "Nwachukwu",
  given: "Esther",
  gender: "female",
});

async function send(sender: SourceClient, entries: BundleEntry[]) {
  const answer = await sender.send(transactionBundle(entries));
  expect(answer.status).toBe(202);
  return sender.settled(answer.headers.get("content-location")!);
}
const statuses = (outcomes: Map<number, { status: string }>) => [...outcomes.values()].map((o) => o.status);

const VIEW = `query($n: NhsNumber!) { resident(nhsNumber: $n) {
  name { given family } dateOfBirth gpPractice { odsCode }
  currentPlacement { status item { careHome { id } endDate } }
  allergies { status items { code display verificationStatus } }
  conditions { status items { code display } }
} }`;
const view = (p: ResidentPatient, who = nurseAt(HOME)) => gatewayQuery(stack, VIEW, { n: p.nhsNumber }, who);
const denial = async (p: ResidentPatient, who = nurseAt(HOME)) => {
  const res = await view(p, who);
  expect(res.data?.resident ?? null).toBeNull();
  return res.errors?.[0]?.extensions?.code;
};
const seen = async (p: ResidentPatient, who = nurseAt(HOME)) => {
  const res = await view(p, who);
  expect(res.errors).toBeUndefined();
  return res.data.resident;
};

/** A resident the GP system registered and the care home system placed at HOME. */
async function placedResident(): Promise<ResidentPatient> {
  const p = newPerson();
  expect(statuses(await send(gpSystem, gpRegistrationEntries(p, minutesAgo(30))))).toEqual(["APPLIED"]);
  const admitted = await send(
    careHomeSystem,
    careHomeAdmissionEntries({ patient: p, episodeId: `EP-${randomUUID()}`, careHomeOds: HOME, start: "2025-01-06", lastUpdated: minutesAgo(20) }),
  );
  expect(statuses(admitted)).toEqual(["APPLIED", "APPLIED"]);
  return p;
}

describe("who a resident is, and who may see them", () => {
  it("a new resident from the GP system is visible to no care home; the care home system places them, and its nurse then sees them", async () => {
    const p = newPerson();
    expect(statuses(await send(gpSystem, gpRegistrationEntries(p, minutesAgo(30))))).toEqual(["APPLIED"]);
    for (const home of [HOME, "CH00002", "CH00003"]) expect(await denial(p, nurseAt(home))).toBe("NO_CARE_RELATIONSHIP");
    // Their GP practice sees them; so does urgent care (any resident, by the access policy): a
    // paramedic may need to know who the person in front of them is before any home has placed them.
    expect((await seen(p, gpAt(PRACTICE))).name).toEqual({ given: "Esther", family: "Nwachukwu" });
    const urgent = await gatewayQuery(
      stack,
      `query($n: NhsNumber!) { resident(nhsNumber: $n) { name { family } allergies { status } } }`,
      { n: p.nhsNumber },
      identities.paramedic,
    );
    expect(urgent.errors).toBeUndefined();
    expect(urgent.data.resident).toEqual({ name: { family: "Nwachukwu" }, allergies: { status: "NOT_RECORDED" } });

    const admitted = await send(
      careHomeSystem,
      careHomeAdmissionEntries({ patient: p, episodeId: `EP-${randomUUID()}`, careHomeOds: HOME, start: "2025-01-06", lastUpdated: minutesAgo(20) }),
    );
    expect(statuses(admitted)).toEqual(["APPLIED", "APPLIED"]);
    const shown = await seen(p);
    expect(shown.name).toEqual({ given: "Esther", family: "Nwachukwu" });
    expect(shown.gpPractice).toEqual({ odsCode: PRACTICE });
    expect(shown.currentPlacement).toEqual({ status: "PRESENT", item: { careHome: { id: HOME }, endDate: null } });
    expect(await denial(p, nurseAt("CH00002"))).toBe("NO_CARE_RELATIONSHIP");
  });

  it("a care home system cannot place a resident into another home", async () => {
    const p = newPerson();
    await send(gpSystem, gpRegistrationEntries(p, minutesAgo(30)));
    const outcomes = await send(
      careHomeSystem,
      careHomeAdmissionEntries({ patient: p, episodeId: `EP-${randomUUID()}`, careHomeOds: "CH00002", start: "2025-01-06", lastUpdated: minutesAgo(20) }),
    );
    expect(outcomes.get(1)!.status).toBe("REJECTED");
    expect(outcomes.get(1)!.reason).toMatch(/its own home/);
    expect(await denial(p, nurseAt("CH00002"))).toBe("NO_CARE_RELATIONSHIP");
    expect(await denial(p, nurseAt(HOME))).toBe("NO_CARE_RELATIONSHIP");
  });

  it("a discharge (finished) ends the placement: no current placement, the home still sees a recent leaver", async () => {
    const p = newPerson();
    await send(gpSystem, gpRegistrationEntries(p, minutesAgo(30)));
    const episodeId = `EP-${randomUUID()}`;
    await send(careHomeSystem, careHomeAdmissionEntries({ patient: p, episodeId, careHomeOds: HOME, start: "2025-01-06", lastUpdated: minutesAgo(20) }));
    const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const left = await send(
      careHomeSystem,
      careHomeAdmissionEntries({
        patient: p,
        episodeId,
        careHomeOds: HOME,
        start: "2025-01-06",
        end: yesterday,
        status: "finished",
        lastUpdated: minutesAgo(10),
      }),
    );
    expect(statuses(left)).toEqual(["APPLIED", "APPLIED"]);
    expect((await seen(p)).currentPlacement).toEqual({ status: "NOT_RECORDED", item: null });
  });

  it("a laboratory's Patient does not change demographics, and its unknown number creates no one", async () => {
    const p = await placedResident();
    const report = labReportEntries({
      patient: { nhsNumber: p.nhsNumber, birthDate: p.birthDate, family: p.family.toUpperCase(), given: "Changed" },
      accession: `ACC-${randomUUID().slice(0, 8)}`,
      lastUpdated: minutesAgo(5),
      results: [{ loinc: "2823-3", display: "Potassium", value: 4.1, unit: "mmol/L", low: 3.5, high: 5.3 }],
    });
    expect(statuses(await send(lab, report))).toEqual(["APPLIED", "APPLIED", "APPLIED"]);
    expect((await seen(p)).name).toEqual({ given: "Esther", family: "Nwachukwu" });
    const stranger = newPerson();
    const unknown = labReportEntries({
      patient: stranger,
      accession: `ACC-${randomUUID().slice(0, 8)}`,
      lastUpdated: minutesAgo(5),
      results: [{ loinc: "2823-3", display: "Potassium", value: 4.1, unit: "mmol/L", low: 3.5, high: 5.3 }],
    });
    expect(statuses(await send(lab, unknown))).toEqual(["QUARANTINED", "QUARANTINED", "QUARANTINED"]);
    const rows = await stack.db.sql.query(`SELECT 1 FROM residents.resident WHERE nhs_number = $1`, [stranger.nhsNumber]);
    expect(rows).toEqual([]);
  });

  it("a GP system correcting a date of birth in the same submission as an allergy gets both applied (its Patient is applied before matching)", async () => {
    const p = await placedResident();
    const corrected = { ...p, birthDate: "1934-09-21" };
    const outcomes = await send(
      gpSystem,
      allergyListEntries(
        corrected,
        [{ id: `AL-${randomUUID()}`, code: { code: "91935009", display: "Peanut" }, category: ["food"], lastUpdated: minutesAgo(5) }],
        minutesAgo(5),
      ),
    );
    expect(statuses(outcomes)).toEqual(["APPLIED", "APPLIED"]);
    const shown = await seen(p);
    expect(shown.dateOfBirth).toBe("1934-09-21");
    expect(shown.allergies.items.map((a: { display: string }) => a.display)).toEqual(["Peanut"]);
  });
});

describe("allergies: 'no known allergies' is never confused with 'not recorded'", () => {
  it("an empty feed shows NOT_RECORDED; NO KNOWN ALLERGIES shows NONE_KNOWN; an allergy shows PRESENT; one entered in error disappears", async () => {
    const p = await placedResident();
    expect((await seen(p)).allergies).toEqual({ status: "NOT_RECORDED", items: [] });
    // The GP system's allergy list with nothing in it says nothing: still NOT_RECORDED, never NONE_KNOWN.
    expect(statuses(await send(gpSystem, allergyListEntries(p, [], minutesAgo(25))))).toEqual(["APPLIED"]);
    expect((await seen(p)).allergies).toEqual({ status: "NOT_RECORDED", items: [] });

    expect(statuses(await send(gpSystem, allergyListEntries(p, [noKnownAllergies(`NKA-${randomUUID()}`, minutesAgo(15))])))).toEqual(["APPLIED", "APPLIED"]);
    expect((await seen(p)).allergies).toEqual({ status: "NONE_KNOWN", items: [] });

    const penicillin = {
      id: `AL-${randomUUID()}`,
      code: { code: "373270004", display: "Penicillin" },
      category: ["medication" as const],
      criticality: "high" as const,
      reactions: [{ manifestation: "Anaphylaxis", severity: "severe" as const }],
      lastUpdated: minutesAgo(10),
    };
    await send(gpSystem, allergyListEntries(p, [penicillin]));
    expect((await seen(p)).allergies).toEqual({ status: "PRESENT", items: [{ code: "373270004", display: "Penicillin", verificationStatus: "CONFIRMED" }] });

    const withdrawn = await send(gpSystem, allergyListEntries(p, [{ ...penicillin, verificationStatus: "entered-in-error", lastUpdated: minutesAgo(5) }]));
    expect(statuses(withdrawn)).toEqual(["APPLIED", "APPLIED"]);
    expect((await seen(p)).allergies).toEqual({ status: "NONE_KNOWN", items: [] });
    const [row] = await stack.db.sql.query<{ verification_status: string }>(
      `SELECT verification_status FROM residents.allergy WHERE nhs_number = $1 AND code = '373270004'`,
      [p.nhsNumber],
    );
    expect(row!.verification_status).toBe("ENTERED_IN_ERROR");
  });

  it("an allergy without a verification status is refused at the door, naming the element", async () => {
    const p = await placedResident();
    const entries = allergyListEntries(p, [
      { id: `AL-${randomUUID()}`, code: { code: "373270004", display: "Penicillin" }, category: ["medication"], lastUpdated: minutesAgo(5) },
    ]);
    delete (entries[1]!.resource as { verificationStatus?: unknown }).verificationStatus;
    const answer = await gpSystem.send(transactionBundle(entries));
    expect(answer.status).toBe(400);
    expect(answer.body.issue.flatMap((i: { expression?: string[] }) => i.expression ?? [])).toContain("AllergyIntolerance.verificationStatus");
    expect(JSON.stringify(answer.body)).not.toContain("Penicillin");
    expect((await seen(p)).allergies.status).toBe("NOT_RECORDED");
  });
});

describe("conditions: legally restricted ones are never shown to the care home", () => {
  it("a condition labelled restricted (or with a restricted code) is shown to the registered GP only", async () => {
    const p = await placedResident();
    const outcomes = await send(
      gpSystem,
      conditionEntries(p, [
        { id: `CO-${randomUUID()}`, code: { code: "38341003", display: "Hypertension" }, lastUpdated: minutesAgo(10) },
        { id: `CO-${randomUUID()}`, code: { code: "35489007", display: "Depressive disorder" }, confidentiality: "R", lastUpdated: minutesAgo(10) },
        { id: `CO-${randomUUID()}`, code: { code: "8098009", display: "Sexually transmitted infectious disease" }, lastUpdated: minutesAgo(10) },
      ]),
    );
    expect(statuses(outcomes)).toEqual(["APPLIED", "APPLIED", "APPLIED", "APPLIED"]);
    expect((await seen(p)).conditions).toEqual({ status: "PRESENT", items: [{ code: "38341003", display: "Hypertension" }] });
    const gp = (await seen(p, gpAt(PRACTICE))).conditions.items.map((c: { code: string }) => c.code).sort();
    expect(gp).toEqual(["35489007", "38341003", "8098009"]);
  });
});
