// The medications mapping's rules (fhir.ts header): each refusal names the element and quotes
// nothing the sender sent.
import type { MedicationDispense, MedicationRequest } from "@medplum/fhirtypes";
import type { FhirIssue, MatchedEntry, SubmissionMeta } from "../../platform/ingest/contract.js";
import { dispenseEntries, prescriptionEntries } from "../../ingest/feed/medication-bundle.js";
import { EPS_STATUS_EXTENSION, EPS_STATUS_SYSTEM, medicationsFhir } from "./fhir.js";

const patient = { nhsNumber: "9990000018", birthDate: "1940-01-01", family: "Secretname" };
const lastUpdated = new Date("2025-06-02T10:00:00Z");
const meta = (sourceKind: SubmissionMeta["sourceKind"] = "gp_system", receivedAt = "2025-06-02T10:01:00Z"): SubmissionMeta => ({
  submissionId: "sub-1",
  sourceId: "gp-emis",
  sourceSystem: "EMIS Web",
  senderOds: "G00001",
  sourceKind,
  receivedAt,
});
const asMatched = (resource: MedicationRequest | MedicationDispense, index = 0): MatchedEntry => ({
  index,
  resource,
  fullUrl: null,
  patient: { nhsNumber: patient.nhsNumber, birthDate: patient.birthDate, family: patient.family },
  nhsNumber: patient.nhsNumber,
});
const request = (over: Partial<MedicationRequest> = {}): MedicationRequest => ({
  ...(prescriptionEntries(patient, [
    {
      lineItem: "LI-1",
      lastUpdated,
      medication: { code: "319283006", display: "Secretmed 5mg" },
      dosage: "Secretdose",
      eps: { prescriptionId: "RX-1", status: "0001" },
    },
  ])[1]!.resource as MedicationRequest),
  ...over,
});
const dispense = (over: Partial<MedicationDispense> = {}): MedicationDispense => ({
  ...(dispenseEntries(patient, [{ dispenseId: "D-1", lineItem: "LI-1", lastUpdated }])[1]!.resource as MedicationDispense),
  ...over,
});
const issuesOf = (resource: MedicationRequest | MedicationDispense): FhirIssue[] => medicationsFhir.validate([asMatched(resource)]).get(0) ?? [];
const paths = (resource: MedicationRequest | MedicationDispense) => issuesOf(resource).flatMap((i) => i.expression ?? []);
const rows = (resource: MedicationRequest | MedicationDispense, m = meta()) => medicationsFhir.toRows(m, [asMatched(resource)]);

