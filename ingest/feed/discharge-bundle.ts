// A hospital EPR's transaction Bundles as the discharge subgraph takes them (subgraphs/discharge/fhir.ts):
// an admission (Encounter in progress), a discharge (Encounter finished with its PRSB eDischarge
// Composition), a summary sent on its own for a stay sent before (e.g. amended), and an emergency
// department attendance; each with the Patient for matching. Used by the tests and feeds.
import type { BundleEntry, Composition, CompositionSection, Encounter, Patient, Resource } from "@medplum/fhirtypes";
import { NHS_NUMBER_SYSTEM } from "../../platform/ingest/contract.js";
import {
  ADMISSION_METHOD_ENGLAND,
  DISCHARGE_DESTINATION_ENGLAND,
  HEADINGS,
  LIST_ORDER,
  MEDICATION_CHANGE_EXTENSION,
  ODS_SYSTEM,
  SNOMED,
  V3_ACT_CODE,
} from "../../subgraphs/discharge/fhir.js";
import type { BundlePatient } from "./lab-bundle.js";

export { transactionBundle, type BundlePatient } from "./lab-bundle.js";

export const ENCOUNTER_SYSTEM = "https://fhir.gstt.example/Id/encounter";
export const SUMMARY_SYSTEM = "https://fhir.gstt.example/Id/discharge-summary";

export interface StaySpec {
  patient: BundlePatient;
  /** The hospital's encounter number: the stay's business identifier. */
  encounter: string;
  /** meta.lastUpdated of the Encounter: its version. */
  lastUpdated: Date;
  admittedAt: Date;
  hospital?: { name: string; ods: string };
  ward?: string;
  reason?: string;
  /** NHS Data Dictionary admission method (UK Core); default 21 (emergency, through the ED). */
  admissionMethod?: string;
  /** Overrides the status (e.g. entered-in-error); default in-progress, or finished with dischargedAt. */
  status?: Encounter["status"];
  dischargedAt?: Date;
  /** NHS Data Dictionary discharge destination (UK Core); default 85 (a care home). */
  destination?: string;
}

export interface SummarySpec {
  /** The summary's document identifier: its business identifier. */
  id: string;
  lastUpdated: Date;
  status?: Composition["status"];
  clinicalSummary: string;
  diagnoses: { code: string; display: string }[];
  allergies?: string;
  procedures?: { code: string; display: string; performedOn?: string }[];
  medicationChanges?: { medication: string; change: "added" | "cancelled" | "changed" | "unchanged"; reason?: string }[];
  plannedActions?: { action: string; forWhom: string; byDate?: string }[];
  informationGiven?: string;
  author?: { name: string; role: string };
  completedBy?: { name: string; role: string; code: string };
}

export interface EmergencySpec {
  patient: BundlePatient;
  encounter: string;
  lastUpdated: Date;
  occurredAt: Date;
  hospital?: { name: string; ods: string };
  complaint: string;
  outcome: string;
  status?: Encounter["status"];
}

const patientUrl = (key: string) => `urn:uuid:patient-${key}`;
const encounterUrl = (key: string) => `urn:uuid:encounter-${key}`;

function patientEntry(p: BundlePatient, key: string): BundleEntry {
  const patient: Patient = {
    resourceType: "Patient",
    identifier: [{ system: NHS_NUMBER_SYSTEM, value: p.nhsNumber }],
    name: [{ use: "official", family: p.family, ...(p.given ? { given: [p.given] } : {}) }],
    birthDate: p.birthDate,
  };
  return { fullUrl: patientUrl(key), resource: patient, request: { method: "POST", url: "Patient" } };
}

const put = (resource: Resource & { resourceType: "Encounter" | "Composition" }, fullUrl: string, system: string, value: string): BundleEntry => ({
  fullUrl,
  resource,
  request: { method: "PUT", url: `${resource.resourceType}?identifier=${system}|${value}` },
});

const provider = (h: { name: string; ods: string } | undefined) => {
  const hospital = h ?? { name: "St Thomas' Hospital", ods: "RJ1" };
  return { display: hospital.name, identifier: { system: ODS_SYSTEM, value: hospital.ods } };
};

