// Reading FHIR values the same way in every subgraph's mapping (subgraphs/<name>/fhir.ts): instants
// and dates that exist, the version a resource carries (meta.lastUpdated) and the business key of
// a sender's resource. Pure: no I/O, no clock.
import { createHash } from "node:crypto";
import type { CodeableConcept, Resource } from "@medplum/fhirtypes";
import type { FhirIssue, IssueCode, SubmissionMeta } from "./contract.js";

/** A version dated later than the submission's arrival by more than this is refused (a sender's clock error would hide every later correction). */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2}))?$/;

export const fhirError = (code: IssueCode, expression: string, diagnostics: string): FhirIssue => ({
  severity: "error",
  code,
  diagnostics,
  expression: [expression],
});

export const nonEmpty = (s: unknown): s is string => typeof s === "string" && s.trim() !== "";

/** A calendar date that exists (2025-02-30 does not; Date would roll it over). */
function realDate(text: string): boolean {
  const [y, m, d] = text.slice(0, 10).split("-").map(Number) as [number, number, number];
  const at = new Date(Date.UTC(y, m - 1, d));
  return at.getUTCFullYear() === y && at.getUTCMonth() === m - 1 && at.getUTCDate() === d;
}

/** A FHIR instant (date, time and zone required), or null. */
export function fhirInstant(text: unknown): Date | null {
  if (typeof text !== "string" || !INSTANT.test(text) || !realDate(text)) return null;
  const at = new Date(text);
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

/**
 * The version of a resource: its meta.lastUpdated, which every version must carry, no later than
 * the submission's arrival plus MAX_CLOCK_SKEW_MS. Otherwise the issue that refuses it.
 */
export function versionOf(resource: Resource, meta: Pick<SubmissionMeta, "receivedAt"> | null): { at: Date } | { issue: FhirIssue } {
  const path = `${resource.resourceType}.meta.lastUpdated`;
  const at = fhirInstant(resource.meta?.lastUpdated);
  if (!at)
    return {
      issue: fhirError(
        resource.meta?.lastUpdated === undefined ? "required" : "value",
        path,
        `${path} is required as an instant with a time zone (it orders the versions)`,
      ),
    };
  const received = meta ? fhirInstant(meta.receivedAt) : null;
  if (received && at.getTime() > received.getTime() + MAX_CLOCK_SKEW_MS)
    return { issue: fhirError("value", path, `${path} is later than the submission was received`) };
  return { at };
}

/** The first identifier with system and value: a resource's business identifier, the same in every version. */
export function businessIdentifier(resource: { identifier?: { system?: string; value?: string }[] }): { system: string; value: string } | null {
  const found = resource.identifier?.find((i) => nonEmpty(i.system) && nonEmpty(i.value));
  return found ? { system: found.system!, value: found.value! } : null;
}

/**
 * A resource's business key (its table's source_key): a digest of its kind, the sending system
 * and its identifier, so two senders never address each other's records, the identifier itself is
 * not stored, and the key has a fixed length.
 */
export function sourceKeyOf(kind: string, sourceId: string, identifier: { system: string; value: string }): string {
  return createHash("sha256")
    .update(JSON.stringify([kind, sourceId, identifier.system, identifier.value]))
    .digest("base64url");
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

/** A PostgreSQL text[] literal (passed as one text parameter and cast, as bulk-insert.ts does). */
export const textArray = (values: readonly string[]) => `{${values.map((v) => `"${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`).join(",")}}`;

/** A row with its fields as column names (for jsonb_to_recordset). */
export const snakeKeys = (row: object) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), v]));
