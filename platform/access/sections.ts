// The sections of a resident's record that access rules and the audit speak about. Each maps to
// one or more GraphQL fields on Resident (see docs/access-policy.md); which fields, each subgraph's
// manifest says (subgraphs/<name>/manifest.ts, merged in subgraphs/registry.ts).
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
