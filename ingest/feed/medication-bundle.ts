// A GP system's prescription Bundle and a pharmacy's dispense Bundle as they send them: the patient
// (for matching), then MedicationRequests (with their EPS prescription and its business status) or
// MedicationDispenses (naming the prescription by its identifier). Used by the synthetic feed, the
// benchmark and the tests; send them with transactionBundle (lab-bundle.ts).
import type { BundleEntry, MedicationDispense, MedicationRequest, Patient } from "@medplum/fhirtypes";
import { NHS_NUMBER_SYSTEM } from "../../platform/ingest/contract.js";
import { COURSE_SYSTEM, EPS_PRESCRIPTION_ID_SYSTEM, EPS_STATUS_EXTENSION, EPS_STATUS_SYSTEM, NHS_COURSE_SYSTEM } from "../../subgraphs/medications/fhir.js";
import type { BundlePatient } from "./lab-bundle.js";

/** The system of a prescription line item's identifier (EPS: unique per line item, nationally). */
export const LINE_ITEM_SYSTEM = "https://fhir.nhs.uk/Id/prescription-order-item-number";
export const DISPENSE_SYSTEM = "https://fhir.boots.example/Id/dispense";
const SNOMED = "http://snomed.info/sct";

export interface PrescriptionSpec {
  /** The line item's identifier value: the prescription's business identifier (dispenses name it). */
  lineItem: string;
  /** meta.lastUpdated: the version (a later one replaces an earlier one). */
  lastUpdated: Date;
  status?: MedicationRequest["status"];
  course?: "acute" | "continuous" | "seasonal" | "continuous-repeat-dispensing";
  medication?: { code: string; display: string };
  dosage?: string;
  quantity?: { value: number; unit: string };
  authoredOn?: Date;
  prescriber?: string;
  /** EPS: the prescription (short-form id) and its business status code (0001 ... 0009); omitted: not issued through EPS. */
  eps?: { prescriptionId: string; status: string; nominated?: { name: string; ods: string } };
}

export interface DispenseSpec {
  /** The pharmacy's identifier of this dispense. */
  dispenseId: string;
  /** The line item it dispenses (the MedicationRequest's identifier value). */
  lineItem: string;
  lastUpdated: Date;
  status?: MedicationDispense["status"];
  handedOver?: Date;
  quantity?: { value: number; unit: string };
  pharmacy?: { name: string; ods: string };
  /** The EPS business status the pharmacy states after this dispense (code 0001 ... 0009). */
  epsStatus?: string;
}

function patientEntry(patient: BundlePatient, key: string): { url: string; entry: BundleEntry } {
  const url = `urn:uuid:patient-${key}`;
  const resource: Patient = {
    resourceType: "Patient",
    identifier: [{ system: NHS_NUMBER_SYSTEM, value: patient.nhsNumber }],
    name: [{ use: "official", family: patient.family, ...(patient.given ? { given: [patient.given] } : {}) }],
    birthDate: patient.birthDate,
  };
  return { url, entry: { fullUrl: url, resource, request: { method: "POST", url: "Patient" } } };
}

const epsStatus = (code: string) => ({ url: EPS_STATUS_EXTENSION, valueCoding: { system: EPS_STATUS_SYSTEM, code } });

/** A GP system's Bundle: the patient, then one MedicationRequest per prescription (conditional PUTs by line item). */
export function prescriptionEntries(patient: BundlePatient, prescriptions: PrescriptionSpec[]): BundleEntry[] {
  const { url, entry } = patientEntry(patient, prescriptions[0]?.lineItem ?? "none");
  const requests = prescriptions.map((p): BundleEntry => {
    const course = p.course ?? "continuous";
    const resource: MedicationRequest = {
      resourceType: "MedicationRequest",
      meta: { lastUpdated: p.lastUpdated.toISOString() },
      identifier: [{ system: LINE_ITEM_SYSTEM, value: p.lineItem }],
      status: p.status ?? "active",
      intent: "order",
      courseOfTherapyType: {
        coding: [{ system: course === "continuous-repeat-dispensing" ? NHS_COURSE_SYSTEM : COURSE_SYSTEM, code: course }],
      },
      medicationCodeableConcept: { coding: [{ system: SNOMED, ...(p.medication ?? { code: "319283006", display: "Amlodipine 5mg tablets" }) }] },
      subject: { reference: url },
      authoredOn: (p.authoredOn ?? new Date(p.lastUpdated.getTime() - 3_600_000)).toISOString(),
      requester: { display: p.prescriber ?? "Dr Patel" },
      dosageInstruction: [{ text: p.dosage ?? "One tablet once a day" }],
      dispenseRequest: {
        quantity: p.quantity ?? { value: 28, unit: "tablet" },
        ...(p.eps?.nominated ? { performer: { display: p.eps.nominated.name, identifier: { value: p.eps.nominated.ods } } } : {}),
      },
      ...(p.eps ? { groupIdentifier: { system: EPS_PRESCRIPTION_ID_SYSTEM, value: p.eps.prescriptionId }, extension: [epsStatus(p.eps.status)] } : {}),
    };
    return {
      fullUrl: `urn:uuid:request-${p.lineItem}`,
      resource,
      request: { method: "PUT", url: `MedicationRequest?identifier=${LINE_ITEM_SYSTEM}|${p.lineItem}` },
    };
  });
  return [entry, ...requests];
}

/** A pharmacy's Bundle: the patient, then one MedicationDispense per dispense (conditional PUTs by dispense id). */
export function dispenseEntries(patient: BundlePatient, dispenses: DispenseSpec[]): BundleEntry[] {
  const { url, entry } = patientEntry(patient, dispenses[0]?.dispenseId ?? "none");
  const items = dispenses.map((d): BundleEntry => {
    const pharmacy = d.pharmacy ?? { name: "Boots Pharmacy, Brixton", ods: "FA123" };
    const resource: MedicationDispense = {
      resourceType: "MedicationDispense",
      meta: { lastUpdated: d.lastUpdated.toISOString() },
      identifier: [{ system: DISPENSE_SYSTEM, value: d.dispenseId }],
      status: d.status ?? "completed",
      subject: { reference: url },
      authorizingPrescription: [{ identifier: { system: LINE_ITEM_SYSTEM, value: d.lineItem } }],
      performer: [{ actor: { display: pharmacy.name, identifier: { value: pharmacy.ods } } }],
      medicationCodeableConcept: { text: "as prescribed" },
      quantity: d.quantity ?? { value: 28, unit: "tablet" },
      whenHandedOver: (d.handedOver ?? d.lastUpdated).toISOString(),
      ...(d.epsStatus ? { extension: [epsStatus(d.epsStatus)] } : {}),
    };
    return {
      fullUrl: `urn:uuid:dispense-${d.dispenseId}`,
      resource,
      request: { method: "PUT", url: `MedicationDispense?identifier=${DISPENSE_SYSTEM}|${d.dispenseId}` },
    };
  });
  return [entry, ...items];
}
