// FHIR ingestion into the medications subgraph (issue 11): the repository's applier (applyFhir) on a
// scratch PostgreSQL database. Versions are ordered by meta.lastUpdated; a prescription is never
// moved between patients; a dispense is recorded only against a prescription the record holds and
// moves its EPS status; entered in error leaves every view but keeps the row; caches are purged; a
// batch of 1,000 entries costs a fixed number of statements.
import type { BundleEntry, MedicationDispense, MedicationRequest } from "@medplum/fhirtypes";
import type { EntryOutcome, MatchedEntry, SubmissionMeta } from "../platform/ingest/contract.js";
import { queryStats } from "../platform/db/prisma.js";
import { testNhsNumber } from "../platform/graphql/nhs-number.js";
import { createMedicationsRepository, type MedicationsRepository } from "../subgraphs/medications/repository.js";
import { requestSourceKey } from "../subgraphs/medications/fhir.js";
import { dispenseEntries, LINE_ITEM_SYSTEM, prescriptionEntries, type DispenseSpec, type PrescriptionSpec } from "../ingest/feed/medication-bundle.js";
import { createScratchDatabase } from "./support/scratch-db.js";
import { applyOne } from "./support/apply-one.js";

let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
let meds: MedicationsRepository;
beforeAll(async () => {
  scratch = await createScratchDatabase("medsfhir");
  meds = createMedicationsRepository(scratch.db, scratch.caches.cache("medications"));
});
afterAll(async () => {
  queryStats.onStatement = null;
  await meds.close();
  await scratch.drop();
});

const A = testNhsNumber(710);
const B = testNhsNumber(711);
const patientOf = (nhsNumber: string) => ({ nhsNumber, birthDate: "1940-01-01", family: "Test" });
let submissions = 0;
const meta = (sourceKind: SubmissionMeta["sourceKind"] = "gp_system"): SubmissionMeta =>
  sourceKind === "pharmacy"
    ? {
        submissionId: `sub-${++submissions}`,
        sourceId: "client-boots",
        sourceSystem: "Boots dispensing",
        senderOds: "FA123",
        sourceKind,
        receivedAt: new Date().toISOString(),
      }
    : {
        submissionId: `sub-${++submissions}`,
        sourceId: "client-emis",
        sourceSystem: "EMIS Web",
        senderOds: "G00001",
        sourceKind,
        receivedAt: new Date().toISOString(),
      };

const VERSION_BASE = Date.parse("2025-06-02T10:00:00Z");
const versionAt = (minutes: number) => new Date(VERSION_BASE + minutes * 60_000);

/** Bundle entries (without the Patient) as matched entries for `nhs`, numbered from `first`. */
const matched = (bundle: BundleEntry[], nhs: string, first = 0): MatchedEntry[] =>
  bundle.slice(1).map((e, i) => ({ index: first + i, resource: e.resource!, fullUrl: e.fullUrl ?? null, patient: { ...patientOf(nhs) }, nhsNumber: nhs }));

type P = Omit<PrescriptionSpec, "lastUpdated"> & { version: number; nhs?: string };
type D = Omit<DispenseSpec, "lastUpdated"> & { version: number; nhs?: string };
const prescriptionOf = (p: P): PrescriptionSpec => ({ ...p, lastUpdated: versionAt(p.version), authoredOn: versionAt(-60) });
const prescribe = (...specs: P[]) => {
  const all: MatchedEntry[] = [];
  for (const s of specs) all.push(...matched(prescriptionEntries(patientOf(s.nhs ?? A), [prescriptionOf(s)]), s.nhs ?? A, all.length));
  return applyOne(meds, meta(), all);
};
const dispenseOf = (d: D): DispenseSpec => ({ ...d, lastUpdated: versionAt(d.version) });
const dispense = (...specs: D[]) => {
  const all: MatchedEntry[] = [];
  for (const s of specs) all.push(...matched(dispenseEntries(patientOf(s.nhs ?? A), [dispenseOf(s)]), s.nhs ?? A, all.length));
  return applyOne(meds, meta("pharmacy"), all);
};
const statuses = (outcomes: EntryOutcome[]) => outcomes.map((o) => o.status);
const eps = (prescriptionId: string, status = "0001") => ({ prescriptionId, status });
const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

