// What GP and care home systems send about who a resident is, where they live, their allergies
// and conditions (subgraphs/residents/fhir.ts): a GP registration (Patient), a care home admission
// or discharge (Patient + EpisodeOfCare), an allergy list (including the GP's "no known
// allergies") and a problem list (Condition). Used by the synthetic feed, the benchmark and the tests.
import type { AllergyIntolerance, BundleEntry, Condition, EpisodeOfCare, Patient } from "@medplum/fhirtypes";
import { NHS_NUMBER_SYSTEM } from "../../platform/ingest/contract.js";
import {
  ALLERGY_CLINICAL,
  ALLERGY_VERIFICATION,
  CONDITION_CATEGORY,
  CONDITION_CLINICAL,
  CONDITION_VERIFICATION,
  CONFIDENTIALITY,
  ODS_SYSTEM,
  SNOMED,
} from "../../subgraphs/residents/fhir.js";
import { NO_KNOWN_ALLERGY } from "../../subgraphs/residents/allergy-codes.js";
import type { BundlePatient } from "./lab-bundle.js";

export { transactionBundle, type BundlePatient } from "./lab-bundle.js";

export const EPISODE_SYSTEM = "https://fhir.carehome-system.example/Id/episode";
export const ALLERGY_SYSTEM = "https://fhir.emis.example/Id/allergy";
export const CONDITION_SYSTEM = "https://fhir.emis.example/Id/problem";

export interface ResidentPatient extends BundlePatient {
  given: string;
  gender?: Patient["gender"];
  /** The registered practice's ODS code (generalPractitioner), as a care home system gives it. */
  gpOds?: string;
}

const patientUrl = (p: BundlePatient) => `urn:uuid:patient-${p.nhsNumber}`;

/** The Patient entry: demographics (a GP or care home system's change them; anyone else's are matched with). */
export function patientEntry(p: ResidentPatient, lastUpdated?: Date): BundleEntry {
  const patient: Patient = {
    resourceType: "Patient",
    ...(lastUpdated ? { meta: { lastUpdated: lastUpdated.toISOString() } } : {}),
    identifier: [{ system: NHS_NUMBER_SYSTEM, value: p.nhsNumber }],
    name: [{ use: "official", family: p.family, given: [p.given] }],
    birthDate: p.birthDate,
    ...(p.gender ? { gender: p.gender } : {}),
    ...(p.gpOds ? { generalPractitioner: [{ identifier: { system: ODS_SYSTEM, value: p.gpOds } }] } : {}),
  };
  return { fullUrl: patientUrl(p), resource: patient, request: { method: "PUT", url: `Patient?identifier=${NHS_NUMBER_SYSTEM}|${p.nhsNumber}` } };
}

const put = (resource: EpisodeOfCare | AllergyIntolerance | Condition, system: string, id: string): BundleEntry => ({
  fullUrl: `urn:uuid:${resource.resourceType}-${id}`,
  resource,
  request: { method: "PUT", url: `${resource.resourceType}?identifier=${system}|${id}` },
});

/** A GP system registering (or updating) a patient. */
export const gpRegistrationEntries = (patient: ResidentPatient, lastUpdated: Date): BundleEntry[] => [patientEntry(patient, lastUpdated)];

export interface PlacementSpec {
  patient: ResidentPatient;
  /** The care home system's episode id: the placement's business identifier. */
  episodeId: string;
  /** The care home, by ODS code (a care home system may only name its own). */
  careHomeOds: string;
  /** YYYY-MM-DD */
  start: string;
  end?: string;
  status?: EpisodeOfCare["status"];
  lastUpdated: Date;
}

/** A care home system admitting (or discharging: status finished with an end) a resident: Patient + EpisodeOfCare. */
export function careHomeAdmissionEntries(spec: PlacementSpec): BundleEntry[] {
  const episode: EpisodeOfCare = {
    resourceType: "EpisodeOfCare",
    meta: { lastUpdated: spec.lastUpdated.toISOString() },
    identifier: [{ system: EPISODE_SYSTEM, value: spec.episodeId }],
    status: spec.status ?? "active",
    patient: { reference: patientUrl(spec.patient) },
    managingOrganization: { identifier: { system: ODS_SYSTEM, value: spec.careHomeOds } },
    period: { start: spec.start, ...(spec.end ? { end: spec.end } : {}) },
  };
  return [patientEntry(spec.patient, spec.lastUpdated), put(episode, EPISODE_SYSTEM, spec.episodeId)];
}

