// FHIR ingestion of hospital activity through the running stack (issue 11, ADR 0008): the hospital's
// EPR authenticates, sends Encounters and discharge summaries to the front door, and the care home
// sees the stay and the summary through the gateway as a nurse would.
import { randomUUID } from "node:crypto";
import { readDevelopmentKey } from "../ingest/auth/client-assertion.js";
import { SourceClient } from "../ingest/feed/source-client.js";
import {
  admissionEntries,
  dischargeEntries,
  emergencyEntries,
  summaryEntries,
  transactionBundle,
  type BundlePatient,
  type SummarySpec,
} from "../ingest/feed/discharge-bundle.js";
import { gatewayQuery, nurseAt, type Stack } from "./support/stack.js";
import { startScratchStack } from "./support/scratch-stack.js";

let stack: Stack;
// A database of its own: what these tests send changes residents, placements and sections that the
// shared fixture's other tests compare row for row.
let scratch: Awaited<ReturnType<typeof startScratchStack>>;
let hospital: SourceClient;
let resident: BundlePatient & { home: string };

const client = (clientId: string, types: string[]) => new SourceClient({ base: stack.fhirUrl, clientId, privateJwk: readDevelopmentKey(clientId), types });

beforeAll(async () => {
  scratch = await startScratchStack("fhir_discharge", 120);
  stack = scratch.stack;
  hospital = client("hospital-guys", ["Encounter", "Composition", "DocumentReference", "Patient"]);
  const [row] = await stack.db.sql.query<{ nhs_number: string; date_of_birth: Date; family_name: string; care_home_id: string }>(
    `SELECT r.nhs_number, r.date_of_birth, r.family_name, p.care_home_id FROM residents.resident r
     JOIN residents.placement p ON p.nhs_number = r.nhs_number AND p.end_date IS NULL
     WHERE NOT r.sharing_objection ORDER BY r.nhs_number DESC LIMIT 1`,
  );
  resident = { nhsNumber: row!.nhs_number, birthDate: row!.date_of_birth.toISOString().slice(0, 10), family: row!.family_name, home: row!.care_home_id };
}, 120_000);
afterAll(() => scratch?.close());

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

async function send(entries: Parameters<typeof transactionBundle>[0], sender = hospital) {
  const answer = await sender.send(transactionBundle(entries));
  expect(answer.status).toBe(202);
  return [...(await sender.settled(answer.headers.get("content-location")!)).values()].map((o) => o.status);
}

interface Shown {
  current: { status: string; item: { id: string; ward: string; status: string; reason: string; hospital: { odsCode: string } } | null };
  stays: { id: string; status: string; reason: string }[];
  summaries: { id: string; clinicalSummary: string; admissionMethod: string; destination: string; plannedActions: { forWhom: string; action: string }[] }[];
  emergency: { presentingComplaint: string; outcome: string; kind: string }[];
}

/** The resident's hospital sections as the nurse of their home sees them through the gateway. */
async function shown(): Promise<Shown> {
  const res = await gatewayQuery(
    stack,
    `query($n: NhsNumber!) { resident(nhsNumber: $n) {
      currentHospitalStay { status item { id ward status reason hospital { odsCode } } }
      hospitalStays(first: 100) { status page { edges { node { id status reason } } } }
      dischargeSummaries(first: 100) { status page { edges { node { id clinicalSummary admissionMethod destination plannedActions { forWhom action } } } } }
      emergencyCareSummaries(first: 100) { status page { edges { node { presentingComplaint outcome kind } } } }
    } }`,
    { n: resident.nhsNumber },
    nurseAt(resident.home),
  );
  expect(res.errors).toBeUndefined();
  const r = res.data.resident;
  const nodes = (section: { page: { edges: { node: unknown }[] } | null }) => (section.page?.edges ?? []).map((e) => e.node);
  return {
    current: r.currentHospitalStay,
    stays: nodes(r.hospitalStays) as Shown["stays"],
    summaries: nodes(r.dischargeSummaries) as Shown["summaries"],
    emergency: nodes(r.emergencyCareSummaries) as Shown["emergency"],
  };
}

const summary = (id: string, lastUpdated: Date, over: Partial<SummarySpec> = {}): SummarySpec => ({
  id,
  lastUpdated,
  clinicalSummary: `summary-${id}`,
  diagnoses: [{ code: "385093006", display: "Community-acquired pneumonia" }],
  plannedActions: [{ action: "Monitor fluid intake chart for 7 days", forWhom: "Care home staff" }],
  ...over,
});