function stayEncounter(spec: StaySpec): Encounter {
  const status = spec.status ?? (spec.dischargedAt ? "finished" : "in-progress");
  return {
    resourceType: "Encounter",
    meta: { lastUpdated: spec.lastUpdated.toISOString() },
    identifier: [{ system: ENCOUNTER_SYSTEM, value: spec.encounter }],
    status,
    class: { system: V3_ACT_CODE, code: "IMP", display: "inpatient encounter" },
    subject: { reference: patientUrl(spec.encounter) },
    period: { start: spec.admittedAt.toISOString(), ...(spec.dischargedAt ? { end: spec.dischargedAt.toISOString() } : {}) },
    reasonCode: [{ text: spec.reason ?? "Shortness of breath and fever" }],
    location: [{ location: { display: spec.ward ?? "Frailty Unit" }, status: spec.dischargedAt ? "completed" : "active" }],
    serviceProvider: provider(spec.hospital),
    hospitalization: {
      admitSource: { coding: [{ system: ADMISSION_METHOD_ENGLAND, code: spec.admissionMethod ?? "21" }] },
      ...(spec.dischargedAt ? { dischargeDisposition: { coding: [{ system: DISCHARGE_DESTINATION_ENGLAND, code: spec.destination ?? "85" }] } } : {}),
    },
  };
}

const div = (text: string) =>
  `<div xmlns="http://www.w3.org/1999/xhtml"><p>${text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")}</p></div>`;
const section = (heading: keyof typeof HEADINGS, text: string, extra: Partial<CompositionSection> = {}): CompositionSection => ({
  title: HEADINGS[heading].title,
  code: { coding: [{ system: SNOMED, code: HEADINGS[heading].code, display: HEADINGS[heading].title }] },
  text: { status: "generated", div: div(text) },
  ...extra,
});

/** A PRSB eDischarge Composition; `encounter` is the stay's fullUrl in the Bundle, or its identifier. */
function composition(
  summary: SummarySpec,
  patientRef: string,
  encounter: { reference: string } | { identifier: { system: string; value: string } },
): Composition {
  const author = summary.author ?? { name: "Dr A. Registrar", role: "Specialty registrar, elderly care" };
  const completedBy = summary.completedBy ?? { name: "Dr B. Foundation", role: "Foundation doctor", code: "GMC7000001" };
  const contained: Resource[] = [
    { resourceType: "PractitionerRole", id: "author", practitioner: { display: author.name }, code: [{ text: author.role }] },
    {
      resourceType: "PractitionerRole",
      id: "completed-by",
      practitioner: { display: completedBy.name, identifier: { system: "https://fhir.hl7.org.uk/Id/gmc-number", value: completedBy.code } },
      code: [{ text: completedBy.role }],
    },
    ...summary.diagnoses.map((d, i): Resource => ({
      resourceType: "Condition",
      id: `dx${i}`,
      subject: { reference: patientRef },
      code: { coding: [{ system: SNOMED, code: d.code, display: d.display }] },
    })),
    ...(summary.procedures ?? []).map((p, i): Resource => ({
      resourceType: "Procedure",
      id: `proc${i}`,
      status: "completed",
      subject: { reference: patientRef },
      code: { coding: [{ system: SNOMED, code: p.code, display: p.display }] },
      ...(p.performedOn ? { performedDateTime: p.performedOn } : {}),
    })),
    ...(summary.medicationChanges ?? []).map((m, i): Resource => ({
      resourceType: "MedicationStatement",
      id: `med${i}`,
      status: "active",
      subject: { reference: patientRef },
      medicationCodeableConcept: { text: m.medication },
      extension: [{ url: MEDICATION_CHANGE_EXTENSION, extension: [{ url: "statusOfMedication", valueCode: m.change }] }],
      ...(m.reason ? { reasonCode: [{ text: m.reason }] } : {}),
    })),
    ...(summary.plannedActions ?? []).map((a, i): Resource => ({
      resourceType: "Task",
      id: `plan${i}`,
      status: "requested",
      intent: "plan",
      description: a.action,
      owner: { display: a.forWhom },
      ...(a.byDate ? { restriction: { period: { end: a.byDate } } } : {}),
    })),
  ];
  const refs = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => ({ reference: `#${prefix}${i}` }));
  const empty = { emptyReason: { coding: [{ system: "http://terminology.hl7.org/CodeSystem/list-empty-reason", code: "nilknown" }] } };
  return {
    resourceType: "Composition",
    meta: { lastUpdated: summary.lastUpdated.toISOString() },
    contained,
    identifier: { system: SUMMARY_SYSTEM, value: summary.id },
    status: summary.status ?? "final",
    type: { coding: [{ system: SNOMED, code: "373942005", display: "Discharge summary" }] },
    subject: { reference: patientRef },
    encounter,
    date: summary.lastUpdated.toISOString(),
    author: [{ reference: "#author" }],
    title: "Discharge summary",
    section: [
      section("clinicalSummary", summary.clinicalSummary),
      section("diagnoses", summary.diagnoses.map((d) => d.display).join("; "), {
        entry: refs("dx", summary.diagnoses.length),
        orderedBy: { coding: [{ system: LIST_ORDER, code: "priority" }] },
      }),
      section("allergies", summary.allergies ?? "No known drug allergies."),
      section(
        "procedures",
        (summary.procedures ?? []).map((p) => p.display).join("; ") || "None",
        summary.procedures?.length ? { entry: refs("proc", summary.procedures.length) } : empty,
      ),
      section(
        "medications",
        (summary.medicationChanges ?? []).map((m) => m.medication).join("; ") || "None",
        summary.medicationChanges?.length ? { entry: refs("med", summary.medicationChanges.length) } : empty,
      ),
      section(
        "plan",
        (summary.plannedActions ?? []).map((a) => a.action).join("; ") || "None",
        summary.plannedActions?.length ? { entry: refs("plan", summary.plannedActions.length) } : empty,
      ),
      ...(summary.informationGiven ? [section("informationGiven", summary.informationGiven)] : []),
      section("personCompleting", completedBy.name, { entry: [{ reference: "#completed-by" }] }),
    ],
  };
}

