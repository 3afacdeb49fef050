// What FHIR ingestion (ADR 0008) passes between its parts: the front door (ingest/), which
// authenticates a source system, validates its submission and stores it before answering; the
// residents subgraph, which matches every entry's patient; and the subgraph that owns each
// resource type, which maps it onto its tables (subgraphs/<name>/fhir.ts) and applies it.
import type { Resource } from "@medplum/fhirtypes";

export type { Resource } from "@medplum/fhirtypes";

/** The NHS number system (UK Core). */
export const NHS_NUMBER_SYSTEM = "https://fhir.nhs.uk/Id/nhs-number";

/** The patient an entry names, as the sender gave it (before matching; nothing here is trusted yet). */
export interface NamedPatient {
  /** As sent, not yet checked (Modulus 11 is the matcher's first test). */
  nhsNumber: string | null;
  /** YYYY-MM-DD as sent in the Patient the entry refers to, or null when none was given. */
  birthDate: string | null;
  /** Family name as sent, or null when none was given. */
  family: string | null;
}

/** One resource of a submission on its way to the subgraph that owns its type. */
export interface IngestEntry<R extends Resource = Resource> {
  /** Its position in the submission (the Bundle entry index; 0 for a single resource). */
  index: number;
  resource: R;
  /** Bundle entry fullUrl, used to follow references inside the submission. */
  fullUrl: string | null;
  /** The patient it names (resolved at the front door from its subject reference); null for a Patient itself or a resource about no patient. */
  patient: NamedPatient | null;
}

/** Who sent a submission and when it was received; stored with every applied row as provenance. */
export interface SubmissionMeta {
  submissionId: string;
  /** The source system's client id (the SMART backend-services `iss`). */
  sourceId: string;
  /** The source system as provenance shows it, e.g. "Synnovis LIMS (St Thomas')". */
  sourceSystem: string;
  /** The sending organisation's ODS code. */
  senderOds: string;
  /**
   * What kind of system sent it (ingest/sources.ts). Demographics and placements are changed only
   * by the kinds that own them (GP and care home systems); other senders' Patient resources are
   * demographics to match against, nothing more.
   */
  sourceKind: "laboratory" | "pharmacy" | "hospital" | "gp_system" | "care_home_system";
  /** ISO instant the front door stored the submission. */
  receivedAt: string;
}

/**
 * What became of one entry. APPLIED: the record now shows it. DUPLICATE: this version was applied
 * before (nothing changed). SUPERSEDED: a newer version is already applied (nothing changed).
 * QUARANTINED: its patient could not be matched safely; an administrator decides. REJECTED: it
 * cannot be applied (the reason says why); the sender must correct and resend.
 */
export type EntryStatus = "APPLIED" | "DUPLICATE" | "SUPERSEDED" | "QUARANTINED" | "REJECTED";

export interface EntryOutcome {
  index: number;
  status: EntryStatus;
  /** Why, for anything but APPLIED; no clinical content (it is shown to the sender and logged). */
  reason?: string;
}

/** FHIR IssueType codes this service answers with (OperationOutcome.issue.code). */
export type IssueCode =
  | "invalid"
  | "structure"
  | "required"
  | "value"
  | "invariant"
  | "security"
  | "login"
  | "forbidden"
  | "not-supported"
  | "not-found"
  | "duplicate"
  | "too-costly"
  | "conflict"
  | "processing"
  | "transient"
  | "exception"
  | "informational";

/** One OperationOutcome issue; diagnostics never quote clinical content back. */
export interface FhirIssue {
  severity: "fatal" | "error" | "warning" | "information";
  code: IssueCode;
  diagnostics: string;
  /** FHIRPath of the offending element, e.g. `DiagnosticReport.status`. */
  expression?: string[];
}

/**
 * How a subgraph takes its FHIR resources (subgraphs/<name>/fhir.ts beside its repository). The
 * front door calls `validate` before it acknowledges anything; the subgraph's worker calls
 * `apply` with entries whose patient has been matched.
 */
export interface FhirMapping {
  /** The resource types this subgraph owns; no two subgraphs own one. */
  readonly resourceTypes: readonly string[];
  /**
   * Structural checks of this subgraph's entries of one submission (all at once, so references
   * between them can be followed). Returns the issues per entry index; an entry with an error is
   * refused before anything is stored.
   */
  validate(entries: readonly IngestEntry[]): Map<number, FhirIssue[]>;
}

/** An entry whose patient the residents subgraph has matched: `nhsNumber` is a known resident's, checked. */
export interface MatchedEntry<R extends Resource = Resource> extends IngestEntry<R> {
  nhsNumber: string;
}

/** Entries of one submission, as a stage's job carries them. */
export interface SubmissionEntries<E extends IngestEntry = IngestEntry> {
  meta: SubmissionMeta;
  entries: E[];
}

/** How a subgraph applies its matched entries (its repository does the writes and purges the caches they affect). */
export interface FhirApplier {
  /**
   * Applies the matched entries of one or more submissions (a worker's batch of jobs), all or
   * nothing: one outcome list per submission, in the batch's order, one outcome per entry in the
   * entries' order. The same entries again are a no-op (APPLIED again when the stored version is
   * the same submission's, DUPLICATE when another's), so a batch that failed part-way can be rerun.
   */
  apply(batch: readonly SubmissionEntries<MatchedEntry>[]): Promise<EntryOutcome[][]>;
}
