// "What's new" (ADR 0006): the changes the care record received in this subgraph's sections, derived
// from each report's recorded_at / updated_at (when the record received it, never the clinical times).
import type { ResidentChange } from "../../platform/access/record-changes.js";
import type { Section } from "../../platform/access/sections.js";
import type { DiagnosticReportStatus } from "./prisma/generated/enums.js";

/** The sections these changes are in: Resident.recordChanges reports only those the caller may see. */
export const CHANGE_SECTIONS = ["DIAGNOSTIC_REPORTS"] as const satisfies readonly Section[];

export interface ChangedReport {
  nhsNumber: string;
  status: DiagnosticReportStatus;
  abnormal: boolean;
  recordedAt: Date;
  updatedAt: Date;
}

/** A report that is no result (yet, or any more): nothing to tell. */
const NO_RESULT: ReadonlySet<DiagnosticReportStatus> = new Set(["CANCELLED", "REGISTERED"]);
/** A result issued again, changed, added to, or withdrawn as entered in error (someone may have acted on it). */
const AMENDED: ReadonlySet<DiagnosticReportStatus> = new Set(["AMENDED", "CORRECTED", "APPENDED", "ENTERED_IN_ERROR"]);

/** The changes at or after `since` that the reports show (their observations are not changes of their own). */
export function labsChanges(reports: ChangedReport[], since: Date): ResidentChange[] {
  const out: ResidentChange[] = [];
  const add = (r: ChangedReport, kind: string, at: Date) => {
    if (at >= since) out.push({ nhsNumber: r.nhsNumber, section: "DIAGNOSTIC_REPORTS", kind, at, abnormal: r.abnormal });
  };
  for (const r of reports) {
    if (NO_RESULT.has(r.status)) continue;
    // Withdrawn before the record ever showed it (it arrived entered in error): nothing to tell.
    if (r.status === "ENTERED_IN_ERROR" && r.updatedAt <= r.recordedAt) continue;
    add(r, "RESULT_RECEIVED", r.recordedAt);
    if (AMENDED.has(r.status) && r.updatedAt > r.recordedAt) add(r, "RESULT_AMENDED", r.updatedAt);
  }
  return out;
}