describe("medicationsFhir: MedicationRequest", () => {
  it("maps a GP's prescription with its EPS prescription", () => {
    expect(issuesOf(request())).toEqual([]);
    const { requests, rejected } = rows(request());
    expect(rejected).toEqual([]);
    expect(requests[0]!.request).toMatchObject({
      status: "ACTIVE",
      course: "REPEAT",
      medicationCode: "319283006",
      medicationName: "Secretmed 5mg",
      dosageText: "Secretdose",
      quantityValue: 28,
      quantityUnit: "tablet",
      prescriberName: "Dr Patel",
      prescriberOds: "G00001",
      nhsNumber: patient.nhsNumber,
    });
    expect(requests[0]!.request.id).toMatch(/^MR-[a-z]{24}$/);
    expect(requests[0]!.eps).toMatchObject({ prescriptionId: "RX-1", status: "TO_BE_DISPENSED" });
  });

  it("maps each status; refuses draft, unknown and a missing status", () => {
    const expected = {
      active: "ACTIVE",
      "on-hold": "ON_HOLD",
      cancelled: "CANCELLED",
      completed: "COMPLETED",
      stopped: "STOPPED",
      "entered-in-error": "ENTERED_IN_ERROR",
    };
    for (const [status, mapped] of Object.entries(expected))
      expect(rows(request({ status: status as MedicationRequest["status"] })).requests[0]!.request.status).toBe(mapped);
    for (const status of ["draft", "unknown", undefined])
      expect(paths(request({ status: status as MedicationRequest["status"] }))).toEqual(["MedicationRequest.status"]);
  });

  it("maps the course; refuses a missing or unknown one", () => {
    const course = (system: string, code: string) => rows(request({ courseOfTherapyType: { coding: [{ system, code }] } })).requests[0]?.request.course;
    expect(course("http://terminology.hl7.org/CodeSystem/medicationrequest-course-of-therapy", "acute")).toBe("ACUTE");
    expect(course("http://terminology.hl7.org/CodeSystem/medicationrequest-course-of-therapy", "seasonal")).toBe("REPEAT");
    expect(course("https://fhir.nhs.uk/CodeSystem/medicationrequest-course-of-therapy", "continuous-repeat-dispensing")).toBe("REPEAT_DISPENSING");
    expect(paths(request({ courseOfTherapyType: undefined }))).toEqual(["MedicationRequest.courseOfTherapyType"]);
    expect(paths(request({ courseOfTherapyType: { coding: [{ system: "http://other", code: "acute" }] } }))).toEqual(["MedicationRequest.courseOfTherapyType"]);
  });

  it("requires the dose, the medicine, the identifier, the version, authoredOn, the prescriber and the quantity", () => {
    expect(paths(request({ dosageInstruction: [{}] }))).toEqual(["MedicationRequest.dosageInstruction[0].text"]);
    expect(paths(request({ dosageInstruction: undefined }))).toEqual(["MedicationRequest.dosageInstruction[0].text"]);
    expect(paths(request({ medicationCodeableConcept: undefined }))).toEqual(["MedicationRequest.medication[x]"]);
    expect(paths(request({ identifier: [{ value: "no-system" }] }))).toEqual(["MedicationRequest.identifier"]);
    expect(paths(request({ meta: { lastUpdated: "2025-06-02" } }))).toEqual(["MedicationRequest.meta.lastUpdated"]);
    expect(paths(request({ authoredOn: undefined }))).toEqual(["MedicationRequest.authoredOn"]);
    expect(paths(request({ requester: { reference: "Practitioner/1" } }))).toEqual(["MedicationRequest.requester.display"]);
    expect(paths(request({ dispenseRequest: {} }))).toEqual(["MedicationRequest.dispenseRequest.quantity"]);
    expect(paths(request({ intent: "proposal" }))).toEqual(["MedicationRequest.intent"]);
  });

  it("takes the medicine from a contained Medication only; text alone is kept without a code", () => {
    const contained = request({
      medicationCodeableConcept: undefined,
      medicationReference: { reference: "#med" },
      contained: [{ resourceType: "Medication", id: "med", code: { coding: [{ system: "http://snomed.info/sct", code: "1", display: "Contained 1mg" }] } }],
    });
    expect(rows(contained).requests[0]!.request.medicationName).toBe("Contained 1mg");
    expect(paths(request({ medicationCodeableConcept: undefined, medicationReference: { reference: "Medication/123" } }))).toEqual([
      "MedicationRequest.medicationReference",
    ]);
    expect(rows(request({ medicationCodeableConcept: { text: "Free text 5mg" } })).requests[0]!.request).toMatchObject({
      medicationCode: "",
      medicationName: "Free text 5mg",
    });
  });

  it("EPS: the prescription and its business status come together; unknown codes are refused", () => {
    expect(paths(request({ extension: undefined }))).toEqual([`MedicationRequest.extension('${EPS_STATUS_EXTENSION}')`]);
    expect(paths(request({ groupIdentifier: undefined }))).toEqual(["MedicationRequest.groupIdentifier"]);
    expect(paths(request({ extension: [{ url: EPS_STATUS_EXTENSION, valueCoding: { system: EPS_STATUS_SYSTEM, code: "9000" } }] }))).toEqual([
      `MedicationRequest.extension('${EPS_STATUS_EXTENSION}')`,
    ]);
    const codes = { "0002": "WITH_DISPENSER", "0004": "EXPIRED", "0005": "CANCELLED", "0006": "DISPENSED", "0007": "NOT_DISPENSED", "0008": "CLAIMED" };
    for (const [code, status] of Object.entries(codes))
      expect(rows(request({ extension: [{ url: EPS_STATUS_EXTENSION, valueCoding: { system: EPS_STATUS_SYSTEM, code } }] })).requests[0]!.eps!.status).toBe(
        status,
      );
    // Not issued through EPS (a hospital's): no EPS claim.
    expect(rows(request({ extension: undefined, groupIdentifier: undefined })).requests[0]!.eps).toBeNull();
  });

  it("refuses a prescription from a pharmacy, laboratory or care home system, and a version dated after receipt", () => {
    for (const kind of ["pharmacy", "laboratory", "care_home_system"] as const)
      expect(rows(request(), meta(kind)).rejected.map((r) => r.status)).toEqual(["REJECTED"]);
    expect(rows(request(), meta("hospital")).requests).toHaveLength(1);
    expect(rows(request(), meta("gp_system", "2025-06-02T09:00:00Z")).rejected[0]!.reason).toMatch(/later than the submission was received/);
  });

  it("refuses two versions of one prescription in one submission", () => {
    const issues = medicationsFhir.validate([asMatched(request(), 0), asMatched(request(), 1)]);
    expect(issues.get(1)![0]!.code).toBe("duplicate");
  });
});

