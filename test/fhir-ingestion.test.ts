// FHIR ingestion through the running stack (issue 11, ADR 0008): a source system authenticates,
// sends Bundles to the front door, and what it sent shows (or does not) in a care home's view
// through the gateway. Each test is written from the side of a sender that gets something wrong,
// or of the care home that must not be shown something wrong.
import { randomUUID } from "node:crypto";
import { testNhsNumber } from "../platform/graphql/nhs-number.js";
import { readDevelopmentKey } from "../ingest/auth/client-assertion.js";
import { SourceClient } from "../ingest/feed/source-client.js";
import { labReportEntries, transactionBundle, type BundlePatient, type LabReportSpec } from "../ingest/feed/lab-bundle.js";
import { gatewayQuery, nurseAt, tokenFor, type Stack } from "./support/stack.js";
import { startScratchStack } from "./support/scratch-stack.js";

let stack: Stack;
// A database of its own: what these tests send changes residents, placements and sections that the
// shared fixture's other tests compare row for row.
let scratch: Awaited<ReturnType<typeof startScratchStack>>;
let lab: SourceClient;
let resident: BundlePatient & { home: string };
let other: BundlePatient & { home: string };

const client = (clientId: string, types: string[]) => new SourceClient({ base: stack.fhirUrl, clientId, privateJwk: readDevelopmentKey(clientId), types });

beforeAll(async () => {
  scratch = await startScratchStack("fhir_labs", 120);
  stack = scratch.stack;
  lab = client("lab-synnovis", ["DiagnosticReport", "Observation", "Patient"]);
  const rows = await stack.db.sql.query<{ nhs_number: string; date_of_birth: Date; family_name: string; care_home_id: string }>(
    `SELECT r.nhs_number, r.date_of_birth, r.family_name, p.care_home_id FROM residents.resident r
     JOIN residents.placement p ON p.nhs_number = r.nhs_number AND p.end_date IS NULL
     WHERE NOT r.sharing_objection ORDER BY r.nhs_number LIMIT 2`,
  );
  [resident, other] = rows.map((r) => ({
    nhsNumber: r.nhs_number,
    birthDate: r.date_of_birth.toISOString().slice(0, 10),
    family: r.family_name,
    home: r.care_home_id,
  })) as [typeof resident, typeof other];
}, 120_000);
afterAll(() => scratch?.close());

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);
const potassium = (value: number, flag?: string) => ({
  loinc: "2823-3",
  display: "Potassium",
  value,
  unit: "mmol/L",
  low: 3.5,
  high: 5.3,
  ...(flag ? { flag } : {}),
});
const report = (over: Partial<LabReportSpec> = {}): LabReportSpec => ({
  patient: resident,
  accession: `ACC-${randomUUID().slice(0, 8)}`,
  lastUpdated: minutesAgo(30),
  results: [potassium(4.1)],
  ...over,
});

/** Sends one report's Bundle and waits until each entry has an outcome. */
async function sendReport(spec: LabReportSpec, sender = lab) {
  const answer = await sender.send(transactionBundle(labReportEntries(spec)));
  expect(answer.status).toBe(202);
  return { answer, outcomes: await sender.settled(answer.headers.get("content-location")!) };
}

/** The resident's reports as the nurse of their home sees them through the gateway. */
async function reportsShown(who = resident) {
  const res = await gatewayQuery(
    stack,
    `query($n: NhsNumber!) { resident(nhsNumber: $n) { diagnosticReports(first: 100) { status page { edges { node { id status conclusion observations { value interpretation status } provenance { sourceSystem } } } } } } }`,
    { n: who.nhsNumber },
    nurseAt(who.home),
  );
  expect(res.errors).toBeUndefined();
  return res.data.resident.diagnosticReports.page.edges.map((e: { node: unknown }) => e.node) as {
    id: string;
    status: string;
    conclusion: string | null;
    observations: { value: number; interpretation: string; status: string }[];
    provenance: { sourceSystem: string };
  }[];
}
const byConclusion = async (conclusion: string, who = resident) => (await reportsShown(who)).filter((r) => r.conclusion === conclusion);

