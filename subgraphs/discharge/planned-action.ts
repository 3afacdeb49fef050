// Who a discharge summary's planned action is for. Hospitals send free text (PRSB "Plan and
// requested actions" names the person or role responsible), so the text is normalised (case,
// spaces, punctuation) and looked up here, the only place that knows the words; anything else is
// OTHER, and the text as sent is kept beside it (PlannedAction.forWhomText).
import { enumMapping } from "../../platform/graphql/enum-mapping.js";
import type { PlannedActionRecipient } from "./generated/resolvers-types.js";

const WORDS: Record<PlannedActionRecipient, string[]> = {
  GP: ["GP", "GENERAL_PRACTITIONER", "GP_PRACTICE", "GP_SURGERY", "PRIMARY_CARE"],
  CARE_HOME: ["CARE_HOME", "CARE_HOME_STAFF", "NURSING_HOME", "RESIDENTIAL_HOME"],
  COMMUNITY_NURSE: [
    "COMMUNITY_NURSE",
    "COMMUNITY_NURSES",
    "COMMUNITY_NURSING",
    "COMMUNITY_NURSING_TEAM",
    "DISTRICT_NURSE",
    "DISTRICT_NURSES",
    "DISTRICT_NURSING",
  ],
  PHARMACY: ["PHARMACY", "COMMUNITY_PHARMACY", "PHARMACIST", "COMMUNITY_PHARMACIST"],
  RESIDENT_OR_FAMILY: [
    "RESIDENT_OR_FAMILY",
    "RESIDENT",
    "PATIENT",
    "FAMILY",
    "PATIENT_OR_CARER",
    "PATIENT_CARER",
    "PATIENT_AND_CARER",
    "PATIENT_OR_FAMILY",
    "NEXT_OF_KIN",
  ],
  HOSPITAL: ["HOSPITAL", "HOSPITAL_CLINIC", "HOSPITAL_TEAM", "OUTPATIENTS", "OUTPATIENT_CLINIC"],
  OTHER: ["OTHER"],
};

const byWord = enumMapping(
  Object.fromEntries(Object.entries(WORDS).flatMap(([recipient, words]) => words.map((w) => [w, recipient as PlannedActionRecipient]))),
  "OTHER",
);

/** The recipient the hospital's words name; OTHER for words not in the table. Never throws. */
export const recipientOf = (forWhom: string): PlannedActionRecipient =>
  byWord(
    forWhom
      .trim()
      .toUpperCase()
      .replace(/[^A-Z0-9]+/g, "_")
      .replace(/^_+|_+$/g, ""),
  );
