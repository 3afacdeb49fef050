// FHIR R4 ingestion for the residents subgraph (ADR 0008). It owns who a resident is, so it
// matches every submitted entry's patient (fhir-match.ts) before any other subgraph applies it,
// and it takes Patient (demographics), EpisodeOfCare (care home placements), AllergyIntolerance
// and Condition. Pure: no I/O, no clock, no randomness; the repository (applyDemographics,
// applyFhir) does the writes.
//
// Safety rules (each is a refusal, never a silent default):
//
//  1. Demographics belong to the systems that own them: a GP system and a care home system
//     (DEMOGRAPHICS_OWNERS). A hospital's PAS does not: its Patient, like a laboratory's or a
//     pharmacy's, is the demographics its other entries are matched with and changes nothing (a
//     hospital registration is often a local, partial or temporary identity; PDS and the GP are
//     the sources of truth). An owner's Patient is applied BEFORE the other entries of its job are
//     matched (platform/ingest/stages.ts), so a GP system correcting a date of birth or a surname
//     does not make the same submission's allergies mismatch.
//  2. An owner's Patient with a number the record knows updates name, date of birth and sex (the
//     newest meta.lastUpdated wins, as everywhere); a GP system's also moves the registration to
//     the sending practice (its ODS code), a care home system never changes the registration (it
//     decides which practice sees the record). A care home system updates only a resident placed
//     at its home (today or within the leaver window); for anyone else its Patient is matched like
//     any sender's. One that changes both the date of birth and the family name at once is
//     quarantined (DEMOGRAPHICS_CONFLICT): that is a wrong number far more often than a person.
//     A Patient without meta.lastUpdated is no change (it only names whom the other entries are
//     about): it is matched like any sender's, so a disagreement is quarantined, never lost.
//  3. An owner's Patient with a valid (Modulus 11) number the record does not know creates the
//     resident with NO placement: no care home can see them until a care home system places them
//     (the access rules give care home staff only residents placed at their home); their GP
//     practice (the sending practice, or for a care home system Patient.generalPractitioner's ODS
//     code, required then) and urgent care (which may see any resident) can.
//  4. An EpisodeOfCare is a placement, and only a care home system places, and only in its own
//     home: managingOrganization's ODS code must be the sender's, else the entry is REJECTED
//     (validate cannot tell who sends; the applier does). Status active, finished (period.end
//     required: the resident becomes a recent leaver of the home), cancelled or entered-in-error
//     (both keep the row, show it nowhere and grant nothing); planned, waitlist and onhold are
//     refused (not a placement, or not one we can show).
//  5. AllergyIntolerance: clinical and verification status as sent, from their HL7 code systems
//     (verificationStatus required; clinicalStatus required unless entered-in-error, where FHIR
//     forbids it). "No known allergies" (SNOMED NO_KNOWN_ALLERGY_CODES) is the section's
//     NONE_KNOWN only while active and confirmed; narrower statements ("no known drug allergy")
//     are shown as entries, never as "none" for the whole section. Category required except for
//     those statements and a withdrawal; several: MEDICATION wins (what a home acts on when it
//     gives medicines). Criticality absent is UNABLE_TO_ASSESS (not known), never LOW.
//  6. Condition: clinicalStatus (unless entered-in-error), category (problem-list-item,
//     encounter-diagnosis) and code required. verificationStatus confirmed or absent is shown;
//     refuted and entered-in-error are kept and shown nowhere; unconfirmed, provisional and
//     differential are refused (the section cannot show uncertainty: it would read as a fact).
//  7. Legally restricted conditions (restrictedCategoryOf): restricted when the code is one of
//     RESTRICTED_CODES, or when meta.security carries any label other than confidentiality N, L
//     or M (R, V, a sensitivity label such as STD, or anything we cannot read: in doubt,
//     restricted). A restriction is never lifted by a later version (only entered-in-error
//     retracts the condition altogether).
//  8. Keys come from the sender's business identifier (identifier system + value, and the sending
//     system), never from resource.id. meta.lastUpdated orders versions and may not be later than
//     the submission's arrival (platform/ingest/fhir-values.ts versionOf).
//  9. Issues name element paths and allowed codes only: never a value, display text or identifier
//     the sender sent (they are shown to the sender and logged).
import type { AllergyIntolerance, CodeableConcept, Condition, EpisodeOfCare, Identifier, Patient, Reference } from "@medplum/fhirtypes";
import {
  NHS_NUMBER_SYSTEM,
  type EntryOutcome,
  type FhirIssue,
  type FhirMapping,
  type IngestEntry,
  type MatchedEntry,
  type SubmissionMeta,
} from "../../platform/ingest/contract.js";
import {
  businessIdentifier,
  codeOf,
  codesOf,
  fhirDay,
  fhirError as error,
  nonEmpty,
  refusalReason,
  sourceKeyOf,
  versionOf,
} from "../../platform/ingest/fhir-values.js";
import { appendTo } from "../../platform/ingest/group.js";
import type { PatientDecision, PatientMatcher } from "../../platform/ingest/stages.js";
import { candidateNumber, decideMatch, type QuarantineReason, type RecordedDemographics } from "./fhir-match.js";
import type {
  AllergyCategory,
  AllergyClinicalStatus,
  AllergyCriticality,
  AllergyVerificationStatus,
  ConditionCategory,
  ConditionClinicalStatus,
  ConditionVerificationStatus,
  PlacementStatus,
  RestrictedCategory,
  Sex,
} from "./prisma/generated/enums.js";
import { NO_KNOWN_ALLERGY_CODES } from "./allergy-codes.js";

