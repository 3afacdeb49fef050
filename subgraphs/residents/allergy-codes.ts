/**
 * SNOMED CT 716186003 |No known allergy (situation)|: the GP stating the resident has no known
 * allergies. The allergies section shows it as NONE_KNOWN, never as an allergy (ADR 0005).
 */
export const NO_KNOWN_ALLERGY = "716186003";
