// "What's new" (ADR 0006): the changes the care record received in this subgraph's sections, derived
// from each row's recorded_at / updated_at (when the record received it, never the clinical times).
import type { ReceivedRow, ResidentChange } from "../../platform/access/record-changes.js";
import type { Section } from "../../platform/access/sections.js";
import type { DischargeSummaryStatus, HospitalStayStatus, Retraction } from "./prisma/generated/enums.js";

/** The sections these changes are in: Resident.recordChanges reports only those the caller may see. */
export const CHANGE_SECTIONS = ["DISCHARGE_SUMMARIES", "HOSPITAL_STAYS", "EMERGENCY_CARE"] as const satisfies readonly Section[];

export interface ChangedRows {
  /** status: as sent (seeded summaries are FINAL). */
  summaries: (ReceivedRow & { status?: DischargeSummaryStatus })[];
  /** retracted: withdrawn by the hospital (FHIR ingestion), in no view. */
  stays: (ReceivedRow & { status: HospitalStayStatus; retracted?: Retraction | null })[];
  emergencyCare: (ReceivedRow & { retracted?: Retraction | null })[];
}

/** The changes at or after `since` that the rows show. */
export function dischargeChanges(rows: ChangedRows, since: Date): ResidentChange[] {
  const out: ResidentChange[] = [];
  const add = (nhsNumber: string, section: Section, kind: string, at: Date) => {
    if (at >= since) out.push({ nhsNumber, section, kind, at, abnormal: false });
  };
  for (const s of rows.summaries) {
    // Withdrawn before the record ever showed it (it arrived entered in error): nothing to tell. A
    // summary withdrawn after it was shown is AMENDED (someone may have acted on it).
    if (s.status === "ENTERED_IN_ERROR" && s.updatedAt <= s.recordedAt) continue;
    add(s.nhsNumber, "DISCHARGE_SUMMARIES", "DISCHARGE_SUMMARY_RECEIVED", s.recordedAt);
    if (s.updatedAt > s.recordedAt) add(s.nhsNumber, "DISCHARGE_SUMMARIES", "DISCHARGE_SUMMARY_AMENDED", s.updatedAt);
  }
  // A withdrawn stay or contact is in no view, so no change points at it (ChangeKind has no
  // "withdrawn" kind for these sections).
  for (const s of rows.stays) {
    if (s.retracted) continue;
    add(s.nhsNumber, "HOSPITAL_STAYS", "ADMITTED", s.recordedAt);
    // Also when updated_at = recorded_at: a stay that arrived already finished was both admitted and discharged.
    if (s.status === "FINISHED") add(s.nhsNumber, "HOSPITAL_STAYS", "DISCHARGED", s.updatedAt);
  }
  for (const e of rows.emergencyCare) if (!e.retracted) add(e.nhsNumber, "EMERGENCY_CARE", "EMERGENCY_ATTENDANCE", e.recordedAt);
  return out;
}
