// Value helpers every subgraph's FHIR mapping (subgraphs/<name>/fhir.ts) needs the same way: FHIR
// instants and dates read strictly, the version rule's clock-skew limit, business keys and the
// record ids derived from them. Pure: no I/O, no clock.
import { createHash } from "node:crypto";
import type { SubmissionMeta } from "./contract.js";

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

export const nonEmpty = (s: unknown): s is string => typeof s === "string" && s.trim() !== "";

/** Whether a version's meta.lastUpdated is later than its submission's arrival allows (then it is refused). */
export function laterThanReceipt(versionAt: Date, meta: SubmissionMeta): boolean {
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
