// "What's new" (ADR 0006): the changes the care record received in this subgraph's sections, derived
// from each row's recorded_at / updated_at (when the record received it, never the clinical times).
import type { ReceivedRow, ResidentChange } from "../../platform/access/record-changes.js";
import type { Section } from "../../platform/access/sections.js";
import type { HospitalStayStatus } from "./prisma/generated/enums.js";

/** The sections these changes are in: Resident.recordChanges reports only those the caller may see. */
export const CHANGE_SECTIONS = ["DISCHARGE_SUMMARIES", "HOSPITAL_STAYS", "EMERGENCY_CARE"] as const satisfies readonly Section[];

export interface ChangedRows {
  summaries: ReceivedRow[];
  stays: (ReceivedRow & { status: HospitalStayStatus })[];
  emergencyCare: ReceivedRow[];
}

/** The changes at or after `since` that the rows show. */
export function dischargeChanges(rows: ChangedRows, since: Date): ResidentChange[] {
  const out: ResidentChange[] = [];
  const add = (nhsNumber: string, section: Section, kind: string, at: Date) => {
    if (at >= since) out.push({ nhsNumber, section, kind, at, abnormal: false });
  };
  for (const s of rows.summaries) {
    add(s.nhsNumber, "DISCHARGE_SUMMARIES", "DISCHARGE_SUMMARY_RECEIVED", s.recordedAt);
    if (s.updatedAt > s.recordedAt) add(s.nhsNumber, "DISCHARGE_SUMMARIES", "DISCHARGE_SUMMARY_AMENDED", s.updatedAt);
  }
  for (const s of rows.stays) {
    add(s.nhsNumber, "HOSPITAL_STAYS", "ADMITTED", s.recordedAt);
    // Also when updated_at = recorded_at: a stay that arrived already finished was both admitted and discharged.
    if (s.status === "FINISHED") add(s.nhsNumber, "HOSPITAL_STAYS", "DISCHARGED", s.updatedAt);
  }
  for (const e of rows.emergencyCare) add(e.nhsNumber, "EMERGENCY_CARE", "EMERGENCY_ATTENDANCE", e.recordedAt);
  return out;
}
