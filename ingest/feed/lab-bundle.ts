// A laboratory's transaction Bundle as a LIMS sends one: the patient (for matching), one
// DiagnosticReport and its Observations. Used by the synthetic feed, the benchmark and the tests.
import type { Bundle, BundleEntry, DiagnosticReport, Observation, Patient } from "@medplum/fhirtypes";
import { NHS_NUMBER_SYSTEM } from "../../platform/ingest/contract.js";
import { V2_0074, V3_INTERPRETATION, UCUM } from "../../subgraphs/labs/fhir.js";

export interface BundlePatient {
  nhsNumber: string;
  /** YYYY-MM-DD */
  birthDate: string;
  family: string;
  given?: string;
}

export interface LabResult {
  loinc: string;
  display: string;
  value: number;
  unit: string;
  low: number;
  high: number;
  /** v3 interpretation code (N, H, L, HH, LL, A); omitted: the receiver computes it from the range. */
  flag?: string;
}

export interface LabReportSpec {
  patient: BundlePatient;
  /** The laboratory's accession number: the report's business identifier. */
  accession: string;
  /** meta.lastUpdated: the version (a later one replaces an earlier one). */
  lastUpdated: Date;
  status?: DiagnosticReport["status"];
  /** v2-0074 section: CH, HM, MB... */
  category?: string;
  code?: { system: string; code: string; display: string };
  results: LabResult[];
  conclusion?: string;
  performer?: { name: string; ods: string };
}

export const ACCESSION_SYSTEM = "https://fhir.synnovis.example/Id/accession";

/** The entries of one report (Patient first), with fullUrls unique to the accession. */
export function labReportEntries(spec: LabReportSpec): BundleEntry[] {
  const patientUrl = `urn:uuid:patient-${spec.accession}`;
  const patient: Patient = {
    resourceType: "Patient",
    identifier: [{ system: NHS_NUMBER_SYSTEM, value: spec.patient.nhsNumber }],
    name: [{ use: "official", family: spec.patient.family, ...(spec.patient.given ? { given: [spec.patient.given] } : {}) }],
    birthDate: spec.patient.birthDate,
  };
  const status = spec.status ?? "final";
  const observations: Observation[] = spec.results.map((r) => ({
    resourceType: "Observation",
    identifier: [{ system: ACCESSION_SYSTEM, value: `${spec.accession}-${r.loinc}` }],
    status: status === "entered-in-error" ? "entered-in-error" : status === "amended" || status === "corrected" ? status : "final",
    code: { coding: [{ system: "http://loinc.org", code: r.loinc, display: r.display }] },
    subject: { reference: patientUrl },
    valueQuantity: { value: r.value, unit: r.unit, system: UCUM, code: r.unit },
    referenceRange: [{ low: { value: r.low, unit: r.unit }, high: { value: r.high, unit: r.unit } }],
    ...(r.flag ? { interpretation: [{ coding: [{ system: V3_INTERPRETATION, code: r.flag }] }] } : {}),
  }));
  const observationUrls = observations.map((_, i) => `urn:uuid:obs-${spec.accession}-${i}`);
  const report: DiagnosticReport = {
    resourceType: "DiagnosticReport",
    meta: { lastUpdated: spec.lastUpdated.toISOString() },
    identifier: [{ system: ACCESSION_SYSTEM, value: spec.accession }],
    status,
    category: [{ coding: [{ system: V2_0074, code: spec.category ?? "CH" }] }],
    code: { coding: [spec.code ?? { system: "http://snomed.info/sct", code: "444164000", display: "Urea, electrolytes and creatinine" }] },
    subject: { reference: patientUrl },
    effectiveDateTime: new Date(spec.lastUpdated.getTime() - 3 * 3_600_000).toISOString(),
    issued: spec.lastUpdated.toISOString(),
    performer: [{ display: spec.performer?.name ?? "Synnovis Pathology", identifier: { value: spec.performer?.ods ?? "8HV48" } }],
    ...(spec.conclusion ? { conclusion: spec.conclusion } : {}),
    result: observationUrls.map((reference) => ({ reference })),
  };
  const put = (resource: DiagnosticReport | Observation, fullUrl: string): BundleEntry => ({
    fullUrl,
    resource,
    request: { method: "PUT", url: `${resource.resourceType}?identifier=${ACCESSION_SYSTEM}|${resource.identifier![0]!.value}` },
  });
  return [
    { fullUrl: patientUrl, resource: patient, request: { method: "POST", url: "Patient" } },
    put(report, `urn:uuid:report-${spec.accession}`),
    ...observations.map((o, i) => put(o, observationUrls[i]!)),
  ];
}

export function transactionBundle(entries: BundleEntry[], type: "transaction" | "batch" = "transaction"): Bundle {
  return { resourceType: "Bundle", type, entry: entries };
}
