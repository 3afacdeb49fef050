// "What's new" (ADR 0006): the changes the care record received in this subgraph's section. The
// lifecycle happens in the care record itself, so its own times are the ones: submitted_at and
// approved_at. A review that has fallen due is a standing state, not an event: reported while the
// current plan is overdue, as of the review date or the start of the look back, whichever is later.
import type { ResidentChange } from "../../platform/access/record-changes.js";
import type { Section } from "../../platform/access/sections.js";
import type { CarePlanStatus } from "./prisma/generated/enums.js";

/** The sections these changes are in: Resident.recordChanges reports only those the caller may see. */
export const CHANGE_SECTIONS = ["CARE_PLAN"] as const satisfies readonly Section[];

export interface ChangedPlan {
  nhsNumber: string;
  status: CarePlanStatus;
  submittedAt: Date | null;
  approvedAt: Date | null;
  /** A date (00:00 UTC). */
  reviewDate: Date | null;
}

/** The start (00:00 UTC) of the day `now` is in: a review date on or before it is due. */
export const startOfUtcDay = (now: Date) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));

/** The changes at or after `since` that the plans show. */
export function carePlanChanges(plans: ChangedPlan[], since: Date, now = new Date()): ResidentChange[] {
  const out: ResidentChange[] = [];
  const add = (p: ChangedPlan, kind: string, at: Date | null) => {
    if (at && at >= since) out.push({ nhsNumber: p.nhsNumber, section: "CARE_PLAN", kind, at, abnormal: false });
  };
  const today = startOfUtcDay(now);
  for (const p of plans) {
    add(p, "CARE_PLAN_SUBMITTED", p.submittedAt);
    add(p, "CARE_PLAN_APPROVED", p.approvedAt);
    if (p.status === "APPROVED" && p.reviewDate && p.reviewDate <= today)
      add(p, "CARE_PLAN_REVIEW_DUE", new Date(Math.max(startOfUtcDay(p.reviewDate).getTime(), since.getTime())));
  }
  return out;
}