describe("who may send", () => {
  it("refuses a submission without a token, with a user's gateway token, or with a token for another audience", async () => {
    const bundle = JSON.stringify(transactionBundle(labReportEntries(report())));
    for (const authorization of [undefined, `Bearer ${await tokenFor()}`, "Bearer not-a-token"]) {
      const res = await fetch(stack.fhirUrl, {
        method: "POST",
        headers: { "content-type": "application/fhir+json", ...(authorization ? { authorization } : {}) },
        body: bundle,
      });
      expect(res.status).toBe(401);
      const body = await res.json();
      expect(body.resourceType).toBe("OperationOutcome");
      expect(body.issue[0].code).toBe("login");
    }
  });

  it("refuses a laboratory a token for prescriptions", async () => {
    const answer = await lab.requestToken("system/MedicationRequest.write");
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe("invalid_scope");
  });

  it("refuses a care home system writing a diagnostic report (403 forbidden) and stores nothing", async () => {
    const careHome = client("carehome-system", ["Patient", "EpisodeOfCare"]);
    const conclusion = `forbidden-${randomUUID()}`;
    const answer = await careHome.send(transactionBundle(labReportEntries(report({ conclusion }))));
    expect(answer.status).toBe(403);
    expect(answer.body.resourceType).toBe("OperationOutcome");
    expect(answer.body.issue.map((i: { code: string }) => i.code)).toContain("forbidden");
    expect(answer.headers.get("content-location")).toBeNull();
    expect(await byConclusion(conclusion)).toEqual([]);
  });

  it("answers another source's submission id as not found", async () => {
    const { answer } = await sendReport(report());
    const other = client("pharmacy-boots", ["MedicationDispense"]);
    const res = await other.status(answer.headers.get("content-location")!);
    expect(res.status).toBe(404);
    expect(res.body.issue[0].code).toBe("not-found");
  });
});

describe("validation answers with OperationOutcome", () => {
  it("refuses a transaction whole when one entry is invalid, naming the element and quoting no clinical content", async () => {
    const conclusion = `invalid-${randomUUID()}`;
    const entries = labReportEntries(report({ conclusion }));
    delete (entries[1]!.resource as { status?: string }).status;
    const answer = await lab.send(transactionBundle(entries));
    expect(answer.status).toBe(400);
    expect(answer.body.resourceType).toBe("OperationOutcome");
    expect(answer.body.issue.some((i: { expression?: string[] }) => i.expression?.some((e) => e.includes("status")))).toBe(true);
    expect(JSON.stringify(answer.body)).not.toContain(conclusion);
    expect(JSON.stringify(answer.body)).not.toContain(resident.family);
    expect(await byConclusion(conclusion)).toEqual([]);
  });

  it("goes on with a batch's valid entries and answers the invalid one with its own outcome", async () => {
    const good = report({ conclusion: `batch-good-${randomUUID()}` });
    const bad = labReportEntries(report({ conclusion: `batch-bad-${randomUUID()}` }));
    delete (bad[1]!.resource as { identifier?: unknown }).identifier;
    const entries = [...labReportEntries(good), ...bad];
    const answer = await lab.send(transactionBundle(entries, "batch"));
    expect(answer.status).toBe(202);
    expect(answer.body.type).toBe("batch-response");
    const refusedAt = labReportEntries(good).length + 1;
    expect(answer.body.entry[refusedAt].response.status).toBe("400 Bad Request");
    expect(answer.body.entry[refusedAt].response.outcome.resourceType).toBe("OperationOutcome");
    expect(answer.body.entry[1].response.status).toBe("202 Accepted");
    const outcomes = await lab.settled(answer.headers.get("content-location")!);
    expect(outcomes.get(1)!.status).toBe("APPLIED");
    expect(outcomes.get(refusedAt)!.status).toBe("REJECTED");
    expect(await byConclusion(good.conclusion!)).toHaveLength(1);
  });

  it("refuses what is not a Bundle, a DELETE entry, a body that is not JSON, and a wrong content type", async () => {
    expect((await lab.send({ resourceType: "Patient" })).status).toBe(400);
    const del = await lab.send(
      transactionBundle([{ request: { method: "DELETE", url: "DiagnosticReport/1" }, resource: { resourceType: "DiagnosticReport" } as never }]),
    );
    expect(del.status).toBe(400);
    expect(del.body.issue[0].code).toBe("not-supported");
    expect((await lab.send("{not json")).body.issue[0].code).toBe("structure");
    expect((await lab.send("{}", { headers: { "content-type": "text/plain" } })).status).toBe(415);
  });

  it("refuses a conditional update whose identifier is not the resource's", async () => {
    const [, reportEntry] = labReportEntries(report());
    const answer = await lab.send(reportEntry!.resource, { path: "DiagnosticReport?identifier=https://other.example|X1", method: "PUT" });
    expect(answer.status).toBe(400);
    expect(answer.body.issue[0].code).toBe("invalid");
    // The same inside a transaction Bundle: the entry's request.url names another identifier.
    const entries = labReportEntries(report());
    entries[1]!.request = { method: "PUT", url: "DiagnosticReport?identifier=https://other.example|X1" };
    const inBundle = await lab.send(transactionBundle(entries));
    expect(inBundle.status).toBe(400);
    expect(inBundle.body.issue[0].expression).toEqual(["Bundle.entry[1].request.url"]);
  });
});

