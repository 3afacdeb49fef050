// The FHIR appliers take a batch of submissions (platform/ingest/contract.ts FhirApplier); most
// repository tests apply one submission and look at its outcomes.
import type { EntryOutcome, MatchedEntry, SubmissionEntries, SubmissionMeta } from "../../platform/ingest/contract.js";

export async function applyOne(
  repo: { applyFhir(batch: readonly SubmissionEntries<MatchedEntry>[]): Promise<EntryOutcome[][]> },
  meta: SubmissionMeta,
  entries: readonly MatchedEntry[],
): Promise<EntryOutcome[]> {
  const [outcomes] = await repo.applyFhir([{ meta, entries: [...entries] }]);
  return outcomes!;
}
