/**
 * SNOMED CT 716186003 |No known allergy (situation)|: the GP stating the resident has no known
 * allergies. The allergies section shows it as NONE_KNOWN, never as an allergy (ADR 0005).
 */
export const NO_KNOWN_ALLERGY = "716186003";

/**
 * Every SNOMED CT code that states "no known allergies" of any kind: 716186003 and the older
 * 160244002 |No known allergies (situation)| that records migrated from Read codes carry.
 * Narrower statements ("no known drug allergy", subgraphs/residents/fhir.ts
 * NARROW_NO_KNOWN_ALLERGY_CODES) are not among them: they say nothing about food or anything
 * else, so they are shown as entries and never make the whole section NONE_KNOWN.
 */
export const NO_KNOWN_ALLERGY_CODES: ReadonlySet<string> = new Set([NO_KNOWN_ALLERGY, "160244002"]);

interface AllergyFacts {
  code: string;
  clinicalStatus: string;
  verificationStatus: string;
}

/** A "no known allergies" statement the source still makes: active and confirmed. The section is NONE_KNOWN on it, and it is never shown as an entry. */
export const assertsNoKnownAllergy = (a: AllergyFacts) =>
  NO_KNOWN_ALLERGY_CODES.has(a.code) && a.clinicalStatus === "ACTIVE" && a.verificationStatus === "CONFIRMED";

/**
 * What the allergies section lists (before assertsNoKnownAllergy takes the statements out): not
 * what was entered in error, and not a "no known allergies" statement its source no longer makes
 * (inactive, refuted, unconfirmed): that is not an allergy, and no longer "none" either, so a
 * resident with nothing else is NOT_RECORDED, never NONE_KNOWN.
 */
export const isListedAllergy = (a: AllergyFacts) =>
  a.verificationStatus !== "ENTERED_IN_ERROR" && (!NO_KNOWN_ALLERGY_CODES.has(a.code) || assertsNoKnownAllergy(a));
