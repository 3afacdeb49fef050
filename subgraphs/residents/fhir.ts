// FHIR ingestion for the residents subgraph (ADR 0008): it owns who a resident is, so it matches
// every submitted entry's patient (fhir-match.ts) before any other subgraph applies it, and it
// checks the Patient resources senders give as demographics.
import type { Patient } from "@medplum/fhirtypes";
import { NHS_NUMBER_SYSTEM, type FhirIssue, type FhirMapping } from "../../platform/ingest/contract.js";
import type { PatientDecision, PatientMatcher } from "../../platform/ingest/stages.js";
import { candidateNumber, decideMatch, type RecordedDemographics } from "./fhir-match.js";

const issue = (code: FhirIssue["code"], diagnostics: string, expression: string): FhirIssue => ({
  severity: "error",
  code,
  diagnostics,
  expression: [expression],
});

export const residentsFhir: FhirMapping = {
  resourceTypes: ["Patient"],
  validate(entries) {
    const issues = new Map<number, FhirIssue[]>();
    for (const { index, resource } of entries) {
      const patient = resource as Patient;
      const found: FhirIssue[] = [];
      if (!patient.identifier?.some((i) => i.system === NHS_NUMBER_SYSTEM && typeof i.value === "string"))
        found.push(issue("required", `Patient.identifier must include the NHS number (system ${NHS_NUMBER_SYSTEM})`, "Patient.identifier"));
      if (typeof patient.birthDate !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(patient.birthDate))
        found.push(issue("required", "Patient.birthDate is required as YYYY-MM-DD (it is matched against the record)", "Patient.birthDate"));
      if (!patient.name?.some((n) => typeof n.family === "string" && n.family.trim() !== ""))
        found.push(issue("required", "Patient.name.family is required (it is matched against the record)", "Patient.name.family"));
      if (found.length > 0) issues.set(index, found);
    }
    return issues;
  },
};

/** The matcher the residents subgraph runs for the `fhir-match` stage: one read for all of a job's patients. */
export function residentsMatcher(repo: { demographicsOf(nhsNumbers: string[]): Promise<RecordedDemographics[]> }): PatientMatcher {
  return {
    async decide(entries) {
      const numbers = [...new Set(entries.flatMap((e) => (e.patient ? [candidateNumber(e.patient)] : [])).filter((n): n is string => n !== null))];
      const known = new Map((await repo.demographicsOf(numbers)).map((d) => [d.nhsNumber, d]));
      const decisions = new Map<number, PatientDecision>();
      for (const e of entries) {
        const number = e.patient ? candidateNumber(e.patient) : null;
        decisions.set(e.index, e.patient ? decideMatch(e.patient, number ? known.get(number) : undefined) : { quarantine: "NO_NHS_NUMBER" });
      }
      return decisions;
    },
  };
}
