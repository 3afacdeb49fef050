// "What's new" (ADR 0006): the changes the care record received in this subgraph's section, derived
// from each row's recorded_at / updated_at (when the record received it, never the clinical times).
import type { ReceivedRow, ResidentChange } from "../../platform/access/record-changes.js";
import type { Section } from "../../platform/access/sections.js";
import type { EpsPrescriptionStatus, MedicationRequestStatus } from "./prisma/generated/enums.js";

/** The sections these changes are in: Resident.recordChanges reports only those the caller may see. */
export const CHANGE_SECTIONS = ["MEDICATIONS"] as const satisfies readonly Section[];

export interface ChangedRows {
  requests: (ReceivedRow & { status: MedicationRequestStatus })[];
  /** EPS prescriptions, with the NHS number of their request. */
  prescriptions: (ReceivedRow & { status: EpsPrescriptionStatus })[];
}

/** No longer to be given: stopped, cancelled, or withdrawn as entered in error after the record showed it. */
const ENDED: ReadonlySet<MedicationRequestStatus> = new Set(["STOPPED", "CANCELLED", "ENTERED_IN_ERROR"]);
const DISPENSED: ReadonlySet<EpsPrescriptionStatus> = new Set(["DISPENSED", "CLAIMED"]);

/** The changes at or after `since` that the rows show. */
export function medicationChanges(rows: ChangedRows, since: Date): ResidentChange[] {
  const out: ResidentChange[] = [];
  const add = (nhsNumber: string, kind: string, at: Date) => {
    if (at >= since) out.push({ nhsNumber, section: "MEDICATIONS", kind, at, abnormal: false });
  };
  for (const r of rows.requests) {
    // Withdrawn before the record ever showed it (it arrived entered in error): nothing to tell.
    if (r.status === "ENTERED_IN_ERROR" && r.updatedAt <= r.recordedAt) continue;
    add(r.nhsNumber, "MEDICINE_PRESCRIBED", r.recordedAt);
    if (ENDED.has(r.status) && r.updatedAt > r.recordedAt) add(r.nhsNumber, "MEDICINE_STOPPED", r.updatedAt);
  }
  for (const p of rows.prescriptions) {
    add(p.nhsNumber, "PRESCRIPTION_ISSUED", p.recordedAt);
    // Also when updated_at = recorded_at: a prescription that arrived already dispensed (or not).
    if (DISPENSED.has(p.status)) add(p.nhsNumber, "PRESCRIPTION_DISPENSED", p.updatedAt);
    else if (p.status === "NOT_DISPENSED") add(p.nhsNumber, "PRESCRIPTION_NOT_DISPENSED", p.updatedAt);
  }
  return out;
}