describe("versions: idempotent, ordered, amendable, retractable", () => {
  it("shows a new result in the next query (the cache is purged) with its source system", async () => {
    const before = await reportsShown(); // warms the cache
    const spec = report({ conclusion: `new-${randomUUID()}`, results: [potassium(6.4, "H")] });
    const { outcomes } = await sendReport(spec);
    expect([...outcomes.values()].map((o) => o.status)).toEqual(["APPLIED", "APPLIED", "APPLIED"]);
    const after = await reportsShown();
    expect(after).toHaveLength(before.length + 1);
    const [shown] = await byConclusion(spec.conclusion!);
    expect(shown!.observations).toEqual([{ value: 6.4, interpretation: "HIGH", status: "FINAL" }]);
    expect(shown!.provenance.sourceSystem).toBe("Synnovis Pathology LIMS");
  });

  it("treats the same version sent twice as a duplicate: nothing changes", async () => {
    const spec = report({ conclusion: `twice-${randomUUID()}` });
    await sendReport(spec);
    const { outcomes } = await sendReport(spec);
    expect(outcomes.get(1)!.status).toBe("DUPLICATE");
    expect(await byConclusion(spec.conclusion!)).toHaveLength(1);
  });

  it("never lets an older version overwrite a newer one that arrived first", async () => {
    const accession = `ACC-${randomUUID().slice(0, 8)}`;
    const newer = report({ accession, lastUpdated: minutesAgo(5), conclusion: `order-${accession}`, results: [potassium(5.9, "H")] });
    const older = { ...newer, lastUpdated: minutesAgo(50), results: [potassium(4.0)] };
    await sendReport(newer);
    const { outcomes } = await sendReport(older);
    expect(outcomes.get(1)!.status).toBe("SUPERSEDED");
    const [shown] = await byConclusion(newer.conclusion!);
    expect(shown!.observations[0]!.value).toBe(5.9);
  });

  it("replaces the shown result with an amended version, flagged as amended", async () => {
    const accession = `ACC-${randomUUID().slice(0, 8)}`;
    const first = report({ accession, lastUpdated: minutesAgo(40), conclusion: `amend-${accession}`, results: [potassium(6.8, "H")] });
    await sendReport(first);
    await sendReport({ ...first, lastUpdated: minutesAgo(10), status: "amended", results: [potassium(4.4, "N")] });
    const shown = await byConclusion(first.conclusion!);
    expect(shown).toHaveLength(1);
    expect(shown[0]!.status).toBe("AMENDED");
    expect(shown[0]!.observations).toEqual([{ value: 4.4, interpretation: "NORMAL", status: "AMENDED" }]);
  });

  it("retracts a result entered in error from the view, and keeps its row", async () => {
    const accession = `ACC-${randomUUID().slice(0, 8)}`;
    const first = report({ accession, lastUpdated: minutesAgo(40), conclusion: `eie-${accession}` });
    await sendReport(first);
    expect(await byConclusion(first.conclusion!)).toHaveLength(1);
    const { outcomes } = await sendReport({ ...first, lastUpdated: minutesAgo(5), status: "entered-in-error" });
    expect(outcomes.get(1)!.status).toBe("APPLIED");
    expect(await byConclusion(first.conclusion!)).toEqual([]);
    const [row] = await stack.db.sql.query<{ status: string }>(`SELECT status FROM labs.diagnostic_report WHERE conclusion = $1`, [first.conclusion]);
    expect(row!.status).toBe("ENTERED_IN_ERROR");
  });
});