export const ODS_SYSTEM = "https://fhir.nhs.uk/Id/ods-organization-code";
export const SNOMED = "http://snomed.info/sct";
export const ALLERGY_CLINICAL = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical";
export const ALLERGY_VERIFICATION = "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification";
export const CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical";
export const CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status";
export const CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category";
export const CONFIDENTIALITY = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality";

/** The kinds of system whose Patient changes the record's demographics (rule 1). */
export const DEMOGRAPHICS_OWNERS: ReadonlySet<SubmissionMeta["sourceKind"]> = new Set(["gp_system", "care_home_system"]);

const PLACEMENT_STATUS: Readonly<Record<string, PlacementStatus>> = {
  active: "ACTIVE",
  finished: "FINISHED",
  cancelled: "CANCELLED",
  "entered-in-error": "ENTERED_IN_ERROR",
};
const ALLERGY_CLINICAL_STATUS: Readonly<Record<string, AllergyClinicalStatus>> = { active: "ACTIVE", inactive: "INACTIVE", resolved: "RESOLVED" };
const ALLERGY_VERIFICATION_STATUS: Readonly<Record<string, AllergyVerificationStatus>> = {
  unconfirmed: "UNCONFIRMED",
  presumed: "PRESUMED",
  confirmed: "CONFIRMED",
  refuted: "REFUTED",
  "entered-in-error": "ENTERED_IN_ERROR",
};
const ALLERGY_CATEGORY: Readonly<Record<string, AllergyCategory>> = {
  food: "FOOD",
  medication: "MEDICATION",
  environment: "ENVIRONMENT",
  biologic: "BIOLOGIC",
};
const ALLERGY_CRITICALITY: Readonly<Record<string, AllergyCriticality>> = { low: "LOW", high: "HIGH", "unable-to-assess": "UNABLE_TO_ASSESS" };
const REACTION_SEVERITY: Readonly<Record<string, "MILD" | "MODERATE" | "SEVERE">> = { mild: "MILD", moderate: "MODERATE", severe: "SEVERE" };
const CONDITION_CLINICAL_STATUS: Readonly<Record<string, ConditionClinicalStatus>> = {
  active: "ACTIVE",
  recurrence: "RECURRENCE",
  relapse: "RELAPSE",
  inactive: "INACTIVE",
  remission: "REMISSION",
  resolved: "RESOLVED",
};
const CONDITION_VERIFICATION_STATUS: Readonly<Record<string, ConditionVerificationStatus>> = {
  confirmed: "CONFIRMED",
  refuted: "REFUTED",
  "entered-in-error": "ENTERED_IN_ERROR",
};
const CONDITION_CATEGORY_CODES: Readonly<Record<string, ConditionCategory>> = {
  "problem-list-item": "PROBLEM_LIST_ITEM",
  "encounter-diagnosis": "ENCOUNTER_DIAGNOSIS",
};
const SEX: Readonly<Record<string, Sex>> = { female: "FEMALE", male: "MALE", other: "OTHER", unknown: "UNKNOWN" };