describe("a hospital stay and its discharge summary, as the care home sees them", () => {
  const encounter = `ENC-${randomUUID().slice(0, 8)}`;
  const reason = `reason-${encounter}`;
  const stay = () => ({ patient: resident, encounter, admittedAt: minutesAgo(3 * 24 * 60), reason, ward: "Respiratory Ward" });

  it("the hospital admits the resident: the care home sees the stay in progress", async () => {
    expect(await send(admissionEntries({ ...stay(), lastUpdated: minutesAgo(60) }))).toEqual(["APPLIED", "APPLIED"]);
    const { current, stays } = await shown();
    expect(current.status).toBe("PRESENT");
    expect(current.item).toMatchObject({ ward: "Respiratory Ward", status: "IN_PROGRESS", reason, hospital: { odsCode: "RJ1" } });
    expect(stays.filter((s) => s.reason === reason)).toEqual([{ id: current.item!.id, status: "IN_PROGRESS", reason }]);
  });

  it("the hospital discharges the resident with a summary: the stay is finished and the care home sees the summary", async () => {
    const id = `DS-${encounter}`;
    const statuses = await send(dischargeEntries({ ...stay(), lastUpdated: minutesAgo(30), dischargedAt: minutesAgo(40) }, summary(id, minutesAgo(30))));
    expect(statuses).toEqual(["APPLIED", "APPLIED", "APPLIED"]);
    const { current, stays, summaries } = await shown();
    expect(current.item?.reason === reason).toBe(false);
    expect(stays.filter((s) => s.reason === reason).map((s) => s.status)).toEqual(["FINISHED"]);
    const [s] = summaries.filter((x) => x.clinicalSummary === `summary-${id}`);
    expect(s).toMatchObject({
      admissionMethod: "EMERGENCY",
      destination: "CARE_HOME",
      plannedActions: [{ forWhom: "CARE_HOME", action: "Monitor fluid intake chart for 7 days" }],
    });
  });

  it("an amended summary replaces the one shown", async () => {
    const id = `DS-${encounter}`;
    const statuses = await send(summaryEntries(resident, encounter, summary(id, minutesAgo(10), { status: "amended", clinicalSummary: `amended-${id}` })));
    expect(statuses).toEqual(["APPLIED", "APPLIED"]);
    const { summaries } = await shown();
    expect(summaries.filter((x) => x.clinicalSummary === `summary-${id}`)).toEqual([]);
    expect(summaries.filter((x) => x.clinicalSummary === `amended-${id}`)).toHaveLength(1);
  });

  it("a stay entered in error leaves the care home's view with its summary", async () => {
    const retract = dischargeEntries({ ...stay(), lastUpdated: minutesAgo(5), dischargedAt: minutesAgo(40), status: "entered-in-error" });
    expect(await send(retract)).toEqual(["APPLIED", "APPLIED"]);
    const { stays, summaries } = await shown();
    expect(stays.filter((s) => s.reason === reason)).toEqual([]);
    expect(summaries.filter((x) => x.clinicalSummary === `amended-DS-${encounter}`)).toEqual([]);
  });
});

describe("emergency care and what is refused", () => {
  it("an emergency department attendance shows in the emergency care section", async () => {
    const complaint = `fall-${randomUUID().slice(0, 8)}`;
    const entries = emergencyEntries({
      patient: resident,
      encounter: `ED-${complaint}`,
      lastUpdated: minutesAgo(20),
      occurredAt: minutesAgo(300),
      complaint,
      outcome: "Back to the care home",
    });
    expect(await send(entries)).toEqual(["APPLIED", "APPLIED"]);
    expect((await shown()).emergency.filter((e) => e.presentingComplaint === complaint)).toEqual([
      { presentingComplaint: complaint, outcome: "Back to the care home", kind: "ED_ATTENDANCE" },
    ]);
  });

  it("a laboratory may not send an Encounter (403 forbidden) and nothing is stored", async () => {
    const lab = client("lab-synnovis", ["DiagnosticReport", "Observation", "Patient"]);
    const reason = `lab-${randomUUID()}`;
    const answer = await lab.send(
      transactionBundle(admissionEntries({ patient: resident, encounter: `ENC-${reason}`, lastUpdated: minutesAgo(5), admittedAt: minutesAgo(60), reason })),
    );
    expect(answer.status).toBe(403);
    expect(answer.body.issue.map((i: { code: string }) => i.code)).toContain("forbidden");
    expect(answer.headers.get("content-location")).toBeNull();
    expect((await shown()).stays.filter((s) => s.reason === reason)).toEqual([]);
  });

  it("a summary sent as a document is refused (not-supported), quoting nothing it said", async () => {
    const title = `pdf-${randomUUID()}`;
    const answer = await hospital.send(
      transactionBundle([
        admissionEntries({ patient: resident, encounter: "X", lastUpdated: minutesAgo(5), admittedAt: minutesAgo(60) })[0]!,
        {
          fullUrl: "urn:uuid:doc",
          resource: {
            resourceType: "DocumentReference",
            status: "current",
            description: title,
            subject: { reference: "urn:uuid:patient-X" },
            content: [{ attachment: { contentType: "application/pdf", title } }],
          },
          request: { method: "POST", url: "DocumentReference" },
        },
      ]),
    );
    expect(answer.status).toBe(400);
    expect(answer.body.issue.map((i: { code: string }) => i.code)).toContain("not-supported");
    expect(JSON.stringify(answer.body)).not.toContain(title);
  });

  it("a transaction with an invalid Encounter is refused whole, naming the element", async () => {
    const reason = `invalid-${randomUUID()}`;
    const entries = admissionEntries({ patient: resident, encounter: `ENC-${reason}`, lastUpdated: minutesAgo(5), admittedAt: minutesAgo(60), reason });
    (entries[1]!.resource as { status: string }).status = "onleave";
    const answer = await hospital.send(transactionBundle(entries));
    expect(answer.status).toBe(400);
    expect(answer.body.issue.some((i: { expression?: string[] }) => i.expression?.some((e) => e.includes("Encounter.status")))).toBe(true);
    expect(JSON.stringify(answer.body)).not.toContain(reason);
    expect((await shown()).stays.filter((s) => s.reason === reason)).toEqual([]);
  });
});
