// Several submissions applied as one (a worker's batch of jobs, platform/ingest/stages.ts). An
// entry's index is unique only within its submission, so an applier that plans a whole batch in
// one pass first lifts each submission's indexes into one space, then splits its outcomes back.
import type { EntryOutcome, IngestEntry, SubmissionEntries } from "./contract.js";

export interface LiftedBatch<E extends IngestEntry> {
  /** The batch's submissions, their entries' indexes lifted so that none is shared across the batch. */
  parts: SubmissionEntries<E>[];
  /**
   * One outcome list per submission, in its entries' order, with the indexes the sender gave; an
   * entry the applier gave no outcome is REJECTED ("not applied"), never silently dropped.
   */
  split(outcomes: ReadonlyMap<number, EntryOutcome>): EntryOutcome[][];
}

export function liftIndexes<E extends IngestEntry>(batch: readonly SubmissionEntries<E>[]): LiftedBatch<E> {
  const bases: number[] = [];
  let next = 0;
  const parts = batch.map((part) => {
    const base = next;
    bases.push(base);
    let top = -1;
    for (const e of part.entries) top = Math.max(top, e.index);
    next = base + top + 1;
    return { meta: part.meta, entries: part.entries.map((e) => ({ ...e, index: base + e.index })) };
  });
  return {
    parts,
    split: (outcomes) =>
      batch.map((part, i) =>
        part.entries.map((e): EntryOutcome => {
          const found = outcomes.get(bases[i]! + e.index);
          return found ? { ...found, index: e.index } : { index: e.index, status: "REJECTED", reason: "not applied" };
        }),
      ),
  };
}

/** For an applier that applies one submission at a time: the batch's submissions one after the other. */
export async function eachSubmission<E extends IngestEntry>(
  batch: readonly SubmissionEntries<E>[],
  apply: (part: SubmissionEntries<E>) => Promise<EntryOutcome[]>,
): Promise<EntryOutcome[][]> {
  const out: EntryOutcome[][] = [];
  for (const part of batch) out.push(await apply(part));
  return out;
}

/** The rows a mapping made of each submission, as one set: every list field concatenated in the batch's order. */
export function joinRows<T extends { [K in keyof T]: unknown[] }>(parts: readonly T[], empty: T): T {
  const out = { ...empty };
  for (const key of Object.keys(empty) as (keyof T)[]) out[key] = parts.flatMap((p) => p[key]) as T[keyof T];
  return out;
}