describe("patient matching never attaches a result to the wrong resident", () => {
  const quarantined = async (spec: LabReportSpec, reason: string) => {
    const { answer, outcomes } = await sendReport(spec);
    expect([...outcomes.values()].map((o) => o.status)).toEqual(["QUARANTINED", "QUARANTINED", "QUARANTINED"]);
    expect(outcomes.get(1)!.reason).toBe(reason);
    const id = answer.headers.get("content-location")!.split("/").pop()!;
    const rows = await stack.db.sql.query<{ reason: string; status: string }>(`SELECT reason, status FROM ingest.quarantine WHERE submission_id = $1`, [id]);
    expect(rows).toHaveLength(3);
    expect(rows.every((r) => r.reason === reason && r.status === "PENDING")).toBe(true);
    for (const who of [resident, other]) expect(await byConclusion(spec.conclusion!, who)).toEqual([]);
  };

  it("quarantines a result whose date of birth disagrees with the resident's", async () => {
    const wrongDob = new Date(Date.parse(resident.birthDate) + 86_400_000).toISOString().slice(0, 10);
    await quarantined(report({ patient: { ...resident, birthDate: wrongDob }, conclusion: `dob-${randomUUID()}` }), "BIRTH_DATE_MISMATCH");
  });

  it("quarantines another resident's NHS number sent with this resident's demographics", async () => {
    await quarantined(report({ patient: { ...resident, nhsNumber: other.nhsNumber }, conclusion: `swap-${randomUUID()}` }), "BIRTH_DATE_MISMATCH");
  });

  it("quarantines a family name that disagrees", async () => {
    await quarantined(report({ patient: { ...resident, family: "Zzyzx" }, conclusion: `name-${randomUUID()}` }), "FAMILY_NAME_MISMATCH");
  });

  it("quarantines a number that fails Modulus 11, and one the record does not know", async () => {
    const badCheck = resident.nhsNumber.slice(0, 9) + String((Number(resident.nhsNumber[9]) + 1) % 10);
    await quarantined(report({ patient: { ...resident, nhsNumber: badCheck }, conclusion: `mod11-${randomUUID()}` }), "INVALID_NHS_NUMBER");
    await quarantined(report({ patient: { ...resident, nhsNumber: testNhsNumber(800_000) }, conclusion: `unknown-${randomUUID()}` }), "UNKNOWN_PATIENT");
  });

  it("accepts the documented family-name tolerance (case, accents, apostrophes)", async () => {
    const spec = report({ patient: { ...resident, family: resident.family.toUpperCase() }, conclusion: `tolerance-${randomUUID()}` });
    const { outcomes } = await sendReport(spec);
    expect(outcomes.get(1)!.status).toBe("APPLIED");
    expect(await byConclusion(spec.conclusion!)).toHaveLength(1);
  });
});