export interface AllergySpec {
  /** The GP system's record id: the allergy's business identifier. */
  id: string;
  code: { code: string; display: string };
  category?: AllergyIntolerance["category"];
  criticality?: AllergyIntolerance["criticality"];
  clinicalStatus?: "active" | "inactive" | "resolved";
  verificationStatus?: "unconfirmed" | "presumed" | "confirmed" | "refuted" | "entered-in-error";
  reactions?: { manifestation: string; severity?: "mild" | "moderate" | "severe" }[];
  lastUpdated: Date;
}

/** The GP's coded "no known allergies" (SNOMED 716186003), as an allergy record with its own id. */
export const noKnownAllergies = (id: string, lastUpdated: Date): AllergySpec => ({
  id,
  code: { code: NO_KNOWN_ALLERGY, display: "No known allergy" },
  lastUpdated,
});

export function allergyResource(patient: BundlePatient, spec: AllergySpec): AllergyIntolerance {
  const withdrawn = spec.verificationStatus === "entered-in-error";
  return {
    resourceType: "AllergyIntolerance",
    meta: { lastUpdated: spec.lastUpdated.toISOString() },
    identifier: [{ system: ALLERGY_SYSTEM, value: spec.id }],
    // FHIR: no clinicalStatus on a record entered in error.
    ...(withdrawn ? {} : { clinicalStatus: { coding: [{ system: ALLERGY_CLINICAL, code: spec.clinicalStatus ?? "active" }] } }),
    verificationStatus: { coding: [{ system: ALLERGY_VERIFICATION, code: spec.verificationStatus ?? "confirmed" }] },
    ...(spec.category ? { category: spec.category } : {}),
    ...(spec.criticality ? { criticality: spec.criticality } : {}),
    code: { coding: [{ system: SNOMED, ...spec.code }] },
    patient: { reference: patientUrl(patient) },
    ...(spec.reactions
      ? { reaction: spec.reactions.map((r) => ({ manifestation: [{ text: r.manifestation }], ...(r.severity ? { severity: r.severity } : {}) })) }
      : {}),
  };
}

/** A GP system's (or hospital's) allergy list: the Patient and its AllergyIntolerance records (none: an empty list, which says nothing). */
export function allergyListEntries(patient: ResidentPatient, allergies: AllergySpec[], patientUpdated?: Date): BundleEntry[] {
  return [patientEntry(patient, patientUpdated), ...allergies.map((a) => put(allergyResource(patient, a), ALLERGY_SYSTEM, a.id))];
}

export interface ConditionSpec {
  id: string;
  code: { code: string; display: string };
  clinicalStatus?: "active" | "recurrence" | "relapse" | "inactive" | "remission" | "resolved";
  verificationStatus?: "confirmed" | "refuted" | "entered-in-error";
  category?: "problem-list-item" | "encounter-diagnosis";
  onset?: string;
  abatement?: string;
  /** meta.security confidentiality (R, V: restricted; N: normal). */
  confidentiality?: "N" | "R" | "V";
  lastUpdated: Date;
}

export function conditionResource(patient: BundlePatient, spec: ConditionSpec): Condition {
  const withdrawn = spec.verificationStatus === "entered-in-error";
  return {
    resourceType: "Condition",
    meta: {
      lastUpdated: spec.lastUpdated.toISOString(),
      ...(spec.confidentiality ? { security: [{ system: CONFIDENTIALITY, code: spec.confidentiality }] } : {}),
    },
    identifier: [{ system: CONDITION_SYSTEM, value: spec.id }],
    ...(withdrawn ? {} : { clinicalStatus: { coding: [{ system: CONDITION_CLINICAL, code: spec.clinicalStatus ?? "active" }] } }),
    ...(spec.verificationStatus ? { verificationStatus: { coding: [{ system: CONDITION_VERIFICATION, code: spec.verificationStatus }] } } : {}),
    category: [{ coding: [{ system: CONDITION_CATEGORY, code: spec.category ?? "problem-list-item" }] }],
    code: { coding: [{ system: SNOMED, ...spec.code }] },
    subject: { reference: patientUrl(patient) },
    ...(spec.onset ? { onsetDateTime: spec.onset } : {}),
    ...(spec.abatement ? { abatementDateTime: spec.abatement } : {}),
  };
}

/** A GP system's (or hospital's) conditions: the Patient and its Condition records. */
export function conditionEntries(patient: ResidentPatient, conditions: ConditionSpec[], patientUpdated?: Date): BundleEntry[] {
  return [patientEntry(patient, patientUpdated), ...conditions.map((c) => put(conditionResource(patient, c), CONDITION_SYSTEM, c.id))];
}
