// Patient matching for FHIR ingestion (ADR 0008; hazard H1 "wrong patient" in
// docs/clinical-safety/hazard-log.md). An entry is applied to a resident only when all of these
// hold; otherwise it is quarantined for an administrator, with the first rule it failed:
//   1. it names an NHS number, and only one (NO_NHS_NUMBER);
//   2. the number passes Modulus 11 (INVALID_NHS_NUMBER);
//   3. the record knows the number (UNKNOWN_PATIENT): a number first seen in a clinical feed
//      creates nothing, so no care home can be shown data for a person it has not placed;
//   4. the sender gave a date of birth and a family name (DEMOGRAPHICS_MISSING): a number alone,
//      mistyped into a valid one, would otherwise attach data to someone else;
//   5. the date of birth equals the resident's (BIRTH_DATE_MISMATCH), exactly;
//   6. the family name agrees (FAMILY_NAME_MISMATCH) within the tolerance of familyNamesAgree.
// A system that owns demographics (fhir.ts rules 1-3) has its Patient applied, not matched; one
// that would change both the date of birth and the family name is quarantined instead
// (DEMOGRAPHICS_CONFLICT): far more often a wrong number than a person.
import type { NamedPatient } from "../../platform/ingest/contract.js";
import { isValidNhsNumber } from "../../platform/graphql/nhs-number.js";

export type QuarantineReason =
  | "NO_NHS_NUMBER"
  | "INVALID_NHS_NUMBER"
  | "UNKNOWN_PATIENT"
  | "DEMOGRAPHICS_MISSING"
  | "BIRTH_DATE_MISMATCH"
  | "FAMILY_NAME_MISMATCH"
  | "DEMOGRAPHICS_CONFLICT";

/** What the record holds about a resident, for matching. */
export interface RecordedDemographics {
  nhsNumber: string;
  /** YYYY-MM-DD */
  birthDate: string;
  family: string;
}

export type MatchDecision = { matched: string } | { quarantine: QuarantineReason };

/** The NHS number to look up for this patient, or null when rules 1-2 already fail. */
export function candidateNumber(patient: NamedPatient): string | null {
  const n = patient.nhsNumber?.replace(/\s/g, "") ?? null;
  return n !== null && isValidNhsNumber(n) ? n : null;
}

export function decideMatch(patient: NamedPatient, recorded: RecordedDemographics | undefined): MatchDecision {
  if (!patient.nhsNumber) return { quarantine: "NO_NHS_NUMBER" };
  const number = candidateNumber(patient);
  if (!number) return { quarantine: "INVALID_NHS_NUMBER" };
  if (!recorded || recorded.nhsNumber !== number) return { quarantine: "UNKNOWN_PATIENT" };
  if (!patient.birthDate || !patient.family?.trim()) return { quarantine: "DEMOGRAPHICS_MISSING" };
  if (patient.birthDate !== recorded.birthDate) return { quarantine: "BIRTH_DATE_MISMATCH" };
  if (!familyNamesAgree(patient.family, recorded.family)) return { quarantine: "FAMILY_NAME_MISMATCH" };
  return { matched: number };
}

/** Letters only, lower case, accents dropped: "O'Brien" = "obrien", "Zoë" = "zoe"; parts kept apart. */
function nameParts(name: string): string[] {
  return name
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .split(/[\s-]+/)
    .map((part) => part.replace(/[^\p{L}]/gu, ""))
    .filter((part) => part !== "");
}

/**
 * The documented tolerance (README "Patient matching"). The number and date of birth already
 * agree, so this catches a different person only in a mistyped number that also hits someone
 * born the same day; it is there to keep real spellings from being quarantined:
 * - case, accents, apostrophes and spacing are ignored ("o'brien" = "OBrien");
 * - a double-barrelled name agrees with either part ("Smith-Jones" = "Jones");
 * - one letter typed wrong, missing, extra or two swapped, in names of 5 letters or more
 *   ("Thompson" = "Thomson"); never in shorter ones, where one letter is a different name ("Lee"/"Lea").
 */
export function familyNamesAgree(sent: string, recorded: string): boolean {
  const a = nameParts(sent);
  const b = nameParts(recorded);
  if (a.length === 0 || b.length === 0) return false;
  const whole = (parts: string[]) => parts.join("");
  if (whole(a) === whole(b)) return true;
  const [fewer, more] = a.length <= b.length ? [a, b] : [b, a];
  if (fewer.every((part) => more.includes(part))) return true;
  const x = whole(a);
  const y = whole(b);
  return Math.min(x.length, y.length) >= 5 && withinOneEdit(x, y);
}

/** Damerau-Levenshtein distance <= 1 (one substitution, insertion, deletion or adjacent swap). */
function withinOneEdit(x: string, y: string): boolean {
  if (Math.abs(x.length - y.length) > 1) return false;
  let i = 0;
  while (i < x.length && i < y.length && x[i] === y[i]) i++;
  if (x.length === y.length) {
    if (x.slice(i + 1) === y.slice(i + 1)) return true; // substitution
    return x[i] === y[i + 1] && x[i + 1] === y[i] && x.slice(i + 2) === y.slice(i + 2); // swap
  }
  const [shorter, longer] = x.length < y.length ? [x, y] : [y, x];
  return shorter.slice(i) === longer.slice(i + 1);
}
