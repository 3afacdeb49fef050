// Lists stored as the source system sent them (JSONB: a discharge summary's diagnoses, a care
// plan's goals, an allergy's reactions) are checked entry by entry on the way out. One malformed
// entry is left out on its own, never the whole list: a clinician shown "no medication changes"
// because one change was malformed would be misled. What is left out is logged (the field and how
// many, never the content) and counted in carerecord_stored_entries_dropped_total, so the source
// feed can be fixed.
import type { z } from "zod";
import { logger } from "../observability/logger.js";
import { metrics } from "../observability/metrics.js";

/** The entries of `value` that fit `entry`; `field` names the list (Type.field) in the log and metric. */
export function storedList<T>(field: string, entry: z.ZodType<T>, value: unknown): T[] {
  if (value === null || value === undefined) return [];
  // Not a list at all: nothing in it can be read; counted as one entry left out.
  const items: unknown[] = Array.isArray(value) ? value : [Symbol("not a list")];
  const kept: T[] = [];
  for (const item of items) {
    const parsed = entry.safeParse(item);
    if (parsed.success) kept.push(parsed.data);
  }
  const dropped = items.length - kept.length;
  if (dropped > 0) {
    metrics.storedEntriesDropped.inc({ field }, dropped);
    logger.warn({ field, dropped, of: items.length }, "stored list entries left out: they do not fit their shape");
  }
  return kept;
}
