// The sections of a resident's record that access rules and the audit speak about. Each maps to
// one or more GraphQL fields on Resident (see docs/access-policy.md).
export const SECTIONS = [
  "DEMOGRAPHICS",
  "PLACEMENTS",
  "ALLERGIES",
  "CONDITIONS",
  "DISCHARGE_SUMMARIES",
  "HOSPITAL_STAYS",
  "EMERGENCY_CARE",
  "DIAGNOSTIC_REPORTS",
  "MEDICATIONS",
  "CARE_PLAN",
  "CARE_PLAN_HISTORY",
] as const;
export type Section = (typeof SECTIONS)[number];

/**
 * Which section each field of Resident belongs to. Every field of Resident in the client schema
 * must be listed (test/audit-sections.test.ts), so a new field cannot escape the rules or the audit.
 * `null` marks the key itself, which identifies the resident and is not a section.
 */
export const RESIDENT_FIELD_SECTIONS: Record<string, Section | null> = {
  nhsNumber: null,
  name: "DEMOGRAPHICS",
  dateOfBirth: "DEMOGRAPHICS",
  sex: "DEMOGRAPHICS",
  gpPractice: "DEMOGRAPHICS",
  currentPlacement: "DEMOGRAPHICS",
  sharingObjection: "DEMOGRAPHICS",
  provenance: "DEMOGRAPHICS",
  placements: "PLACEMENTS",
  allergies: "ALLERGIES",
  conditions: "CONDITIONS",
  dischargeSummaries: "DISCHARGE_SUMMARIES",
  currentHospitalStay: "HOSPITAL_STAYS",
  hospitalStays: "HOSPITAL_STAYS",
  emergencyCareSummaries: "EMERGENCY_CARE",
  diagnosticReports: "DIAGNOSTIC_REPORTS",
  medications: "MEDICATIONS",
  carePlan: "CARE_PLAN",
  carePlanHistory: "CARE_PLAN_HISTORY",
};
