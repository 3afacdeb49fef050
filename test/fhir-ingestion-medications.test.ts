// FHIR ingestion of prescriptions and dispenses through the running stack (issue 11, ADR 0008): a
// GP system prescribes, the pharmacy dispenses, and the care home's nurse sees "dispensed" through
// the gateway without phoning anyone. A pharmacy cannot prescribe; a cancelled prescription shows
// cancelled; a prescription entered in error leaves the list.
import { randomUUID } from "node:crypto";
import { readDevelopmentKey } from "../ingest/auth/client-assertion.js";
import { SourceClient } from "../ingest/feed/source-client.js";
import { transactionBundle, type BundlePatient } from "../ingest/feed/lab-bundle.js";
import { dispenseEntries, prescriptionEntries, type DispenseSpec, type PrescriptionSpec } from "../ingest/feed/medication-bundle.js";
import { gatewayQuery, nurseAt, type Stack } from "./support/stack.js";
import { startScratchStack } from "./support/scratch-stack.js";

let stack: Stack;
// A database of its own: what these tests send changes residents, placements and sections that the
// shared fixture's other tests compare row for row.
let scratch: Awaited<ReturnType<typeof startScratchStack>>;
let gp: SourceClient;
let pharmacy: SourceClient;
let resident: BundlePatient & { home: string };

const client = (clientId: string, types: string[]) => new SourceClient({ base: stack.fhirUrl, clientId, privateJwk: readDevelopmentKey(clientId), types });

beforeAll(async () => {
  scratch = await startScratchStack("fhir_meds", 120);
  stack = scratch.stack;
  gp = client("gp-emis", ["MedicationRequest", "Patient"]);
  pharmacy = client("pharmacy-boots", ["MedicationDispense", "Patient"]);
  const [row] = await stack.db.sql.query<{ nhs_number: string; date_of_birth: Date; family_name: string; care_home_id: string }>(
    `SELECT r.nhs_number, r.date_of_birth, r.family_name, p.care_home_id FROM residents.resident r
     JOIN residents.placement p ON p.nhs_number = r.nhs_number AND p.end_date IS NULL
     WHERE NOT r.sharing_objection ORDER BY r.nhs_number LIMIT 1`,
  );
  resident = { nhsNumber: row!.nhs_number, birthDate: row!.date_of_birth.toISOString().slice(0, 10), family: row!.family_name, home: row!.care_home_id };
}, 120_000);
afterAll(() => scratch?.close());

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);
const unique = () => randomUUID().slice(0, 8);
const prescription = (over: Partial<PrescriptionSpec> = {}): PrescriptionSpec => {
  const id = unique();
  return {
    lineItem: `LI-${id}`,
    lastUpdated: minutesAgo(30),
    dosage: `One tablet once a day (${id})`,
    eps: { prescriptionId: `RX-${id}`, status: "0001", nominated: { name: "Boots Pharmacy, Brixton", ods: "FA123" } },
    ...over,
  };
};

async function send(sender: SourceClient, entries: ReturnType<typeof prescriptionEntries>) {
  const answer = await sender.send(transactionBundle(entries));
  expect(answer.status).toBe(202);
  return sender.settled(answer.headers.get("content-location")!);
}
const prescribe = (spec: PrescriptionSpec) => send(gp, prescriptionEntries(resident, [spec]));
const dispense = (spec: DispenseSpec) => send(pharmacy, dispenseEntries(resident, [spec]));

interface Shown {
  status: string;
  dosageText: string;
  dispensing: { prescriptionId: string; epsStatus: string; provenance: { sourceSystem: string } } | null;
  dispenses: { status: string; pharmacy: { odsCode: string }; quantity: { value: number } }[];
}
/** The resident's medicines with these statuses as the nurse of their home sees them through the gateway. */
async function medicines(status: string[] = ["ACTIVE", "ON_HOLD"]) {
  const res = await gatewayQuery(
    stack,
    `query($n: NhsNumber!, $s: [MedicationRequestStatus!]) { resident(nhsNumber: $n) { medications(status: $s) { status items {
       status dosageText dispensing { prescriptionId epsStatus provenance { sourceSystem } } dispenses { status pharmacy { odsCode } quantity { value } } } } } }`,
    { n: resident.nhsNumber, s: status },
    nurseAt(resident.home),
  );
  expect(res.errors).toBeUndefined();
  return res.data.resident.medications.items as Shown[];
}
const shown = async (dosageText: string, status?: string[]) => (await medicines(status)).filter((m) => m.dosageText === dosageText);

