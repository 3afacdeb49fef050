// Value helpers every subgraph's FHIR mapping (subgraphs/<name>/fhir.ts) needs the same way: FHIR
// instants and dates read strictly, the version rule's clock-skew limit, business keys and the
// record ids derived from them. Pure: no I/O, no clock.
import { createHash } from "node:crypto";
import type { CodeableConcept, Reference, Resource } from "@medplum/fhirtypes";
import type { FhirIssue, IssueCode, SubmissionMeta } from "./contract.js";

/** A version dated later than the submission's arrival by more than this is refused (a sender's clock error would hide every later correction). */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2}))?$/;

/** A calendar date that exists (2025-02-30 does not; Date would roll it over). */
function realDate(text: string): boolean {
  const [y, m, d] = text.slice(0, 10).split("-").map(Number) as [number, number, number];
  const at = new Date(Date.UTC(y, m - 1, d));
  return at.getUTCFullYear() === y && at.getUTCMonth() === m - 1 && at.getUTCDate() === d;
}

/** A FHIR instant (date, time and zone required), or null. */
export function instant(text: unknown): Date | null {
  if (typeof text !== "string" || !INSTANT.test(text) || !realDate(text)) return null;
  const at = new Date(text);
  return Number.isNaN(at.getTime()) ? null : at;
}

/** A FHIR dateTime to the day at least (a date alone is taken as its midnight UTC), or null. */
export function dateTime(text: unknown): Date | null {
  if (typeof text !== "string" || !DATE_TIME.test(text) || !realDate(text)) return null;
  const at = new Date(text.length === 10 ? `${text}T00:00:00Z` : text);
  return Number.isNaN(at.getTime()) ? null : at;
}

/**
 * The day of a FHIR date or dateTime (YYYY-MM-DD, as sent: a dateTime's own calendar day, not
 * converted to UTC), or null. A partial date (YYYY or YYYY-MM) is null: it names no day.
 */
export function fhirDay(text: unknown): string | null {
  if (typeof text !== "string" || !DATE_TIME.test(text) || !realDate(text)) return null;
  return text.slice(0, 10);
}

export const nonEmpty = (s: unknown): s is string => typeof s === "string" && s.trim() !== "";

export const finite = (n: unknown): n is number => typeof n === "number" && Number.isFinite(n);

/** Whether a subject is named at all (by reference or identifier); who it is, is the matcher's business. */
export const hasSubject = (subject: Reference | undefined) => nonEmpty(subject?.reference) || nonEmpty(subject?.identifier?.value);

/** An entry's refusal as an outcome reason: its error issues' diagnostics (which quote nothing the sender sent). */
export const refusalReason = (issues: readonly FhirIssue[] | undefined) =>
  (issues ?? [])
    .filter((i) => i.severity === "error" || i.severity === "fatal")
    .map((i) => i.diagnostics)
    .join("; ");

export const fhirError = (code: IssueCode, expression: string, diagnostics: string): FhirIssue => ({
  severity: "error",
  code,
  diagnostics,
  expression: [expression],
});

/** A warning issue: the entry is accepted; the sender learns something was not taken. */
export const fhirWarning = (code: IssueCode, expression: string, diagnostics: string): FhirIssue => ({
  severity: "warning",
  code,
  diagnostics,
  expression: [expression],
});

/**
 * The version of a resource: its meta.lastUpdated, which every version must carry, no later than
 * the submission's arrival plus MAX_CLOCK_SKEW_MS. Otherwise the issue that refuses it.
 */
export function versionOf(resource: Resource, meta: Pick<SubmissionMeta, "receivedAt"> | null): { at: Date } | { issue: FhirIssue } {
  const path = `${resource.resourceType}.meta.lastUpdated`;
  const at = instant(resource.meta?.lastUpdated);
  if (!at)
    return {
      issue: fhirError(
        resource.meta?.lastUpdated === undefined ? "required" : "value",
        path,
        `${path} is required as an instant with a time zone (it orders the versions)`,
      ),
    };
  if (meta && laterThanReceipt(at, meta)) return { issue: fhirError("value", path, `${path} is later than the submission was received`) };
  return { at };
}

/** The first identifier with system and value: a resource's business identifier, the same in every version. */
export function businessIdentifier(resource: { identifier?: { system?: string; value?: string }[] }): { system: string; value: string } | null {
  const found = resource.identifier?.find((i) => nonEmpty(i.system) && nonEmpty(i.value));
  return found ? { system: found.system!, value: found.value! } : null;
}

/** Code and display of a CodeableConcept: a coding with code and display, or text (then the code is empty). */
export function codeOf(concept: CodeableConcept | undefined): { code: string; display: string } | null {
  const coding = concept?.coding?.find((c) => nonEmpty(c.code));
  const display = nonEmpty(coding?.display) ? coding.display : nonEmpty(concept?.text) ? concept.text : null;
  return display === null ? null : { code: coding?.code ?? "", display };
}

/** Every code of a CodeableConcept from `system` (or from any system when none is given). */
export function codesOf(concept: CodeableConcept | undefined, system?: string): string[] {
  return (concept?.coding ?? []).filter((c) => nonEmpty(c.code) && (system === undefined || c.system === system)).map((c) => c.code!);
}

/** Whether a version's meta.lastUpdated is later than its submission's arrival allows (then it is refused). */
export function laterThanReceipt(versionAt: Date, meta: Pick<SubmissionMeta, "receivedAt">): boolean {
  const receivedAt = instant(meta.receivedAt);
  return receivedAt !== null && versionAt.getTime() > receivedAt.getTime() + MAX_CLOCK_SKEW_MS;
}

const sha256 = (parts: unknown[]) => createHash("sha256").update(JSON.stringify(parts)).digest();

/**
 * A business key (a `source_key` column): a digest of what names the item (e.g. the resource type,
 * the sending system and its identifier's system and value), so the identifier itself is not stored
 * and the key has a fixed length.
 */
export const businessKey = (...parts: string[]): string => sha256(parts).toString("base64url");

/** A sender's resource's business key: its kind, the sending system and its business identifier. */
export const sourceKeyOf = (kind: string, sourceId: string, identifier: { system: string; value: string }): string =>
  businessKey(kind, sourceId, identifier.system, identifier.value);

/** The `length` low base-26 digits of `bytes` as lower-case letters (the body of an opaque id, platform/ids/opaque-id.ts). */
function letters(bytes: Buffer, length: number): string {
  let n = BigInt(`0x${bytes.toString("hex")}`);
  let out = "";
  for (let i = 0; i < length; i++) {
    out = String.fromCharCode(97 + Number(n % 26n)) + out;
    n /= 26n;
  }
  return out;
}

/**
 * A record id in the form of every record id (a prefix and 24 letters: no digits, so nothing in one
 * can be mistaken for an NHS number), derived from a business key so every version of an item has
 * the same id. It carries nothing about the patient.
 */
export const keyedRecordId = (prefix: string, ...key: string[]): string => `${prefix}-${letters(sha256([prefix, ...key]), 24)}`;
