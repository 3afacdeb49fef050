// What is new for one caller in one resident's record (ADR 0006), from the changes the sections'
// subgraphs reported and the caller's last looks (the audit's rollup). Pure: no I/O, no clock.
import type { RoleGroup } from "../../../platform/access/policy.js";
import { toldOfChanges } from "../../../platform/access/record-changes.js";
import { CHANGING_SECTIONS, type ChangingSection } from "./sections.js";

/** The ChangeKind values of the schema; a change of any other kind (a newer subgraph) is not shown. */
export const CHANGE_KINDS = [
  "DISCHARGE_SUMMARY_RECEIVED",
  "DISCHARGE_SUMMARY_AMENDED",
  "ADMITTED",
  "DISCHARGED",
  "EMERGENCY_ATTENDANCE",
  "RESULT_RECEIVED",
  "RESULT_AMENDED",
  "MEDICINE_PRESCRIBED",
  "MEDICINE_STOPPED",
  "PRESCRIPTION_ISSUED",
  "PRESCRIPTION_DISPENSED",
  "PRESCRIPTION_NOT_DISPENSED",
  "CARE_PLAN_SUBMITTED",
  "CARE_PLAN_APPROVED",
  "CARE_PLAN_REVIEW_DUE",
] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];
const KINDS: ReadonlySet<string> = new Set(CHANGE_KINDS);

/** At most this many changes listed per section (the count covers them all). */
export const MAX_LISTED_CHANGES = 20;

export interface Change {
  kind: ChangeKind;
  at: Date;
  abnormal: boolean;
}

/** What a section's subgraph answered: its changes, or that it did not answer. */
export type SectionChanges = { changes: Change[] } | { outage: { sourceSystem: string; since: Date } };

export interface LastLook {
  viewedAt: Date | null;
  acknowledgedUpTo: Date | null;
}

export interface UnseenSection {
  section: ChangingSection;
  status: "NEW" | "UP_TO_DATE" | "UNAVAILABLE";
  count: number | null;
  since: Date | null;
  lastLookedAt: Date | null;
  abnormal: boolean;
  changes: Change[] | null;
  outage: { sourceSystem: string; since: Date } | null;
}

export interface ResidentUnseen {
  count: number;
  since: Date | null;
  newestAt: Date | null;
  abnormal: boolean;
  incomplete: boolean;
  sections: UnseenSection[];
}

/** Keeps the changes of kinds the schema knows, whatever a subgraph sent. */
export const knownChanges = (rows: { kind: string; at: Date; abnormal: boolean }[]): Change[] =>
  rows.filter((r): r is Change => KINDS.has(r.kind)).map((r) => ({ kind: r.kind, at: r.at, abnormal: r.abnormal }));

/**
 * Up to when the caller has seen a section. A view is recorded once its answer is complete, so the
 * subgraph read the section up to `viewMarginMs` (the request deadline) earlier: a change received
 * in that margin may not have been shown and stays new. An acknowledgement is exact (seen_up_to).
 */
export function seenUpTo(look: LastLook | undefined, viewMarginMs: number): Date | null {
  const viewed = look?.viewedAt ? look.viewedAt.getTime() - viewMarginMs : null;
  const acknowledged = look?.acknowledgedUpTo?.getTime() ?? null;
  const latest = Math.max(viewed ?? -Infinity, acknowledged ?? -Infinity);
  return Number.isFinite(latest) ? new Date(latest) : null;
}

/** The caller's last look as shown: the view itself (not the margin) or the acknowledgement, whichever is later. */
function lastLookedAt(look: LastLook | undefined): Date | null {
  const times = [look?.viewedAt, look?.acknowledgedUpTo].filter((t): t is Date => t instanceof Date);
  return times.length ? new Date(Math.max(...times.map((t) => t.getTime()))) : null;
}

const oldest = (dates: Date[]) => (dates.length ? new Date(Math.min(...dates.map((d) => d.getTime()))) : null);
const newest = (dates: Date[]) => (dates.length ? new Date(Math.max(...dates.map((d) => d.getTime()))) : null);

export function residentUnseen(
  group: RoleGroup,
  answers: ReadonlyMap<ChangingSection, SectionChanges>,
  looks: ReadonlyMap<ChangingSection, LastLook>,
  viewMarginMs: number,
): ResidentUnseen {
  const sections: UnseenSection[] = [];
  for (const section of CHANGING_SECTIONS) {
    // A section the caller may not see in full is left out: even its count would say something happened.
    if (!toldOfChanges(group, section)) continue;
    const answer = answers.get(section);
    const look = looks.get(section);
    if (!answer || "outage" in answer) {
      const outage = answer && "outage" in answer ? answer.outage : null;
      sections.push({ section, status: "UNAVAILABLE", count: null, since: null, lastLookedAt: lastLookedAt(look), abnormal: false, changes: null, outage });
      continue;
    }
    const horizon = seenUpTo(look, viewMarginMs);
    const unseen = answer.changes.filter((c) => !horizon || c.at > horizon).sort((a, b) => b.at.getTime() - a.at.getTime());
    sections.push({
      section,
      status: unseen.length ? "NEW" : "UP_TO_DATE",
      count: unseen.length,
      since: oldest(unseen.map((c) => c.at)),
      lastLookedAt: lastLookedAt(look),
      abnormal: unseen.some((c) => c.abnormal),
      changes: unseen.slice(0, MAX_LISTED_CHANGES),
      outage: null,
    });
  }
  const answered = sections.filter((s) => s.status !== "UNAVAILABLE");
  const all = answered.flatMap((s) => (s.count ? [s.since!] : []));
  return {
    count: answered.reduce((n, s) => n + (s.count ?? 0), 0),
    since: oldest(all),
    newestAt: newest(answered.flatMap((s) => (s.changes?.length ? [s.changes[0]!.at] : []))),
    abnormal: answered.some((s) => s.abnormal),
    incomplete: sections.some((s) => s.status === "UNAVAILABLE"),
    sections,
  };
}