/**
 * SNOMED CT codes that are legally restricted whoever sends them, by category (rule 7). Not a
 * terminology server: a descendant not listed here is restricted only by its sender's label, which
 * GP systems put on these records.
 */
export const RESTRICTED_CODES: Readonly<Record<string, RestrictedCategory>> = {
  "8098009": "SEXUALLY_TRANSMITTED_INFECTION", // Sexually transmitted infectious disease
  "76272004": "SEXUALLY_TRANSMITTED_INFECTION", // Syphilis
  "15628003": "SEXUALLY_TRANSMITTED_INFECTION", // Gonorrhoea
  "105629000": "SEXUALLY_TRANSMITTED_INFECTION", // Chlamydial infection
  "86406008": "SEXUALLY_TRANSMITTED_INFECTION", // HIV infection
  "57797005": "TERMINATION_OF_PREGNANCY", // Termination of pregnancy
  "63650001": "ASSISTED_FERTILISATION", // Assisted fertilisation procedure (as the demo data codes it)
  "407377005": "GENDER_REASSIGNMENT", // Gender reassignment (as the demo data codes it)
  "93461009": "GENDER_REASSIGNMENT", // Gender dysphoria
};
/** Confidentiality codes that restrict nothing; every other security label restricts (rule 7). */
const UNRESTRICTED_CONFIDENTIALITY = new Set(["N", "L", "M"]);

const list = (codes: Readonly<Record<string, unknown>>) => Object.keys(codes).join(", ");

/** The one code of `concept` from `system` that `codes` maps, or why not. */
function coded<T>(
  concept: CodeableConcept | undefined,
  system: string,
  codes: Readonly<Record<string, T>>,
  path: string,
): { value: T | null; issue: FhirIssue | null } {
  if (concept === undefined) return { value: null, issue: null };
  const mapped = [
    ...new Set(
      codesOf(concept, system)
        .map((c) => codes[c])
        .filter((v): v is T => v !== undefined),
    ),
  ];
  if (mapped.length === 1) return { value: mapped[0]!, issue: null };
  if (mapped.length > 1) return { value: null, issue: error("invariant", path, `${path} has codings that disagree`) };
  return { value: null, issue: error("value", path, `${path} must have a coding from ${system} with one of ${list(codes)}`) };
}

const required = (path: string, what: string) => error("required", path, `${path} is required (${what})`);
const odsOf = (identifier: Identifier | undefined) => (identifier?.system === ODS_SYSTEM && nonEmpty(identifier.value) ? identifier.value.trim() : null);
const hasPatient = (ref: Reference | undefined) => nonEmpty(ref?.reference) || nonEmpty(ref?.identifier?.value);

// ---------------------------------------------------------------------------------------------
// Patient

/** The demographics an owner's Patient sets (rule 2); the repository adds recordedAt and updatedAt. */
export interface DemographicsRow {
  index: number;
  nhsNumber: string;
  givenName: string;
  familyName: string;
  /** YYYY-MM-DD */
  dateOfBirth: string;
  sex: Sex;
  /** The registration it sets: a GP system's own practice; a care home system's generalPractitioner (used only to create a resident); null: none given. */
  gpPracticeCode: string | null;
  /** Whether the registration may change an existing resident's (GP systems only). */
  setsRegistration: boolean;
  sourceSystem: string;
  sourceVersionAt: Date;
  senderOds: string;
  submissionId: string;
}

/** `match`: not a change of demographics (no version): matched like any sender's Patient. */
export type DemographicsDecision = { row: DemographicsRow } | { rejected: string } | { quarantine: QuarantineReason } | { match: true };

function checkPatient(patient: Patient): FhirIssue[] {
  const found: FhirIssue[] = [];
  if (!patient.identifier?.some((i) => i.system === NHS_NUMBER_SYSTEM && typeof i.value === "string"))
    found.push(error("required", "Patient.identifier", `Patient.identifier must include the NHS number (system ${NHS_NUMBER_SYSTEM})`));
  if (typeof patient.birthDate !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(patient.birthDate) || fhirDay(patient.birthDate) === null)
    found.push(error("required", "Patient.birthDate", "Patient.birthDate is required as YYYY-MM-DD (it is matched against the record)"));
  if (!patient.name?.some((n) => nonEmpty(n.family)))
    found.push(error("required", "Patient.name.family", "Patient.name.family is required (it is matched against the record)"));
  return found;
}