interface StoredRequest {
  id: string;
  nhs_number: string;
  status: string;
  dosage_text: string;
  recorded_at: Date;
  updated_at: Date;
  source_version_at: Date;
  submission_id: string;
}
const stored = async (lineItem: string) =>
  (await scratch.db.sql.query<StoredRequest>(`SELECT * FROM medications.medication_request WHERE source_key = $1`, [sourceKeyOf(lineItem)]))[0]!;
const sourceKeyOf = (lineItem: string) => requestSourceKey("client-emis", LINE_ITEM_SYSTEM, lineItem);
const current = async (nhs = A) => (await meds.requestsOfResidents([nhs], ["ACTIVE", "ON_HOLD"])).map((r) => r.id);
const dispensing = async (id: string) => (await meds.latestPrescriptions([id]))[0];

describe("medications FHIR ingestion: prescriptions", () => {
  it("applies a new prescription with its EPS prescription, in the resident's current list", async () => {
    const outcomes = await prescribe({ lineItem: "LI-NEW", version: 0, eps: { ...eps("RX-NEW"), nominated: { name: "Boots", ods: "FA123" } } });
    expect(outcomes).toEqual([{ index: 0, status: "APPLIED" }]);
    const row = await stored("LI-NEW");
    expect(row).toMatchObject({ nhs_number: A, status: "ACTIVE", dosage_text: "One tablet once a day", source_version_at: versionAt(0) });
    expect(row.recorded_at).toEqual(row.updated_at);
    expect(await current()).toContain(row.id);
    expect(await dispensing(row.id)).toMatchObject({ prescriptionId: "RX-NEW", status: "TO_BE_DISPENSED", pharmacyOds: "FA123", sourceSystem: "EMIS Web" });
  });

  it("the same version twice: DUPLICATE, nothing written", async () => {
    await prescribe({ lineItem: "LI-DUP", version: 0, dosage: "first" });
    const before = await stored("LI-DUP");
    await tick();
    expect(statuses(await prescribe({ lineItem: "LI-DUP", version: 0, dosage: "second" }))).toEqual(["DUPLICATE"]);
    expect(await stored("LI-DUP")).toEqual(before);
  });

  it("a retried job (the same submission again, its outcome lost before it was logged): APPLIED, nothing written twice", async () => {
    const job = meta();
    const prescription = matched(prescriptionEntries(patientOf(A), [prescriptionOf({ lineItem: "LI-RETRY", version: 0, eps: eps("RX-RETRY") })]), A);
    await applyOne(meds, job, prescription);
    const before = await stored("LI-RETRY");
    await tick();
    expect(statuses(await applyOne(meds, job, prescription))).toEqual(["APPLIED"]);
    expect(await stored("LI-RETRY")).toEqual(before);
    // A dispense likewise.
    const pharmacy = meta("pharmacy");
    const handed = matched(dispenseEntries(patientOf(A), [dispenseOf({ dispenseId: "MD-RETRY", lineItem: "LI-RETRY", version: 30 })]), A);
    expect(statuses(await applyOne(meds, pharmacy, handed))).toEqual(["APPLIED"]);
    expect(statuses(await applyOne(meds, pharmacy, handed))).toEqual(["APPLIED"]);
    expect(statuses(await applyOne(meds, meta("pharmacy"), handed))).toEqual(["DUPLICATE"]);
  });

  it("an older version after a newer one: SUPERSEDED, the newer kept", async () => {
    await prescribe({ lineItem: "LI-ORDER", version: 10, dosage: "newer" });
    expect(statuses(await prescribe({ lineItem: "LI-ORDER", version: 5, dosage: "older" }))).toEqual(["SUPERSEDED"]);
    expect((await stored("LI-ORDER")).dosage_text).toBe("newer");
  });

  it("a cancelled or stopped prescription changes status: out of the current list, recorded_at kept, MEDICINE_STOPPED in what's new", async () => {
    for (const [lineItem, status, expected] of [
      ["LI-CANCEL", "cancelled", "CANCELLED"],
      ["LI-STOP", "stopped", "STOPPED"],
    ] as const) {
      await prescribe({ lineItem, version: 0, eps: eps(`RX-${lineItem}`, "0001") });
      const before = await stored(lineItem);
      await tick();
      const statusCode = status === "cancelled" ? "0005" : "0001";
      expect(statuses(await prescribe({ lineItem, version: 20, status, eps: eps(`RX-${lineItem}`, statusCode) }))).toEqual(["APPLIED"]);
      const after = await stored(lineItem);
      expect(after.status).toBe(expected);
      expect(after.recorded_at).toEqual(before.recorded_at);
      expect(after.updated_at.getTime()).toBeGreaterThan(before.updated_at.getTime());
      expect(await current()).not.toContain(after.id);
      expect((await meds.requestsOfResidents([A], [expected])).map((r) => r.id)).toContain(after.id);
      const changes = await meds.changesOf([A], before.recorded_at);
      expect(changes.filter((c) => c.kind === "MEDICINE_STOPPED" && c.at.getTime() === after.updated_at.getTime())).toHaveLength(1);
    }
    expect((await dispensing((await stored("LI-CANCEL")).id))!.status).toBe("CANCELLED");
  });

  it("entered in error: gone from every list and from entity resolution, its row kept; the section is no longer a stale list", async () => {
    const only = testNhsNumber(712);
    await prescribe({ lineItem: "LI-EIE", version: 0, nhs: only, eps: eps("RX-EIE") });
    const { id } = await stored("LI-EIE");
    expect(await current(only)).toEqual([id]);
    expect(statuses(await prescribe({ lineItem: "LI-EIE", version: 1, nhs: only, status: "entered-in-error", eps: eps("RX-EIE") }))).toEqual(["APPLIED"]);
    expect(await current(only)).toEqual([]);
    // Asking for every status, entered in error included, shows nothing either.
    const all = ["ACTIVE", "ON_HOLD", "CANCELLED", "COMPLETED", "ENTERED_IN_ERROR", "STOPPED", "DRAFT", "UNKNOWN"] as const;
    expect(await meds.requestsOfResidents([only], [...all])).toEqual([]);
    expect(await meds.requests([id])).toEqual([]);
    expect((await stored("LI-EIE")).status).toBe("ENTERED_IN_ERROR");
  });

  it("a prescription already recorded for another patient: REJECTED, never moved", async () => {
    await prescribe({ lineItem: "LI-WHO", version: 0, nhs: A });
    const before = await stored("LI-WHO");
    const outcomes = await prescribe({ lineItem: "LI-WHO", version: 1, nhs: B });
    expect(outcomes).toEqual([{ index: 0, status: "REJECTED", reason: "the prescription is already recorded for another patient" }]);
    expect(await stored("LI-WHO")).toEqual(before);
    expect(await current(B)).not.toContain(before.id);
  });

  it("a pharmacy's MedicationRequest is REJECTED by the mapping, and nothing is written", async () => {
    const entries = matched(prescriptionEntries(patientOf(A), [prescriptionOf({ lineItem: "LI-PHARM", version: 0 })]), A);
    const outcomes = await applyOne(meds, meta("pharmacy"), entries);
    expect(outcomes).toEqual([{ index: 0, status: "REJECTED", reason: "prescriptions (MedicationRequest) are accepted from GP and hospital systems only" }]);
    expect(
      await scratch.db.sql.query(`SELECT 1 FROM medications.medication_request WHERE identifier_key IS NOT NULL AND submission_id = $1`, [
        `sub-${submissions}`,
      ]),
    ).toEqual([]);
  });
});

