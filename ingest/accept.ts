// Accepting a submission (ADR 0008): every entry is checked before anything is stored; then the
// submission, its log and its first job commit in one transaction, and only then is it
// acknowledged. A transaction Bundle is refused whole if any entry is refused; a batch Bundle goes
// on without its refused entries, each answered with its own OperationOutcome.
import { randomUUID } from "node:crypto";
import type { Database } from "../platform/db/database.js";
import type { FhirIssue, FhirMapping, IngestEntry, SubmissionMeta } from "../platform/ingest/contract.js";
import { logSubmission, type LoggedEntry } from "../platform/ingest/log.js";
import { stageQueue, type IngestQueue } from "../platform/ingest/queue.js";
import { chunkByPatient, MATCH_STAGE } from "../platform/ingest/stages.js";
import type { ParsedSubmission } from "./entries.js";
import { FhirRequestError } from "./outcome.js";
import { fhirError } from "../platform/ingest/fhir-values.js";
import { appendTo } from "../platform/ingest/group.js";
import { mayWrite } from "./auth/access-token.js";

/** Who is sending, as the access token says (ingest/auth). */
export interface Sender {
  clientId: string;
  name: string;
  odsCode: string;
  kind: SubmissionMeta["sourceKind"];
  /** Resource types this token may write. */
  scopes: ReadonlySet<string>;
}

export interface Accepted {
  meta: SubmissionMeta;
  /** Issues of the entries a batch went on without, by index. */
  refused: Map<number, FhirIssue[]>;
  queued: number[];
}

/** Checks every entry: a type some subgraph owns, within the token's scopes, and valid for its owner's mapping. */
export function checkEntries(parsed: ParsedSubmission, sender: Sender, mappings: ReadonlyMap<string, FhirMapping>): Map<number, FhirIssue[]> {
  const issues = new Map(parsed.issues);
  const add = (index: number, issue: FhirIssue) => appendTo(issues, index, issue);
  const byMapping = new Map<FhirMapping, IngestEntry[]>();
  for (const entry of parsed.entries) {
    const type = entry.resource.resourceType;
    const at = parsed.interaction === "transaction" || parsed.interaction === "batch" ? `Bundle.entry[${entry.index}].resource` : type;
    const mapping = mappings.get(type);
    if (!mapping) add(entry.index, fhirError("not-supported", at, `${type} is not accepted by this service`));
    else if (!mayWrite(sender, type)) add(entry.index, fhirError("forbidden", at, `this source system may not write ${type}`));
    else if (type !== "Patient" && entry.patient && !(entry.patient.nhsNumber && entry.patient.birthDate && entry.patient.family))
      // Refused at the door rather than quarantined: the sender can fix it at once.
      add(
        entry.index,
        fhirError("required", `${at}.subject`, "name the patient by NHS number and give their Patient (birthDate, name.family) in the Bundle or contained"),
      );
    else appendTo(byMapping, mapping, entry);
  }
  for (const [mapping, entries] of byMapping) for (const [index, found] of mapping.validate(entries)) for (const issue of found) add(index, issue);
  return issues;
}

/** Stores what may go on and queues it for matching; resolves once it is durable. */
export async function accept(db: Database, queue: IngestQueue, sender: Sender, parsed: ParsedSubmission, issues: Map<number, FhirIssue[]>): Promise<Accepted> {
  const errors = new Map([...issues].filter(([, found]) => found.some((i) => i.severity === "error" || i.severity === "fatal")));
  if (errors.size > 0 && parsed.interaction !== "batch") {
    // Forbidden wins: a sender should learn it lacks the scope before it fixes anything else.
    const all = [...errors.values()].flat();
    throw new FhirRequestError(all.some((i) => i.code === "forbidden") ? 403 : 400, all);
  }
  const going = parsed.entries.filter((e) => !errors.has(e.index));
  if (going.length === 0) throw new FhirRequestError(400, [...errors.values()].flat());
  const meta: SubmissionMeta = {
    submissionId: randomUUID(),
    sourceId: sender.clientId,
    sourceSystem: sender.name,
    senderOds: sender.odsCode,
    sourceKind: sender.kind,
    receivedAt: new Date().toISOString(),
  };
  const typeAt = new Map(parsed.entries.map((e) => [e.index, e.resource.resourceType]));
  const logged: LoggedEntry[] = [
    ...going.map((e) => ({ index: e.index, resourceType: e.resource.resourceType, status: "QUEUED" as const })),
    ...[...errors].map(([index, found]) => ({
      index,
      resourceType: typeAt.get(index) ?? "unreadable",
      status: "REJECTED" as const,
      reason: found[0]!.diagnostics,
    })),
  ];
  await db.transaction(async (tx) => {
    await logSubmission(tx, meta, parsed.interaction, logged);
    await queue.send(
      tx,
      chunkByPatient(going, (e) => e.patient?.nhsNumber ?? "").map((entries) => ({ queue: stageQueue(MATCH_STAGE), data: { meta, entries } })),
    );
  });
  queue.wake(stageQueue(MATCH_STAGE));
  return { meta, refused: errors, queued: going.map((e) => e.index) };
}