/** What an owner's Patient asks of the record (rules 1-3), before it is compared with what the record holds. */
export function demographicsOf(meta: SubmissionMeta, entry: IngestEntry): DemographicsDecision {
  const patient = entry.resource as Patient;
  if (!entry.patient?.nhsNumber) return { quarantine: "NO_NHS_NUMBER" };
  const nhsNumber = candidateNumber(entry.patient);
  if (!nhsNumber) return { quarantine: "INVALID_NHS_NUMBER" };
  const issues = checkPatient(patient);
  if (issues.length > 0) return { rejected: refusalReason(issues) };
  // A Patient sent only to name whom the other entries are about (an allergy list's) carries no
  // version: it changes nothing, and is matched like anyone's (a disagreement is quarantined).
  if (patient.meta?.lastUpdated === undefined) return { match: true };
  // Checked here, not at the door: only an owner's Patient is applied (the others' gender and version do not matter).
  if (patient.gender !== undefined && !SEX[patient.gender]) return { rejected: `Patient.gender must be one of ${list(SEX)}` };
  const version = versionOf(patient, meta);
  if ("issue" in version) return { rejected: version.issue.diagnostics };
  const name = patient.name!.find((n) => n.use === "official" && nonEmpty(n.family)) ?? patient.name!.find((n) => nonEmpty(n.family))!;
  const given = (name.given ?? []).filter(nonEmpty).join(" ");
  if (!given) return { rejected: "Patient.name.given is required from a system that owns demographics" };
  const gp = meta.sourceKind === "gp_system" ? meta.senderOds : (patient.generalPractitioner ?? []).map((r) => odsOf(r.identifier)).find((o) => o !== null);
  return {
    row: {
      index: entry.index,
      nhsNumber,
      givenName: given.trim(),
      familyName: name.family!.trim(),
      dateOfBirth: patient.birthDate!,
      sex: patient.gender ? SEX[patient.gender]! : "UNKNOWN",
      gpPracticeCode: gp ?? null,
      setsRegistration: meta.sourceKind === "gp_system",
      sourceSystem: meta.sourceSystem,
      sourceVersionAt: version.at,
      senderOds: meta.senderOds,
      submissionId: meta.submissionId,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Rows of the other types

interface Provenance {
  /** The entry it came from. */
  index: number;
  nhsNumber: string;
  sourceSystem: string;
  sourceKey: string;
  sourceVersionAt: Date;
  senderOds: string;
  submissionId: string;
}

export interface PlacementRow extends Provenance {
  careHomeId: string;
  /** YYYY-MM-DD */
  startDate: string;
  endDate: string | null;
  status: PlacementStatus;
}

export interface AllergyRow extends Provenance {
  code: string;
  display: string;
  /** null: withdrawn (entered-in-error) without one; the stored status is kept. */
  clinicalStatus: AllergyClinicalStatus | null;
  verificationStatus: AllergyVerificationStatus;
  /** null: none sent, where none is needed (a "no known allergy" statement, a withdrawal); the stored one is kept. */
  category: AllergyCategory | null;
  criticality: AllergyCriticality;
  reactions: { manifestation: string; severity: "MILD" | "MODERATE" | "SEVERE" | null }[];
}

export interface ConditionRow extends Provenance {
  code: string;
  display: string;
  /** null: withdrawn (entered-in-error) without one; the stored status is kept. */
  clinicalStatus: ConditionClinicalStatus | null;
  /** null: withdrawn without one; the stored category is kept. */
  category: ConditionCategory | null;
  onsetDate: string | null;
  abatementDate: string | null;
  /** null: nothing restricts it (a restriction already stored stays: rule 7). */
  restrictedCategory: RestrictedCategory | null;
  verificationStatus: ConditionVerificationStatus | null;
}

export interface ResidentsRows {
  placements: PlacementRow[];
  allergies: AllergyRow[];
  conditions: ConditionRow[];
  /** Entries refused before anything is written (with the reason, no clinical content). */
  rejected: EntryOutcome[];
}

type Parsed<R> = { issues: FhirIssue[]; row: Omit<R, keyof Provenance> | null; identifier: { system: string; value: string } | null };

function checkEpisode(ep: EpisodeOfCare): Parsed<PlacementRow> & { managingOds: string | null } {
  const issues: FhirIssue[] = [];
  const identifier = businessIdentifier(ep);
  if (!identifier) issues.push(required("EpisodeOfCare.identifier", "with system and value: the placement's business identifier, the same in every version"));
  const status = typeof ep.status === "string" ? PLACEMENT_STATUS[ep.status] : undefined;
  if (!status) issues.push(error(ep.status ? "value" : "required", "EpisodeOfCare.status", `EpisodeOfCare.status must be one of ${list(PLACEMENT_STATUS)}`));
  if (!hasPatient(ep.patient)) issues.push(required("EpisodeOfCare.patient", "the resident placed"));
  const managingOds = odsOf(ep.managingOrganization?.identifier);
  if (!managingOds) issues.push(required("EpisodeOfCare.managingOrganization.identifier", `the care home, by its ODS code (system ${ODS_SYSTEM})`));
  const start = fhirDay(ep.period?.start);
  if (!start)
    issues.push(error(ep.period?.start === undefined ? "required" : "value", "EpisodeOfCare.period.start", "EpisodeOfCare.period.start is required as a date"));
  const end = ep.period?.end === undefined ? null : fhirDay(ep.period.end);
  if (ep.period?.end !== undefined && !end) issues.push(error("value", "EpisodeOfCare.period.end", "EpisodeOfCare.period.end must be a date"));
  if (status === "FINISHED" && ep.period?.end === undefined)
    issues.push(required("EpisodeOfCare.period.end", "a finished placement says when the resident left"));
  if (start && end && end < start) issues.push(error("invariant", "EpisodeOfCare.period", "EpisodeOfCare.period.end is before its start"));
  if (issues.length > 0) return { issues, row: null, identifier, managingOds };
  return { issues, identifier, managingOds, row: { careHomeId: managingOds!, startDate: start!, endDate: end, status: status! } };
}

function checkAllergy(ai: AllergyIntolerance): Parsed<AllergyRow> {
  const issues: FhirIssue[] = [];
  const identifier = businessIdentifier(ai);
  if (!identifier) issues.push(required("AllergyIntolerance.identifier", "with system and value: the record's business identifier, the same in every version"));
  if (!hasPatient(ai.patient)) issues.push(required("AllergyIntolerance.patient", "the resident"));
  const verification = coded(ai.verificationStatus, ALLERGY_VERIFICATION, ALLERGY_VERIFICATION_STATUS, "AllergyIntolerance.verificationStatus");
  if (ai.verificationStatus === undefined)
    issues.push(
      error(
        "required",
        "AllergyIntolerance.verificationStatus",
        `AllergyIntolerance.verificationStatus is required, from ${ALLERGY_VERIFICATION} with one of ${list(ALLERGY_VERIFICATION_STATUS)}`,
      ),
    );
  else if (verification.issue) issues.push(verification.issue);
  const withdrawn = verification.value === "ENTERED_IN_ERROR";
  const clinical = coded(ai.clinicalStatus, ALLERGY_CLINICAL, ALLERGY_CLINICAL_STATUS, "AllergyIntolerance.clinicalStatus");
  if (ai.clinicalStatus === undefined && !withdrawn)
    issues.push(
      error(
        "required",
        "AllergyIntolerance.clinicalStatus",
        `AllergyIntolerance.clinicalStatus is required (unless entered-in-error), from ${ALLERGY_CLINICAL} with one of ${list(ALLERGY_CLINICAL_STATUS)}`,
      ),
    );
  else if (clinical.issue) issues.push(clinical.issue);
  const code = codeOf(ai.code);
  if (!code) issues.push(required("AllergyIntolerance.code", "a coding with code and display, or text"));
  const statement = code !== null && NO_KNOWN_ALLERGY_CODES.has(code.code);
  const categories = [...new Set((ai.category ?? []).map((c) => ALLERGY_CATEGORY[c]))];
  let category: AllergyCategory | null = null;
  if (categories.includes(undefined))
    issues.push(error("value", "AllergyIntolerance.category", `AllergyIntolerance.category must be one of ${list(ALLERGY_CATEGORY)}`));
  else if (categories.length > 0) category = categories.includes("MEDICATION") ? "MEDICATION" : categories[0]!;
  else if (!statement && !withdrawn && !isNarrowStatement(code?.code)) issues.push(required("AllergyIntolerance.category", `one of ${list(ALLERGY_CATEGORY)}`));
  let criticality: AllergyCriticality = "UNABLE_TO_ASSESS";
  if (ai.criticality !== undefined) {
    const c = ALLERGY_CRITICALITY[ai.criticality];
    if (!c) issues.push(error("value", "AllergyIntolerance.criticality", `AllergyIntolerance.criticality must be one of ${list(ALLERGY_CRITICALITY)}`));
    else criticality = c;
  }
  const reactions: AllergyRow["reactions"] = [];
  (ai.reaction ?? []).forEach((r, i) => {
    const manifestation = (r.manifestation ?? []).map((m) => codeOf(m)?.display).find(nonEmpty);
    if (!manifestation) issues.push(required(`AllergyIntolerance.reaction[${i}].manifestation`, "a coding with display, or text, that can be shown"));
    const severity = r.severity === undefined ? null : (REACTION_SEVERITY[r.severity] ?? undefined);
    if (severity === undefined)
      issues.push(
        error("value", `AllergyIntolerance.reaction[${i}].severity`, `AllergyIntolerance.reaction.severity must be one of ${list(REACTION_SEVERITY)}`),
      );
    if (manifestation && severity !== undefined) reactions.push({ manifestation, severity });
  });
  if (issues.length > 0) return { issues, row: null, identifier };
  return {
    issues,
    identifier,
    row: {
      code: code!.code,
      display: code!.display,
      clinicalStatus: clinical.value,
      verificationStatus: verification.value!,
      category,
      criticality,
      reactions,
    },
  };
}

/** "No known drug allergy" and the like: statements about one kind of allergy, which need no category of their own. */
const isNarrowStatement = (code: string | undefined) => code !== undefined && NARROW_NO_KNOWN_ALLERGY_CODES.has(code);
/** SNOMED CT statements of no known allergy of one kind: shown as entries (rule 5), never as NONE_KNOWN for the whole section. */
export const NARROW_NO_KNOWN_ALLERGY_CODES: ReadonlySet<string> = new Set([
  "409137002", // No known drug allergy
  "429625007", // No known food allergy
  "428607008", // No known environmental allergy
]);

/** The restricted category of a condition (rule 7), or null. */
export function restrictedCategoryOf(condition: Pick<Condition, "code" | "meta">): RestrictedCategory | null {
  for (const code of codesOf(condition.code, SNOMED)) if (RESTRICTED_CODES[code]) return RESTRICTED_CODES[code];
  const labelled = (condition.meta?.security ?? []).some(
    (s) => !(s.system === CONFIDENTIALITY && s.code !== undefined && UNRESTRICTED_CONFIDENTIALITY.has(s.code)),
  );
  return labelled ? "SENDER_LABELLED" : null;
}

function checkCondition(co: Condition): Parsed<ConditionRow> {
  const issues: FhirIssue[] = [];
  const identifier = businessIdentifier(co);
  if (!identifier) issues.push(required("Condition.identifier", "with system and value: the record's business identifier, the same in every version"));
  if (!hasPatient(co.subject)) issues.push(required("Condition.subject", "the resident"));
  let verification: ConditionVerificationStatus | null = null;
  if (co.verificationStatus !== undefined) {
    const v = coded(co.verificationStatus, CONDITION_VERIFICATION, CONDITION_VERIFICATION_STATUS, "Condition.verificationStatus");
    if (v.issue)
      issues.push(
        error(
          v.issue.code === "invariant" ? "invariant" : "not-supported",
          "Condition.verificationStatus",
          `Condition.verificationStatus must be absent or one of ${list(CONDITION_VERIFICATION_STATUS)} from ${CONDITION_VERIFICATION}: the record shows no unconfirmed, provisional or differential diagnoses`,
        ),
      );
    else verification = v.value;
  }
  const withdrawn = verification === "ENTERED_IN_ERROR";
  const clinical = coded(co.clinicalStatus, CONDITION_CLINICAL, CONDITION_CLINICAL_STATUS, "Condition.clinicalStatus");
  if (co.clinicalStatus === undefined && !withdrawn)
    issues.push(
      error(
        "required",
        "Condition.clinicalStatus",
        `Condition.clinicalStatus is required (unless entered-in-error), from ${CONDITION_CLINICAL} with one of ${list(CONDITION_CLINICAL_STATUS)}`,
      ),
    );
  else if (clinical.issue) issues.push(clinical.issue);
  let category: ConditionCategory | null = null;
  if (co.category?.length) {
    const c = coded({ coding: co.category.flatMap((x) => x.coding ?? []) }, CONDITION_CATEGORY, CONDITION_CATEGORY_CODES, "Condition.category");
    if (c.issue) issues.push(c.issue);
    else category = c.value;
  } else if (!withdrawn) issues.push(required("Condition.category", `a coding from ${CONDITION_CATEGORY} with one of ${list(CONDITION_CATEGORY_CODES)}`));
  const code = codeOf(co.code);
  if (!code) issues.push(required("Condition.code", "a coding with code and display, or text"));
  const onsetText = co.onsetDateTime ?? co.onsetPeriod?.start;
  const onsetDate = onsetText === undefined ? null : fhirDay(onsetText);
  if (onsetText !== undefined && onsetDate === null && !/^\d{4}(-\d{2})?$/.test(onsetText))
    issues.push(error("value", co.onsetDateTime !== undefined ? "Condition.onsetDateTime" : "Condition.onsetPeriod.start", "Condition onset must be a date"));
  const abatementText = co.abatementDateTime ?? co.abatementPeriod?.start;
  const abatementDate = abatementText === undefined ? null : fhirDay(abatementText);
  if (abatementText !== undefined && abatementDate === null && !/^\d{4}(-\d{2})?$/.test(abatementText))
    issues.push(
      error(
        "value",
        co.abatementDateTime !== undefined ? "Condition.abatementDateTime" : "Condition.abatementPeriod.start",
        "Condition abatement must be a date",
      ),
    );
  if (issues.length > 0) return { issues, row: null, identifier };
  return {
    issues,
    identifier,
    row: {
      code: code!.code,
      display: code!.display,
      clinicalStatus: clinical.value,
      category,
      onsetDate,
      abatementDate,
      restrictedCategory: restrictedCategoryOf(co),
      verificationStatus: verification,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// A submission's entries together

const KINDS = { EpisodeOfCare: "residents.EpisodeOfCare", AllergyIntolerance: "residents.AllergyIntolerance", Condition: "residents.Condition" } as const;
type KeyedType = keyof typeof KINDS;

interface Analysed {
  issues: Map<number, FhirIssue[]>;
  parsed: Map<number, { type: KeyedType; parsed: Parsed<PlacementRow | AllergyRow | ConditionRow> & { managingOds?: string | null } }>;
}

function analyse(entries: readonly IngestEntry[]): Analysed {
  const issues = new Map<number, FhirIssue[]>();
  const add = (index: number, found: FhirIssue[]) => found.length > 0 && appendTo(issues, index, ...found);
  const parsed: Analysed["parsed"] = new Map();
  const seen = new Map<string, number>();
  for (const e of entries) {
    const type = e.resource.resourceType;
    if (type === "Patient") {
      add(e.index, checkPatient(e.resource as Patient));
      continue;
    }
    let p: Parsed<PlacementRow | AllergyRow | ConditionRow> & { managingOds?: string | null };
    if (type === "EpisodeOfCare") p = checkEpisode(e.resource as EpisodeOfCare);
    else if (type === "AllergyIntolerance") p = checkAllergy(e.resource as AllergyIntolerance);
    else if (type === "Condition") p = checkCondition(e.resource as Condition);
    else {
      add(e.index, [error("not-supported", type, `${type} is not a resource type of the residents subgraph`)]);
      continue;
    }
    const version = versionOf(e.resource, null);
    if ("issue" in version) p.issues.push(version.issue);
    add(e.index, p.issues);
    parsed.set(e.index, { type, parsed: p });
    if (p.identifier) {
      const key = JSON.stringify([type, p.identifier.system, p.identifier.value]);
      if (seen.has(key))
        add(e.index, [
          error("duplicate", `${type}.identifier`, `another ${type} of the submission has the same identifier (send one version of a record per submission)`),
        ]);
      else seen.set(key, e.index);
    }
  }
  return { issues, parsed };
}

export const residentsFhir: FhirMapping & {
  /**
   * The rows of the matched entries, or the reason each entry is refused. Runs every check of
   * `validate` again (the entries were validated by the front door, perhaps by an older version),
   * and the sender's rules validate cannot (rule 4: only a care home system places, in its own home).
   */
  toRows(meta: SubmissionMeta, entries: readonly MatchedEntry[]): ResidentsRows;
} = {
  resourceTypes: ["Patient", "EpisodeOfCare", "AllergyIntolerance", "Condition"],

  validate(entries) {
    return analyse(entries).issues;
  },

  toRows(meta, entries) {
    const { issues, parsed } = analyse(entries);
    const out: ResidentsRows = { placements: [], allergies: [], conditions: [], rejected: [] };
    const reject = (index: number, reason: string) => out.rejected.push({ index, status: "REJECTED", reason });
    for (const e of entries) {
      const found = issues.get(e.index);
      if (found) {
        reject(e.index, refusalReason(found));
        continue;
      }
      const p = parsed.get(e.index);
      if (!p) {
        reject(e.index, "a Patient is applied when its submission is matched, not here");
        continue;
      }
      const version = versionOf(e.resource, meta);
      if ("issue" in version) {
        reject(e.index, version.issue.diagnostics);
        continue;
      }
      const provenance: Provenance = {
        index: e.index,
        nhsNumber: e.nhsNumber,
        sourceSystem: meta.sourceSystem,
        sourceKey: sourceKeyOf(KINDS[p.type], meta.sourceId, p.parsed.identifier!),
        sourceVersionAt: version.at,
        senderOds: meta.senderOds,
        submissionId: meta.submissionId,
      };
      if (p.type === "EpisodeOfCare") {
        if (meta.sourceKind !== "care_home_system") reject(e.index, "only a care home system places residents (EpisodeOfCare)");
        else if (p.parsed.managingOds !== meta.senderOds)
          reject(e.index, "a care home system places residents in its own home only: EpisodeOfCare.managingOrganization must be the sending home");
        else out.placements.push({ ...(p.parsed.row as Omit<PlacementRow, keyof Provenance>), ...provenance });
      } else if (p.type === "AllergyIntolerance") out.allergies.push({ ...(p.parsed.row as Omit<AllergyRow, keyof Provenance>), ...provenance });
      else out.conditions.push({ ...(p.parsed.row as Omit<ConditionRow, keyof Provenance>), ...provenance });
    }
    return out;
  },
};

// ---------------------------------------------------------------------------------------------
// Matching

/** The repository's side of matching: the record's demographics, and applying an owner's Patients (rules 1-3). */
export interface DemographicsStore {
  demographicsOf(nhsNumbers: string[]): Promise<RecordedDemographics[]>;
  applyDemographics(meta: SubmissionMeta, entries: readonly IngestEntry[]): Promise<Map<number, EntryOutcome | { quarantine: string }>>;
}

/** The matcher the residents subgraph runs for the `fhir-match` stage: one read for all of a job's patients. */
export function residentsMatcher(repo: DemographicsStore): PatientMatcher {
  return {
    applyDemographics: (meta, entries) =>
      DEMOGRAPHICS_OWNERS.has(meta.sourceKind)
        ? repo.applyDemographics(meta, entries)
        : Promise.resolve(new Map<number, EntryOutcome | { quarantine: string }>()),
    async decide(entries) {
      const numbers = [...new Set(entries.flatMap((e) => (e.patient ? [candidateNumber(e.patient)] : [])).filter((n): n is string => n !== null))];
      const known = new Map((await repo.demographicsOf(numbers)).map((d) => [d.nhsNumber, d]));
      return entries.map((e): PatientDecision => {
        const number = e.patient ? candidateNumber(e.patient) : null;
        return e.patient ? decideMatch(e.patient, number ? known.get(number) : undefined) : { quarantine: "NO_NHS_NUMBER" };
      });
    },
  };
}