describe("medications FHIR ingestion: dispenses", () => {
  it("a dispense moves the EPS status to DISPENSED and shows in the request's dispenses (cache purged)", async () => {
    await prescribe({ lineItem: "LI-DISP", version: 0, eps: eps("RX-DISP") });
    const { id } = await stored("LI-DISP");
    expect((await dispensing(id))!.status).toBe("TO_BE_DISPENSED"); // now cached
    expect(await meds.dispenses([id])).toEqual([]); // now cached
    expect(statuses(await dispense({ dispenseId: "MD-1", lineItem: "LI-DISP", version: 30 }))).toEqual(["APPLIED"]);
    const shown = await dispensing(id);
    expect(shown).toMatchObject({ status: "DISPENSED", sourceSystem: "Boots dispensing", lastStatusChangeAt: versionAt(30) });
    expect(shown!.updatedAt.getTime()).toBeGreaterThan(shown!.recordedAt.getTime() - 1);
    expect((await meds.dispenses([id])).map((d) => [d.status, d.pharmacyOds, d.quantityValue, d.quantityUnit])).toEqual([["COMPLETED", "FA123", 28, "tablet"]]);
    const changes = await meds.changesOf([A], versionAt(-1000));
    expect(changes.some((c) => c.kind === "PRESCRIPTION_DISPENSED")).toBe(true);
    // The same dispense again: DUPLICATE.
    expect(statuses(await dispense({ dispenseId: "MD-1", lineItem: "LI-DISP", version: 30 }))).toEqual(["DUPLICATE"]);
  });

  it("declined: NOT_DISPENSED, a dispense of nothing in the prescription's unit; in-progress: WITH_DISPENSER_ACTIVE", async () => {
    await prescribe({ lineItem: "LI-DECL", version: 0, eps: eps("RX-DECL") }, { lineItem: "LI-PART", version: 0, eps: eps("RX-PART") });
    const entries = matched(dispenseEntries(patientOf(A), [dispenseOf({ dispenseId: "MD-DECL", lineItem: "LI-DECL", version: 5, status: "declined" })]), A);
    delete (entries[0]!.resource as MedicationDispense).quantity;
    expect(statuses(await applyOne(meds, meta("pharmacy"), entries))).toEqual(["APPLIED"]);
    expect(
      statuses(await dispense({ dispenseId: "MD-PART", lineItem: "LI-PART", version: 5, status: "in-progress", quantity: { value: 14, unit: "tablet" } })),
    ).toEqual(["APPLIED"]);
    const declined = (await stored("LI-DECL")).id;
    const partial = (await stored("LI-PART")).id;
    expect((await dispensing(declined))!.status).toBe("NOT_DISPENSED");
    expect((await meds.dispenses([declined])).map((d) => [d.status, d.quantityValue, d.quantityUnit])).toEqual([["DECLINED", 0, "tablet"]]);
    expect((await dispensing(partial))!.status).toBe("WITH_DISPENSER_ACTIVE");
  });

  it("a dispense for a prescription the record does not hold: REJECTED, nothing written; sent with it in one submission: applied", async () => {
    const outcomes = await dispense({ dispenseId: "MD-UNKNOWN", lineItem: "LI-NOT-YET", version: 5 });
    expect(outcomes).toEqual([
      {
        index: 0,
        status: "REJECTED",
        reason: "the prescription it names (authorizingPrescription) is not in the record: send the dispense again once it has arrived",
      },
    ]);
    expect(
      await scratch.db.sql.query(`SELECT 1 FROM medications.medication_dispense WHERE source_key IS NOT NULL AND submission_id = $1`, [`sub-${submissions}`]),
    ).toEqual([]);
    // A hospital sends the prescription and its dispense together: the dispense finds it.
    const both = [
      ...matched(prescriptionEntries(patientOf(A), [prescriptionOf({ lineItem: "LI-TOGETHER", version: 0, eps: eps("RX-TOGETHER", "0002") })]), A),
      ...matched(dispenseEntries(patientOf(A), [dispenseOf({ dispenseId: "MD-TOGETHER", lineItem: "LI-TOGETHER", version: 1 })]), A, 1),
    ];
    expect(statuses(await applyOne(meds, meta("hospital"), both.reverse()))).toEqual(["APPLIED", "APPLIED"]);
  });

  it("a dispense naming another patient's prescription, or one without an EPS prescription: REJECTED", async () => {
    await prescribe({ lineItem: "LI-OTHER", version: 0, nhs: B, eps: eps("RX-OTHER") }, { lineItem: "LI-NOEPS", version: 0 });
    expect(await dispense({ dispenseId: "MD-OTHER", lineItem: "LI-OTHER", version: 5, nhs: A })).toEqual([
      { index: 0, status: "REJECTED", reason: "the prescription it names is recorded for another patient" },
    ]);
    expect((await dispensing((await stored("LI-OTHER")).id))!.status).toBe("TO_BE_DISPENSED");
    expect(statuses(await dispense({ dispenseId: "MD-NOEPS", lineItem: "LI-NOEPS", version: 5 }))).toEqual(["REJECTED"]);
  });

  it("a dispense entered in error leaves the dispenses and puts the EPS status back", async () => {
    await prescribe({ lineItem: "LI-DEIE", version: 0, eps: eps("RX-DEIE", "0002") });
    const { id } = await stored("LI-DEIE");
    await dispense({ dispenseId: "MD-DEIE", lineItem: "LI-DEIE", version: 5 });
    expect((await dispensing(id))!.status).toBe("DISPENSED");
    expect(statuses(await dispense({ dispenseId: "MD-DEIE", lineItem: "LI-DEIE", version: 6, status: "entered-in-error" }))).toEqual(["APPLIED"]);
    expect(await meds.dispenses([id])).toEqual([]);
    expect((await dispensing(id))!.status).toBe("WITH_DISPENSER");
    const [row] = await scratch.db.sql.query<{ entered_in_error: boolean; status: string }>(
      `SELECT d.entered_in_error, d.status FROM medications.medication_dispense d WHERE d.request_id = $1`,
      [id],
    );
    expect(row).toEqual({ entered_in_error: true, status: "COMPLETED" });
  });

  it("an older GP message never undoes the pharmacy's newer status", async () => {
    await prescribe({ lineItem: "LI-RACE", version: 0, eps: eps("RX-RACE", "0001") });
    const { id } = await stored("LI-RACE");
    await dispense({ dispenseId: "MD-RACE", lineItem: "LI-RACE", version: 30 });
    await prescribe({ lineItem: "LI-RACE", version: 10, eps: eps("RX-RACE", "0002") });
    expect((await dispensing(id))!.status).toBe("DISPENSED");
  });
});