/** The hospital admits the resident: Patient and the Encounter in progress. */
export function admissionEntries(spec: StaySpec): BundleEntry[] {
  return [
    patientEntry(spec.patient, spec.encounter),
    put(stayEncounter({ ...spec, dischargedAt: undefined }), encounterUrl(spec.encounter), ENCOUNTER_SYSTEM, spec.encounter),
  ];
}

/** The hospital discharges the resident: Patient, the Encounter finished and (when given) its discharge summary. */
export function dischargeEntries(spec: StaySpec & { dischargedAt: Date }, summary?: SummarySpec): BundleEntry[] {
  return [
    patientEntry(spec.patient, spec.encounter),
    put(stayEncounter(spec), encounterUrl(spec.encounter), ENCOUNTER_SYSTEM, spec.encounter),
    ...(summary
      ? [
          put(
            composition(summary, patientUrl(spec.encounter), { reference: encounterUrl(spec.encounter) }),
            `urn:uuid:summary-${summary.id}`,
            SUMMARY_SYSTEM,
            summary.id,
          ),
        ]
      : []),
  ];
}

/** A summary on its own (e.g. amended) for a stay sent before, named by its encounter number. */
export function summaryEntries(patient: BundlePatient, encounter: string, summary: SummarySpec): BundleEntry[] {
  return [
    patientEntry(patient, encounter),
    put(
      composition(summary, patientUrl(encounter), { identifier: { system: ENCOUNTER_SYSTEM, value: encounter } }),
      `urn:uuid:summary-${summary.id}`,
      SUMMARY_SYSTEM,
      summary.id,
    ),
  ];
}

/** An emergency department attendance, finished, with its outcome: Patient and the Encounter (class EMER). */
export function emergencyEntries(spec: EmergencySpec): BundleEntry[] {
  const encounter: Encounter = {
    resourceType: "Encounter",
    meta: { lastUpdated: spec.lastUpdated.toISOString() },
    identifier: [{ system: ENCOUNTER_SYSTEM, value: spec.encounter }],
    status: spec.status ?? "finished",
    class: { system: V3_ACT_CODE, code: "EMER", display: "emergency" },
    subject: { reference: patientUrl(spec.encounter) },
    period: { start: spec.occurredAt.toISOString(), end: new Date(spec.occurredAt.getTime() + 4 * 3_600_000).toISOString() },
    reasonCode: [{ text: spec.complaint }],
    serviceProvider: provider(spec.hospital),
    hospitalization: { dischargeDisposition: { text: spec.outcome } },
  };
  return [patientEntry(spec.patient, spec.encounter), put(encounter, encounterUrl(spec.encounter), ENCOUNTER_SYSTEM, spec.encounter)];
}
