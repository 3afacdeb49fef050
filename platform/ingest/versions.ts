// Helpers every subgraph's FHIR mapping (subgraphs/<name>/fhir.ts) shares: FHIR date and instant
// parsing, the version a resource carries (meta.lastUpdated) and the clock-skew rule, business keys
// from the sender's identifier, the ids derived from them, and the issue shape. Pure: no I/O, no clock.
import { createHash } from "node:crypto";
import type { FhirIssue, IssueCode, Resource, SubmissionMeta } from "./contract.js";

/**
 * A version dated later than the submission's arrival by more than this is refused: a sender's
 * clock error would otherwise make that version hide every later correction.
 */
export const MAX_CLOCK_SKEW_MS = 5 * 60_000;

/** An error issue naming one element (diagnostics must quote nothing the sender sent). */
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

export const nonEmpty = (s: unknown): s is string => typeof s === "string" && s.trim() !== "";

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
 * The version a resource carries: its meta.lastUpdated as an instant. The issue (naming
 * `<Type>.meta.lastUpdated`) when it is missing or not an instant with a time zone.
 */
export function versionOf(resource: Resource): { at: Date } | { issue: FhirIssue } {
  const at = instant(resource.meta?.lastUpdated);
  if (at) return { at };
  const path = `${resource.resourceType}.meta.lastUpdated`;
  return { issue: fhirError("required", path, `${path} is required as an instant with a time zone (it orders the versions of a resource)`) };
}

/** True when a version is dated later than the submission was received, beyond MAX_CLOCK_SKEW_MS. */
export function tooNew(versionAt: Date, meta: SubmissionMeta): boolean {
  const receivedAt = instant(meta.receivedAt);
  return receivedAt !== null && versionAt.getTime() > receivedAt.getTime() + MAX_CLOCK_SKEW_MS;
}

const sha256 = (parts: unknown[]) => createHash("sha256").update(JSON.stringify(parts)).digest();

/**
 * A resource's business key (a row's source_key): a digest of what names it, always including the
 * sending system's client id and the sender's identifier (system and value), never resource.id
 * alone. The identifier itself is not stored and the key has a fixed length.
 */
export const businessKey = (kind: string, sourceId: string, system: string, value: string): string =>
  sha256([kind, sourceId, system, value]).toString("base64url");

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
 * A record id in the form of every record id (`<PREFIX>-` and 24 letters: no digits, nothing in it
 * can be mistaken for an NHS number) derived from a business key, so every version of a resource
 * has the same id. It carries nothing about the patient.
 */
export const recordIdOfKey = (prefix: string, key: string, ...more: unknown[]): string => `${prefix}-${letters(sha256([prefix, key, ...more]), 24)}`;

/** A PostgreSQL text[] literal (passed as one text parameter and cast, as bulk-insert.ts does). */
export const textArray = (values: readonly string[]): string => `{${values.map((v) => `"${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`).join(",")}}`;