describe("medications FHIR ingestion: volume", () => {
  it("1,000 prescriptions, then 1,000 dispenses, in one call each: a fixed number of statements", async () => {
    const counted = async (sourceKind: SubmissionMeta["sourceKind"], list: MatchedEntry[]) => {
      const before = queryStats.statements;
      const started = performance.now();
      const outcomes = await applyOne(meds, meta(sourceKind), list);
      return { statements: queryStats.statements - before, outcomes, ms: performance.now() - started };
    };
    const requests = (version: number, status?: MedicationRequest["status"]) =>
      Array.from({ length: 1000 }, (_, i) => {
        const nhs = testNhsNumber(900 + (i % 50));
        const spec = prescriptionOf({ lineItem: `LI-BULK-${i}`, version, status, eps: eps(`RX-BULK-${i}`) });
        return { ...matched(prescriptionEntries(patientOf(nhs), [spec]), nhs)[0]!, index: i };
      });
    const inserted = await counted("gp_system", requests(0));
    expect(inserted.outcomes.every((o) => o.status === "APPLIED")).toBe(true);
    // BEGIN, locks, three SELECT ... FOR UPDATE, INSERT requests, INSERT prescriptions, COMMIT.
    expect(inserted.statements).toBeLessThanOrEqual(8);
    const updated = await counted("gp_system", requests(1, "on-hold"));
    expect(updated.outcomes.every((o) => o.status === "APPLIED")).toBe(true);
    expect(updated.statements).toBeLessThanOrEqual(8);
    const again = await counted("gp_system", requests(1, "on-hold"));
    expect(again.outcomes.every((o) => o.status === "DUPLICATE")).toBe(true);
    expect(again.statements).toBeLessThanOrEqual(6);
    const dispenses = Array.from({ length: 1000 }, (_, i) => {
      const nhs = testNhsNumber(900 + (i % 50));
      return {
        ...matched(dispenseEntries(patientOf(nhs), [dispenseOf({ dispenseId: `MD-BULK-${i}`, lineItem: `LI-BULK-${i}`, version: 5 })]), nhs)[0]!,
        index: i,
      };
    });
    const dispensed = await counted("pharmacy", dispenses);
    expect(dispensed.outcomes.every((o) => o.status === "APPLIED")).toBe(true);
    // BEGIN, locks, three SELECT ... FOR UPDATE, UPDATE prescriptions, INSERT dispenses, COMMIT.
    expect(dispensed.statements).toBeLessThanOrEqual(8);
    console.log(
      `medications ingestion, 1,000 resources: insert ${inserted.ms.toFixed(0)} ms (${inserted.statements} statements), update ${updated.ms.toFixed(0)} ms (${updated.statements}), duplicate ${again.ms.toFixed(0)} ms (${again.statements}), dispenses ${dispensed.ms.toFixed(0)} ms (${dispensed.statements})`,
    );
  });
});