describe("medicationsFhir: MedicationDispense", () => {
  it("maps a pharmacy's dispense, naming its prescription by identifier", () => {
    const { dispenses, rejected } = rows(dispense(), meta("pharmacy"));
    expect(rejected).toEqual([]);
    expect(dispenses[0]!.dispense).toMatchObject({
      status: "COMPLETED",
      enteredInError: false,
      pharmacyOds: "FA123",
      quantityValue: 28,
      quantityUnit: "tablet",
    });
    expect(dispenses[0]!.epsStatus).toBeNull();
  });

  it("maps completed, in-progress, declined, entered-in-error; refuses the rest", () => {
    const status = (s: string) => rows(dispense({ status: s as MedicationDispense["status"] }), meta("pharmacy")).dispenses[0]?.dispense;
    expect(status("completed")!.status).toBe("COMPLETED");
    expect(status("in-progress")!.status).toBe("PARTIAL");
    expect(status("declined")!.status).toBe("DECLINED");
    expect(status("entered-in-error")!.enteredInError).toBe(true);
    for (const s of ["preparation", "on-hold", "cancelled", "stopped", "unknown"])
      expect(paths(dispense({ status: s as MedicationDispense["status"] }))).toEqual(["MedicationDispense.status"]);
  });

  it("requires the prescription by identifier (exactly one), the hand-over time, the quantity and the pharmacy", () => {
    expect(paths(dispense({ authorizingPrescription: [{ reference: "MedicationRequest/1" }] }))).toEqual([
      "MedicationDispense.authorizingPrescription.identifier",
    ]);
    expect(paths(dispense({ authorizingPrescription: undefined }))).toEqual(["MedicationDispense.authorizingPrescription.identifier"]);
    expect(paths(dispense({ authorizingPrescription: [{ identifier: { system: "s", value: "1" } }, { identifier: { system: "s", value: "2" } }] }))).toEqual([
      "MedicationDispense.authorizingPrescription",
    ]);
    expect(paths(dispense({ whenHandedOver: undefined }))).toEqual(["MedicationDispense.whenHandedOver"]);
    expect(paths(dispense({ quantity: undefined }))).toEqual(["MedicationDispense.quantity"]);
    expect(paths(dispense({ performer: undefined }))).toEqual(["MedicationDispense.performer"]);
    // Declined: nothing handed over; the decision's time may be whenPrepared, the quantity is 0.
    const declined = rows(
      dispense({ status: "declined", whenHandedOver: undefined, whenPrepared: "2025-06-02T09:00:00Z", quantity: undefined }),
      meta("pharmacy"),
    );
    expect(declined.dispenses[0]!.dispense).toMatchObject({ status: "DECLINED", quantityValue: 0, quantityUnit: null });
  });

  it("takes the EPS status the pharmacy states", () => {
    const stated = dispense({ extension: [{ url: EPS_STATUS_EXTENSION, valueCoding: { system: EPS_STATUS_SYSTEM, code: "0003" } }] });
    expect(rows(stated, meta("pharmacy")).dispenses[0]!.epsStatus).toBe("WITH_DISPENSER_ACTIVE");
  });

  it("refuses a dispense from a laboratory or care home system", () => {
    for (const kind of ["laboratory", "care_home_system"] as const) expect(rows(dispense(), meta(kind)).rejected.map((r) => r.status)).toEqual(["REJECTED"]);
  });
});

describe("medicationsFhir: what a refusal says", () => {
  it("never quotes clinical content or identifiers back", () => {
    const bad = [
      request({ status: "unknown" as MedicationRequest["status"], dosageInstruction: [{}], courseOfTherapyType: { text: "Secretcourse" } }),
      request({ medicationCodeableConcept: { coding: [{ code: "Secretcode" }] } }),
      dispense({ status: "stopped", quantity: { value: -1, unit: "Secretunit" } }),
    ];
    for (const resource of bad) {
      const text = JSON.stringify(issuesOf(resource));
      expect(text.length).toBeGreaterThan(2);
      for (const secret of ["Secret", "LI-1", "RX-1", "D-1", patient.nhsNumber]) expect(text).not.toContain(secret);
      for (const i of issuesOf(resource)) expect(i.expression?.length).toBeGreaterThan(0);
    }
  });
});