describe("a prescription from the GP and its dispense from the pharmacy", () => {
  it("the GP prescribes, the pharmacy dispenses, the nurse sees dispensed", async () => {
    await medicines(); // warms the cache
    const spec = prescription();
    expect([...(await prescribe(spec)).values()].map((o) => o.status)).toEqual(["APPLIED", "APPLIED"]);
    const [before] = await shown(spec.dosage!);
    expect(before!.dispensing).toMatchObject({ prescriptionId: spec.eps!.prescriptionId, epsStatus: "TO_BE_DISPENSED" });
    expect(before!.dispenses).toEqual([]);

    const outcomes = await dispense({ dispenseId: `D-${unique()}`, lineItem: spec.lineItem, lastUpdated: minutesAgo(5) });
    expect(outcomes.get(1)!.status).toBe("APPLIED");
    const [after] = await shown(spec.dosage!);
    expect(after!.dispensing).toMatchObject({ epsStatus: "DISPENSED", provenance: { sourceSystem: "Boots Pharmacy dispensing system" } });
    expect(after!.dispenses).toEqual([{ status: "COMPLETED", pharmacy: { odsCode: "FA123" }, quantity: { value: 28 } }]);
  });

  it("a dispense for a prescription the record does not hold is rejected with its reason, and shows nowhere", async () => {
    const outcomes = await dispense({ dispenseId: `D-${unique()}`, lineItem: `LI-unknown-${unique()}`, lastUpdated: minutesAgo(5) });
    expect(outcomes.get(1)).toEqual({ status: "REJECTED", reason: expect.stringContaining("not in the record") });
  });

  it("a cancelled prescription shows cancelled, out of the current list", async () => {
    const spec = prescription();
    await prescribe(spec);
    expect(await shown(spec.dosage!)).toHaveLength(1);
    const outcomes = await prescribe({ ...spec, lastUpdated: minutesAgo(10), status: "cancelled", eps: { ...spec.eps!, status: "0005" } });
    expect(outcomes.get(1)!.status).toBe("APPLIED");
    expect(await shown(spec.dosage!)).toEqual([]);
    const [cancelled] = await shown(spec.dosage!, ["CANCELLED"]);
    expect(cancelled).toMatchObject({ status: "CANCELLED", dispensing: { epsStatus: "CANCELLED" } });
  });

  it("a prescription entered in error leaves every list", async () => {
    const spec = prescription();
    await prescribe(spec);
    await prescribe({ ...spec, lastUpdated: minutesAgo(10), status: "entered-in-error" });
    const every = ["ACTIVE", "ON_HOLD", "CANCELLED", "COMPLETED", "ENTERED_IN_ERROR", "STOPPED", "DRAFT", "UNKNOWN"];
    expect(await shown(spec.dosage!, every)).toEqual([]);
  });
});

describe("a pharmacy cannot prescribe", () => {
  it("a pharmacy's MedicationRequest is refused: no token for it, 403 forbidden, or rejected by the mapping; nothing shows", async () => {
    const spec = prescription();
    const sender = client("pharmacy-boots", ["MedicationRequest", "Patient"]);
    const token = await sender.requestToken();
    if (token.status !== 200) {
      // The registry no longer grants a pharmacy the MedicationRequest scope.
      expect(token.body.error).toBe("invalid_scope");
    } else {
      const answer = await sender.send(transactionBundle(prescriptionEntries(resident, [spec])));
      if (answer.status === 403) expect(answer.body.issue.map((i: { code: string }) => i.code)).toContain("forbidden");
      else {
        expect(answer.status).toBe(202);
        const outcomes = await sender.settled(answer.headers.get("content-location")!);
        expect(outcomes.get(1)).toEqual({ status: "REJECTED", reason: "prescriptions (MedicationRequest) are accepted from GP and hospital systems only" });
      }
    }
    expect(await shown(spec.dosage!, ["ACTIVE", "ON_HOLD", "CANCELLED", "COMPLETED", "STOPPED"])).toEqual([]);
  });
});
