// FHIR R4 ingestion for the discharge subgraph (issue 11, platform/ingest/contract.ts): how a
// hospital's Encounter and its PRSB eDischarge Composition become rows of discharge.hospital_stay,
// discharge.emergency_care_summary and discharge.discharge_summary. Pure: no I/O, no clock, no
// randomness; the repository (applyFhir) does the writes and completes a summary from its stay.
//
// Safety rules (each is a refusal, never a silent default):
//
//  1. Keys. Every version of an Encounter or Composition carries the same business identifier (the
//     first Encounter.identifier with system and value; Composition.identifier); with the sending
//     system's client id it makes the row's key (platform/ingest/fhir-values.ts), so two senders never
//     address each other's rows. meta.lastUpdated orders the versions (the applier keeps the newest)
//     and may not be later than the submission's arrival (MAX_CLOCK_SKEW_MS).
//  2. Encounter.class (v3-ActCode) decides what the Encounter is:
//     - IMP (or its kinds ACUTE, NONAC): a hospital stay. Status in-progress -> IN_PROGRESS (admitted),
//       finished -> FINISHED (discharged; period.end required). period.start (admitted at),
//       reasonCode (reason: text or a coding's display), the ward (location: the one with status
//       active, else the last listed; its location.display) and serviceProvider.display (the hospital;
//       ODS code from serviceProvider.identifier, else the sending organisation's) are required.
//     - EMER: an emergency department attendance (EmergencyCareSummary ED_ATTENDANCE).
//     - FLD (field: a crew attending where the patient is): an ambulance call. The kind is read from
//       what the sender states, never from the provider or an absent element:
//       hospitalization.destination given (where the crew took the resident) -> AMBULANCE_CONVEYANCE;
//       hospitalization.dischargeDisposition coded home or alt-home (HL7 discharge-disposition; a care
//       home resident's home is the care home) with no destination -> AMBULANCE_SEE_AND_TREAT; both,
//       or neither, is refused.
//     An emergency contact is a summary of something that happened: it is taken when finished
//     (in-progress is refused, not-supported), with period.start (occurred at), reasonCode
//     (presenting complaint), serviceProvider (the department's hospital or the ambulance service)
//     and the outcome as hospitalization.dischargeDisposition text (or a coding's display).
//     Any other class (AMB is outpatient care, not an ambulance; HH, VR, ...) is refused, not-supported.
//  3. Encounter.status: in-progress and finished as above; cancelled and entered-in-error retract
//     (the row is kept for audit, with `retracted`, and leaves every view). A retraction is a full
//     version like any other (the same elements are required), so one that arrives before the version
//     it withdraws is recorded in its place and that older version is SUPERSEDED. planned, arrived,
//     triaged, onleave and unknown are refused (onleave: the resident may be back at the care home,
//     which the stay cannot show).
//  4. Admission method (kept on the stay for its discharge summary): hospitalization.admitSource with
//     a coding from HL7 admit-source (hosp-trans -> TRANSFER, emd -> EMERGENCY) or from the NHS Data
//     Dictionary admission method (UK Core, ADMISSION_METHOD_ENGLAND: 11, 12, 13 -> ELECTIVE;
//     21, 22, 23, 24, 25, 2A, 2C, 2D, 28 -> EMERGENCY; 2B, 81 -> TRANSFER). Discharge destination:
//     hospitalization.dischargeDisposition with a coding from HL7 discharge-disposition (hosp ->
//     HOSPICE, snf -> CARE_HOME, psy -> OTHER_HOSPITAL) or the NHS Data Dictionary discharge
//     destination (UK Core, DISCHARGE_DESTINATION_ENGLAND: 19 -> USUAL_PLACE_OF_RESIDENCE; 54, 65, 85
//     -> CARE_HOME; 88 -> HOSPICE; 49-53, 84, 87 -> OTHER_HOSPITAL). Other codes (HL7 `home` says
//     nothing of whether home is a care home; gp, outp, nursing do not say emergency or elective) are
//     not guessed: the stay is kept without them (a warning tells the sender) and a discharge
//     summary of that stay is refused until a version of the Encounter says them.
//  5. A discharge summary is a Composition with `type` LOINC 18842-5 or SNOMED 373942005. Status
//     final -> FINAL, amended -> AMENDED (it replaces the summary shown; "what's new" tells
//     DISCHARGE_SUMMARY_AMENDED), entered-in-error -> retracted (kept, in no view). preliminary is
//     refused (not-supported): DischargeSummary cannot show that a summary is a draft.
//     `encounter` names the stay: a reference to an Encounter of the same submission (its fullUrl or
//     Encounter/<id>), or its identifier (system and value) for a stay the same sender sent before.
//     The stay gives the summary its hospital, admission (time, method, reason) and discharge (time,
//     destination); the applier refuses a summary whose stay is not recorded, withdrawn, not finished,
//     lacks a method or destination, or belongs to another patient. One summary per stay.
//     `date` is required (FHIR 1..1) but not stored: the summary is listed by its discharge time.
//  6. Sections are the PRSB eDischarge headings, identified by their SNOMED code (section.code) or
//     their title (case and spaces ignored); a code and a title naming different headings are refused.
//     Narrative headings (section.text.div as plain text): Clinical summary and Allergies and adverse
//     reactions (required), Information and advice given (optional; empty when not sent). List
//     headings, each item an entry referring to a resource contained in the Composition (`#id`):
//     Diagnoses (required; Condition with a coded `code`; with more than one, section.orderedBy must be
//     list-order `priority` and the first is the primary diagnosis, otherwise the only one is),
//     Procedures (Procedure: coded `code`, performedDateTime optional), Medications and medical devices
//     (MedicationStatement: medication text or display; the CareConnect MedicationChangeSummary
//     extension's statusOfMedication added -> STARTED, cancelled -> STOPPED, changed -> CHANGED,
//     unchanged -> UNCHANGED, required; reasonCode text optional), Plan and requested actions (Task:
//     description, owner.display as who is asked, restriction.period.end as the date, optional). A list
//     heading with narrative but no entries is refused (the record shows these headings as lists and
//     would lose the text); with section.emptyReason and no entries it is an empty list. Person
//     completing record (required): its first entry a contained PractitionerRole with
//     practitioner.display (name), code (role: text or a coding's display) and practitioner.identifier
//     (professional code). Composition.author[0] is a contained PractitionerRole with name and role.
//     Admission details and Discharge details are recognised and not stored (the Encounter is the
//     structured source); any other heading is not held by this record, and a warning says so.
//  7. DocumentReference (a summary sent as a document, e.g. a PDF) is refused, not-supported: the
//     record's DischargeSummary shows each heading, and one built from a document would show its
//     lists empty, which reads as "none recorded" when the document may say otherwise. Showing "a
//     document is held by the hospital" needs a type of its own in the schema.
//  8. Issues name element paths, entry positions and allowed codes only: never a value, display
//     text or identifier the sender sent (they are shown to the sender and logged).
import type {
  CodeableConcept,
  Coding,
  Composition,
  CompositionSection,
  Condition,
  Encounter,
  Extension,
  MedicationStatement,
  PractitionerRole,
  Procedure,
  Reference,
  Resource,
  Task,
} from "@medplum/fhirtypes";
import type { EntryOutcome, FhirIssue, FhirMapping, IngestEntry, MatchedEntry, SubmissionMeta } from "../../platform/ingest/contract.js";
import {
  businessKey,
  dateTime,
  fhirError as error,
  fhirWarning as warning,
  hasSubject,
  keyedRecordId,
  laterThanReceipt,
  nonEmpty,
  refusalReason,
  versionOf,
} from "../../platform/ingest/fhir-values.js";
import type {
  AdmissionMethod,
  DischargeDestination,
  DischargeSummaryStatus,
  EmergencyCareKind,
  HospitalStayStatus,
  Retraction,
} from "./prisma/generated/enums.js";

export const V3_ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
export const ADMIT_SOURCE = "http://terminology.hl7.org/CodeSystem/admit-source";
export const DISCHARGE_DISPOSITION = "http://terminology.hl7.org/CodeSystem/discharge-disposition";
export const ADMISSION_METHOD_ENGLAND = "https://fhir.hl7.org.uk/CodeSystem/UKCore-AdmissionMethodEngland";
export const DISCHARGE_DESTINATION_ENGLAND = "https://fhir.hl7.org.uk/CodeSystem/UKCore-DischargeDestination";
export const ODS_SYSTEM = "https://fhir.nhs.uk/Id/ods-organization-code";
export const SNOMED = "http://snomed.info/sct";
export const LOINC = "http://loinc.org";
export const LIST_ORDER = "http://terminology.hl7.org/CodeSystem/list-order";
export const MEDICATION_CHANGE_EXTENSION = "https://fhir.hl7.org.uk/STU3/StructureDefinition/Extension-CareConnect-MedicationChangeSummary-1";

type EncounterKind = "STAY" | EmergencyCareKind;
const STAY_CLASSES = new Set(["IMP", "ACUTE", "NONAC"]);
const CLASS_CODES = "IMP, ACUTE, NONAC, EMER, FLD";

const ENCOUNTER_STATUS: Readonly<Record<string, { status: HospitalStayStatus | null; retracted: Retraction | null }>> = {
  "in-progress": { status: "IN_PROGRESS", retracted: null },
  finished: { status: "FINISHED", retracted: null },
  cancelled: { status: null, retracted: "CANCELLED" },
  "entered-in-error": { status: null, retracted: "ENTERED_IN_ERROR" },
};
const ENCOUNTER_STATUS_CODES = Object.keys(ENCOUNTER_STATUS).join(", ");

const ADMISSION_METHODS: Readonly<Record<string, Readonly<Record<string, AdmissionMethod>>>> = {
  [ADMIT_SOURCE]: { "hosp-trans": "TRANSFER", emd: "EMERGENCY" },
  [ADMISSION_METHOD_ENGLAND]: {
    "11": "ELECTIVE",
    "12": "ELECTIVE",
    "13": "ELECTIVE",
    "21": "EMERGENCY",
    "22": "EMERGENCY",
    "23": "EMERGENCY",
    "24": "EMERGENCY",
    "25": "EMERGENCY",
    "2A": "EMERGENCY",
    "2C": "EMERGENCY",
    "2D": "EMERGENCY",
    "28": "EMERGENCY",
    "2B": "TRANSFER",
    "81": "TRANSFER",
  },
};
const DESTINATIONS: Readonly<Record<string, Readonly<Record<string, DischargeDestination>>>> = {
  [DISCHARGE_DISPOSITION]: { hosp: "HOSPICE", snf: "CARE_HOME", psy: "OTHER_HOSPITAL" },
  [DISCHARGE_DESTINATION_ENGLAND]: {
    "19": "USUAL_PLACE_OF_RESIDENCE",
    "54": "CARE_HOME",
    "65": "CARE_HOME",
    "85": "CARE_HOME",
    "88": "HOSPICE",
    "49": "OTHER_HOSPITAL",
    "50": "OTHER_HOSPITAL",
    "51": "OTHER_HOSPITAL",
    "52": "OTHER_HOSPITAL",
    "53": "OTHER_HOSPITAL",
    "84": "OTHER_HOSPITAL",
    "87": "OTHER_HOSPITAL",
  },
};
const codesOf = (table: Readonly<Record<string, Readonly<Record<string, unknown>>>>) =>
  Object.entries(table)
    .map(([system, codes]) => `${system}: ${Object.keys(codes).join(", ")}`)
    .join("; ");

const SUMMARY_STATUS: Readonly<Record<string, DischargeSummaryStatus>> = { final: "FINAL", amended: "AMENDED", "entered-in-error": "ENTERED_IN_ERROR" };
const SUMMARY_STATUS_CODES = Object.keys(SUMMARY_STATUS).join(", ");

const MEDICATION_CHANGE: Readonly<Record<string, "STARTED" | "STOPPED" | "CHANGED" | "UNCHANGED">> = {
  added: "STARTED",
  cancelled: "STOPPED",
  changed: "CHANGED",
  unchanged: "UNCHANGED",
};

/** The PRSB eDischarge headings this record reads (SNOMED concept and title). */
export const HEADINGS = {
  admissionDetails: { code: "886781000000108", title: "Admission details" },
  allergies: { code: "886921000000105", title: "Allergies and adverse reactions" },
  clinicalSummary: { code: "887181000000106", title: "Clinical summary" },
  diagnoses: { code: "887161000000102", title: "Diagnoses" },
  dischargeDetails: { code: "886811000000106", title: "Discharge details" },
  informationGiven: { code: "1052951000000105", title: "Information and advice given" },
  medications: { code: "933361000000108", title: "Medications and medical devices" },
  personCompleting: { code: "887231000000104", title: "Person completing record" },
  plan: { code: "887201000000105", title: "Plan and requested actions" },
  procedures: { code: "887171000000109", title: "Procedures" },
} as const;
type Heading = keyof typeof HEADINGS;
const normalTitle = (t: string) => t.trim().toLowerCase().replace(/\s+/g, " ");
const HEADING_BY_CODE = new Map<string, Heading>(Object.entries(HEADINGS).map(([h, { code }]) => [code, h as Heading]));
const HEADING_BY_TITLE = new Map<string, Heading>(Object.entries(HEADINGS).map(([h, { title }]) => [normalTitle(title), h as Heading]));

// ---------------------------------------------------------------------------------------------
// Rows

interface Provenance {
  sourceSystem: string;
  sourceKey: string;
  sourceVersionAt: Date;
  senderOds: string;
  submissionId: string;
}

/** A hospital_stay row as ingestion writes it; the repository adds recordedAt and updatedAt. */
export interface StayRow extends Provenance {
  id: string;
  nhsNumber: string;
  hospitalName: string;
  hospitalOds: string;
  ward: string;
  status: HospitalStayStatus;
  admittedAt: Date;
  dischargedAt: Date | null;
  reason: string;
  admissionMethod: AdmissionMethod | null;
  dischargeDestination: DischargeDestination | null;
  retracted: Retraction | null;
}

/** An emergency_care_summary row as ingestion writes it; the repository adds recordedAt and updatedAt. */
export interface EmergencyRow extends Provenance {
  id: string;
  nhsNumber: string;
  kind: EmergencyCareKind;
  occurredAt: Date;
  providerName: string;
  providerOds: string;
  presentingComplaint: string;
  outcome: string;
  retracted: Retraction | null;
}

export interface Diagnosis {
  code: string;
  display: string;
  primary: boolean;
}
export interface ProcedureItem {
  code: string;
  display: string;
  performedOn: string | null;
}
export interface MedicationChangeItem {
  medication: string;
  change: "STARTED" | "STOPPED" | "CHANGED" | "UNCHANGED";
  reason: string | null;
}
export interface PlannedActionItem {
  action: string;
  forWhom: string;
  byDate: string | null;
}

/**
 * A discharge summary's own content, as the Composition gave it. The applier completes the row
 * from the stay `stayKey` names (stayId, hospital, admission and discharge) or refuses it.
 */
export interface SummaryDraft extends Provenance {
  id: string;
  nhsNumber: string;
  stayKey: string;
  status: DischargeSummaryStatus;
  authorName: string;
  authorRole: string;
  completedByName: string;
  completedByRole: string;
  completedByCode: string;
  diagnoses: Diagnosis[];
  clinicalSummary: string;
  procedures: ProcedureItem[];
  medicationChanges: MedicationChangeItem[];
  allergiesText: string;
  plannedActions: PlannedActionItem[];
  informationGiven: string;
}

export interface DischargeRows {
  /** In the order of their entries. */
  stays: { index: number; row: StayRow }[];
  emergencyCare: { index: number; row: EmergencyRow }[];
  summaries: { index: number; draft: SummaryDraft }[];
  /** Entries refused before anything is written (with the reason, no clinical content). */
  rejected: EntryOutcome[];
}

/** The key of an Encounter (a stay or an emergency contact): the sender and its identifier. */
export const encounterSourceKey = (sourceId: string, system: string, value: string) => businessKey("discharge.Encounter", sourceId, system, value);
/** The key of a Composition (a discharge summary). */
export const summarySourceKey = (sourceId: string, system: string, value: string) => businessKey("discharge.Composition", sourceId, system, value);
export const stayIdOf = (key: string) => keyedRecordId("HS", key);
export const emergencyIdOf = (key: string) => keyedRecordId("EC", key);
export const summaryIdOf = (key: string) => keyedRecordId("DS", key);

// ---------------------------------------------------------------------------------------------
// Small readers

/** Text of a CodeableConcept: its text, else the first coding's display. */
const textOf = (c: CodeableConcept | undefined): string | null =>
  nonEmpty(c?.text)
    ? c.text.trim()
    : ((c?.coding ?? [])
        .map((x) => x.display)
        .find(nonEmpty)
        ?.trim() ?? null);

/** A coded concept: a coding with code and display (SNOMED CT preferred). */
function codedOf(c: CodeableConcept | undefined): { code: string; display: string } | null {
  const codings = (c?.coding ?? []).filter((x) => nonEmpty(x.code) && nonEmpty(x.display));
  const coding = codings.find((x) => x.system === SNOMED) ?? codings[0];
  return coding ? { code: coding.code!, display: coding.display! } : null;
}

/** The mapped value of the codings of `concept` from `table`'s systems; null when none maps, "conflict" when they disagree. */
function mapped<T extends string>(concept: CodeableConcept | undefined, table: Readonly<Record<string, Readonly<Record<string, T>>>>): T | null | "conflict" {
  const found = new Set<T>();
  for (const c of concept?.coding ?? []) {
    const value = c.system && c.code ? table[c.system]?.[c.code] : undefined;
    if (value) found.add(value);
  }
  if (found.size > 1) return "conflict";
  return found.size === 1 ? [...found][0]! : null;
}

const hasCoding = (concept: CodeableConcept | undefined, system: string, codes: readonly string[]) =>
  (concept?.coding ?? []).some((c: Coding) => c.system === system && typeof c.code === "string" && codes.includes(c.code));

/** Plain text of an XHTML narrative: block ends become line breaks, tags dropped, entities decoded. */
export function narrativeText(div: string | undefined): string {
  if (typeof div !== "string") return "";
  const entities: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };
  return div
    .replace(/<(br|\/p|\/div|\/li|\/tr|\/h[1-6])\b[^>]*>/gi, "\n")
    .replace(/<\/t[dh]>/gi, " ")
    .replace(/<[^>]*>/g, "")
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) =>
      e[0] === "#" ? String.fromCodePoint(e[1]?.toLowerCase() === "x" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10)) : (entities[e.toLowerCase()] ?? m),
    )
    .split("\n")
    .map((l) => l.replace(/[ \t]+/g, " ").trim())
    .filter((l) => l !== "")
    .join("\n");
}

/** The ODS code of an organisation reference: an identifier with the ODS system (or no system). */
const odsOf = (r: Reference | undefined): string | null => {
  const id = r?.identifier;
  return id && nonEmpty(id.value) && (id.system === undefined || id.system === ODS_SYSTEM) ? id.value.trim() : null;
};

// ---------------------------------------------------------------------------------------------
// Encounter

interface ParsedEncounter {
  identifier: { system: string; value: string };
  versionAt: Date;
  kind: EncounterKind;
  status: HospitalStayStatus;
  retracted: Retraction | null;
  start: Date;
  end: Date | null;
  reason: string;
  providerName: string;
  providerOds: string | null;
  ward: string | null;
  admissionMethod: AdmissionMethod | null;
  destination: DischargeDestination | null;
  outcome: string | null;
}

function checkEncounter(en: Encounter): { issues: FhirIssue[]; parsed: ParsedEncounter | null } {
  const issues: FhirIssue[] = [];
  const identifier = en.identifier?.find((i) => nonEmpty(i.system) && nonEmpty(i.value));
  if (!identifier)
    issues.push(
      error(
        "required",
        "Encounter.identifier",
        "Encounter.identifier with system and value is required (the encounter's business identifier, the same in every version)",
      ),
    );
  const version = versionOf(en, null);
  if ("issue" in version) issues.push(version.issue);
  const statusOf = typeof en.status === "string" ? ENCOUNTER_STATUS[en.status] : undefined;
  if (!statusOf) issues.push(error(en.status ? "value" : "required", "Encounter.status", `Encounter.status must be one of ${ENCOUNTER_STATUS_CODES}`));
  if (!hasSubject(en.subject)) issues.push(error("required", "Encounter.subject", "Encounter.subject is required"));

  const cls = en.class;
  let kind: EncounterKind | null = null;
  if (!cls || !nonEmpty(cls.code))
    issues.push(error("required", "Encounter.class", `Encounter.class is required: a coding from ${V3_ACT_CODE} with one of ${CLASS_CODES}`));
  else if (cls.system !== V3_ACT_CODE || !(STAY_CLASSES.has(cls.code) || cls.code === "EMER" || cls.code === "FLD"))
    issues.push(
      error(
        "not-supported",
        "Encounter.class",
        `Encounter.class must be a coding from ${V3_ACT_CODE} with one of ${CLASS_CODES} (an inpatient stay, an emergency department attendance, an ambulance call)`,
      ),
    );
  else kind = STAY_CLASSES.has(cls.code) ? "STAY" : cls.code === "EMER" ? "ED_ATTENDANCE" : "AMBULANCE_CONVEYANCE"; // FLD: refined below
  const emergency = kind !== null && kind !== "STAY";
  if (emergency && en.status === "in-progress")
    issues.push(
      error(
        "not-supported",
        "Encounter.status",
        "an emergency department attendance or ambulance call is recorded when it has finished (status finished, with its outcome); in-progress is not accepted",
      ),
    );

  const start = dateTime(en.period?.start);
  if (!start)
    issues.push(
      error(
        en.period?.start === undefined ? "required" : "value",
        "Encounter.period.start",
        "Encounter.period.start is required as a date or a date-time with a time zone",
      ),
    );
  const end = en.period?.end === undefined ? null : dateTime(en.period.end);
  if (en.period?.end !== undefined && !end)
    issues.push(error("value", "Encounter.period.end", "Encounter.period.end must be a date or a date-time with a time zone"));
  if (kind === "STAY" && en.status === "finished" && en.period?.end === undefined)
    issues.push(error("required", "Encounter.period.end", "Encounter.period.end is required when the stay is finished (the discharge time)"));
  if (start && end && end.getTime() < start.getTime())
    issues.push(error("invariant", "Encounter.period", "Encounter.period.end is before Encounter.period.start"));

  const reason = (en.reasonCode ?? []).map(textOf).find((t) => t !== null) ?? null;
  if (!reason)
    issues.push(
      error("required", "Encounter.reasonCode", "Encounter.reasonCode is required with text or a coding with display (the reason for admission or attendance)"),
    );
  const provider = en.serviceProvider;
  if (!nonEmpty(provider?.display))
    issues.push(
      error(
        "required",
        "Encounter.serviceProvider",
        "Encounter.serviceProvider.display is required (the hospital, or the ambulance service), with its ODS code as identifier",
      ),
    );

  // The ward: the location the resident is in (active), else the last one the hospital listed.
  let ward: string | null = null;
  if (kind === "STAY") {
    const locations = en.location ?? [];
    const current = locations.find((l) => l.status === "active") ?? locations[locations.length - 1];
    ward = nonEmpty(current?.location?.display) ? current.location.display.trim() : null;
    if (!ward)
      issues.push(
        error("required", "Encounter.location", "Encounter.location is required with location.display (the ward, the active one or the last listed)"),
      );
  }

  const hospitalization = en.hospitalization;
  let admissionMethod: AdmissionMethod | null = null;
  let destination: DischargeDestination | null = null;
  if (kind === "STAY") {
    const method = mapped(hospitalization?.admitSource, ADMISSION_METHODS);
    if (method === "conflict")
      issues.push(error("invariant", "Encounter.hospitalization.admitSource", "Encounter.hospitalization.admitSource has codings that disagree"));
    else if (method) admissionMethod = method;
    else if (hospitalization?.admitSource)
      issues.push(
        warning(
          "value",
          "Encounter.hospitalization.admitSource",
          `the admission method was not taken (codes mapped: ${codesOf(ADMISSION_METHODS)}); a discharge summary of this stay is refused until it is sent`,
        ),
      );
    const dest = mapped(hospitalization?.dischargeDisposition, DESTINATIONS);
    if (dest === "conflict")
      issues.push(
        error("invariant", "Encounter.hospitalization.dischargeDisposition", "Encounter.hospitalization.dischargeDisposition has codings that disagree"),
      );
    else if (dest) destination = dest;
    else if (hospitalization?.dischargeDisposition)
      issues.push(
        warning(
          "value",
          "Encounter.hospitalization.dischargeDisposition",
          `the discharge destination was not taken (codes mapped: ${codesOf(DESTINATIONS)}); a discharge summary of this stay is refused until it is sent`,
        ),
      );
  }

  let outcome: string | null = null;
  if (emergency) {
    outcome = textOf(hospitalization?.dischargeDisposition);
    if (!outcome)
      issues.push(
        error(
          "required",
          "Encounter.hospitalization.dischargeDisposition",
          "Encounter.hospitalization.dischargeDisposition with text or a coding with display is required (the outcome of the attendance or call)",
        ),
      );
    if (cls?.code === "FLD") {
      const conveyed = hospitalization?.destination !== undefined;
      const stayed = hasCoding(hospitalization?.dischargeDisposition, DISCHARGE_DISPOSITION, ["home", "alt-home"]);
      if (conveyed && stayed)
        issues.push(
          error(
            "invariant",
            "Encounter.hospitalization",
            "an ambulance call names a destination (conveyed) and a dischargeDisposition of home or alt-home (not conveyed): send one",
          ),
        );
      else if (!conveyed && !stayed)
        issues.push(
          error(
            "required",
            "Encounter.hospitalization.destination",
            `an ambulance call must say whether the resident was taken to hospital: hospitalization.destination (conveyed), or hospitalization.dischargeDisposition ${DISCHARGE_DISPOSITION} home or alt-home (treated where they were)`,
          ),
        );
      else kind = conveyed ? "AMBULANCE_CONVEYANCE" : "AMBULANCE_SEE_AND_TREAT";
    }
  }

  if (issues.some((i) => i.severity === "error")) return { issues, parsed: null };
  const s = statusOf!;
  return {
    issues,
    parsed: {
      identifier: { system: identifier!.system!, value: identifier!.value! },
      versionAt: (version as { at: Date }).at,
      kind: kind!,
      status: s.status ?? (end ? "FINISHED" : "IN_PROGRESS"),
      retracted: s.retracted,
      start: start!,
      end: kind === "STAY" && (s.status === "FINISHED" || s.retracted) ? end : null,
      reason: reason!,
      providerName: provider!.display!.trim(),
      providerOds: odsOf(provider),
      ward,
      admissionMethod,
      destination,
      outcome,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Composition

interface Clinician {
  name: string;
  role: string;
  code: string | null;
}

interface ParsedComposition {
  identifier: { system: string; value: string };
  versionAt: Date;
  status: DischargeSummaryStatus;
  /** The stay: an Encounter entry of the submission, or a key by identifier (resolved with the sender's id). */
  encounter: { entry: number } | { identifier: { system: string; value: string } };
  author: Clinician;
  completedBy: Clinician & { code: string };
  clinicalSummary: string;
  allergiesText: string;
  informationGiven: string;
  diagnoses: Diagnosis[];
  procedures: ProcedureItem[];
  medicationChanges: MedicationChangeItem[];
  plannedActions: PlannedActionItem[];
}

/** Where an Encounter reference can point: an Encounter entry's fullUrl, or Encounter/<its id>. */
type EncounterTargets = Map<string, number>;

function contained<T extends Resource>(composition: Composition, ref: Reference | undefined, type: T["resourceType"]): T | null {
  const r = ref?.reference;
  if (!nonEmpty(r) || !r.startsWith("#")) return null;
  const found = composition.contained?.find((c) => c.resourceType === type && c.id === r.slice(1));
  return (found as T | undefined) ?? null;
}

function clinicianOf(role: PractitionerRole | null): Clinician | null {
  if (!role || !nonEmpty(role.practitioner?.display)) return null;
  const title = (role.code ?? []).map(textOf).find((t) => t !== null);
  if (!title) return null;
  const code = role.practitioner.identifier?.value;
  return { name: role.practitioner.display.trim(), role: title, code: nonEmpty(code) ? code.trim() : null };
}

/** The date part of a FHIR date or dateTime as written (YYYY-MM-DD), or undefined when not a valid one. */
const dayOf = (text: unknown): string | null | undefined => (text === undefined ? null : dateTime(text) ? (text as string).slice(0, 10) : undefined);

function checkComposition(composition: Composition, targets: EncounterTargets): { issues: FhirIssue[]; parsed: ParsedComposition | null } {
  const issues: FhirIssue[] = [];
  const add = (code: FhirIssue["code"], path: string, text: string) => issues.push(error(code, path, text));
  const identifier = composition.identifier;
  if (!nonEmpty(identifier?.system) || !nonEmpty(identifier?.value))
    add(
      "required",
      "Composition.identifier",
      "Composition.identifier with system and value is required (the summary's business identifier, the same in every version)",
    );
  const version = versionOf(composition, null);
  if ("issue" in version) issues.push(version.issue);
  const status = typeof composition.status === "string" ? SUMMARY_STATUS[composition.status] : undefined;
  if (composition.status === "preliminary")
    add(
      "not-supported",
      "Composition.status",
      `a preliminary discharge summary is not accepted (the record cannot show a draft as one); Composition.status must be one of ${SUMMARY_STATUS_CODES}`,
    );
  else if (!status) add(composition.status ? "value" : "required", "Composition.status", `Composition.status must be one of ${SUMMARY_STATUS_CODES}`);
  if (!hasCoding(composition.type, LOINC, ["18842-5"]) && !hasCoding(composition.type, SNOMED, ["373942005"]))
    add(composition.type ? "value" : "required", "Composition.type", `Composition.type must be ${LOINC} 18842-5 or ${SNOMED} 373942005 (a discharge summary)`);
  if (!hasSubject(composition.subject)) add("required", "Composition.subject", "Composition.subject is required");
  if (!dateTime(composition.date))
    add(composition.date === undefined ? "required" : "value", "Composition.date", "Composition.date is required as a date-time with a time zone");

  // The stay.
  let encounter: ParsedComposition["encounter"] | null = null;
  const ref = composition.encounter;
  if (nonEmpty(ref?.reference) && targets.has(ref.reference)) encounter = { entry: targets.get(ref.reference)! };
  else if (nonEmpty(ref?.identifier?.system) && nonEmpty(ref?.identifier?.value))
    encounter = { identifier: { system: ref.identifier.system, value: ref.identifier.value } };
  else
    add(
      ref ? "invariant" : "required",
      "Composition.encounter",
      "Composition.encounter must refer to an Encounter of the same submission (its fullUrl or Encounter/<id>) or name a stay sent before by its identifier (system and value)",
    );

  const author = clinicianOf(contained<PractitionerRole>(composition, composition.author?.[0], "PractitionerRole"));
  if (!author)
    add(
      "required",
      "Composition.author",
      "Composition.author[0] must refer to a contained PractitionerRole (#id) with practitioner.display (name) and code (role: text or a coding with display)",
    );

  // Sections, by heading.
  const sections = new Map<Heading, { section: CompositionSection; path: string }>();
  (composition.section ?? []).forEach((section, i) => {
    const path = `Composition.section[${i}]`;
    const byCode = (section.code?.coding ?? [])
      .filter((c) => c.system === SNOMED && c.code && HEADING_BY_CODE.has(c.code))
      .map((c) => HEADING_BY_CODE.get(c.code!)!);
    const byTitle = nonEmpty(section.title) ? HEADING_BY_TITLE.get(normalTitle(section.title)) : undefined;
    const named = new Set([...byCode, ...(byTitle ? [byTitle] : [])]);
    if (named.size > 1) return add("invariant", path, "the section's code and title name different PRSB headings");
    const heading = [...named][0];
    if (!heading)
      return void issues.push(
        warning(
          "not-supported",
          path,
          "a heading this record does not hold (it shows the PRSB eDischarge headings listed in the receiver's documentation); not stored",
        ),
      );
    if (sections.has(heading)) return add("duplicate", path, `the ${HEADINGS[heading].title} heading is sent twice`);
    sections.set(heading, { section, path });
  });

  const narrative = (heading: Heading, required: boolean): string => {
    const s = sections.get(heading);
    const text = narrativeText(s?.section.text?.div);
    if (required && !text)
      add(
        "required",
        s ? `${s.path}.text` : "Composition.section",
        `the ${HEADINGS[heading].title} heading (SNOMED ${HEADINGS[heading].code}) is required with its narrative text`,
      );
    return text;
  };
  const clinicalSummary = narrative("clinicalSummary", true);
  const allergiesText = narrative("allergies", true);
  const informationGiven = narrative("informationGiven", false);

  /** The contained resources a list heading's entries refer to; [] when absent or said empty. */
  function items<T extends Resource>(heading: Heading, type: T["resourceType"], required: boolean): { item: T; path: string }[] {
    const s = sections.get(heading);
    const name = `the ${HEADINGS[heading].title} heading (SNOMED ${HEADINGS[heading].code})`;
    if (!s) {
      if (required) add("required", "Composition.section", `${name} is required`);
      return [];
    }
    const entries = s.section.entry ?? [];
    if (entries.length === 0) {
      if (!s.section.emptyReason)
        add(
          "required",
          `${s.path}.entry`,
          `${name} must list its items as entries referring to contained ${type} resources (or give emptyReason): the record shows it as a list and would lose narrative text`,
        );
      return [];
    }
    const out: { item: T; path: string }[] = [];
    entries.forEach((entry, j) => {
      const item = contained<T>(composition, entry, type);
      if (!item) add("invariant", `${s.path}.entry[${j}]`, `each entry of ${name} must refer to a ${type} contained in the Composition (#id)`);
      else out.push({ item, path: `${s.path}.entry[${j}]` });
    });
    return out;
  }

  const conditions = items<Condition>("diagnoses", "Condition", true);
  const priorityOrdered = hasCoding(sections.get("diagnoses")?.section.orderedBy, LIST_ORDER, ["priority"]);
  if (conditions.length > 1 && !priorityOrdered)
    add(
      "required",
      `${sections.get("diagnoses")!.path}.orderedBy`,
      `with more than one diagnosis, the Diagnoses section's orderedBy must be ${LIST_ORDER} priority (the first is the primary diagnosis)`,
    );
  const diagnoses: Diagnosis[] = [];
  conditions.forEach(({ item, path }, i) => {
    const coded = codedOf(item.code);
    if (!coded) add("required", `${path}.code`, "a diagnosis (contained Condition) needs code with a coding with code and display");
    else diagnoses.push({ ...coded, primary: i === 0 });
  });

  const procedures: ProcedureItem[] = [];
  for (const { item, path } of items<Procedure>("procedures", "Procedure", false)) {
    const coded = codedOf(item.code);
    const performedOn = dayOf(item.performedDateTime);
    if (!coded) add("required", `${path}.code`, "a procedure (contained Procedure) needs code with a coding with code and display");
    if (performedOn === undefined) add("value", `${path}.performedDateTime`, "Procedure.performedDateTime must be a date or a date-time with a time zone");
    if (coded && performedOn !== undefined) procedures.push({ ...coded, performedOn });
  }

  const medicationChanges: MedicationChangeItem[] = [];
  for (const { item, path } of items<MedicationStatement>("medications", "MedicationStatement", false)) {
    const medication = textOf(item.medicationCodeableConcept);
    const ext = item.extension?.find((e: Extension) => e.url === MEDICATION_CHANGE_EXTENSION);
    const statusExt = ext?.extension?.find((e) => e.url === "statusOfMedication");
    const statusCode = statusExt?.valueCode ?? statusExt?.valueCoding?.code;
    const change = statusCode ? MEDICATION_CHANGE[statusCode] : undefined;
    if (!medication)
      add("required", `${path}.medicationCodeableConcept`, "a medication change needs medicationCodeableConcept with text or a coding with display");
    if (!change)
      add(
        "required",
        `${path}.extension`,
        `a medication change needs the extension ${MEDICATION_CHANGE_EXTENSION} with statusOfMedication one of ${Object.keys(MEDICATION_CHANGE).join(", ")}`,
      );
    if (medication && change) medicationChanges.push({ medication, change, reason: (item.reasonCode ?? []).map(textOf).find((t) => t !== null) ?? null });
  }

  const plannedActions: PlannedActionItem[] = [];
  for (const { item, path } of items<Task>("plan", "Task", false)) {
    const byDate = dayOf(item.restriction?.period?.end);
    if (!nonEmpty(item.description)) add("required", `${path}.description`, "a planned action (contained Task) needs description (what needs doing)");
    if (!nonEmpty(item.owner?.display)) add("required", `${path}.owner`, "a planned action (contained Task) needs owner.display (who is asked to act)");
    if (byDate === undefined) add("value", `${path}.restriction.period.end`, "Task.restriction.period.end must be a date or a date-time with a time zone");
    if (nonEmpty(item.description) && nonEmpty(item.owner?.display) && byDate !== undefined)
      plannedActions.push({ action: item.description.trim(), forWhom: item.owner.display.trim(), byDate });
  }

  const completing = items<PractitionerRole>("personCompleting", "PractitionerRole", true);
  const completedBy = completing.length > 0 ? clinicianOf(completing[0]!.item) : null;
  if (completing.length > 0 && (!completedBy || !completedBy.code))
    add(
      "required",
      completing[0]!.path,
      "the person completing the record (a contained PractitionerRole) needs practitioner.display (name), code (role) and practitioner.identifier (professional code)",
    );

  if (issues.some((i) => i.severity === "error")) return { issues, parsed: null };
  return {
    issues,
    parsed: {
      identifier: { system: identifier!.system!, value: identifier!.value! },
      versionAt: (version as { at: Date }).at,
      status: status!,
      encounter: encounter!,
      author: author!,
      completedBy: completedBy as Clinician & { code: string },
      clinicalSummary,
      allergiesText,
      informationGiven,
      diagnoses,
      procedures,
      medicationChanges,
      plannedActions,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// A submission's discharge entries together

interface Analysis {
  issues: Map<number, FhirIssue[]>;
  encounters: Map<number, ParsedEncounter>;
  compositions: Map<number, ParsedComposition>;
}

const isEncounter = (e: IngestEntry): e is IngestEntry<Encounter> => e.resource.resourceType === "Encounter";
const isComposition = (e: IngestEntry): e is IngestEntry<Composition> => e.resource.resourceType === "Composition";
const hasError = (issues: FhirIssue[] | undefined) => (issues ?? []).some((i) => i.severity === "error" || i.severity === "fatal");

function analyse(entries: readonly IngestEntry[]): Analysis {
  const issues = new Map<number, FhirIssue[]>();
  const add = (index: number, issue: FhirIssue) => issues.set(index, [...(issues.get(index) ?? []), issue]);
  const encounters = new Map<number, ParsedEncounter>();
  const compositions = new Map<number, ParsedComposition>();
  const targets: EncounterTargets = new Map();
  const seenEncounters = new Set<string>();

  for (const e of entries) {
    if (isEncounter(e)) {
      const checked = checkEncounter(e.resource);
      checked.issues.forEach((i) => add(e.index, i));
      if (checked.parsed) {
        const key = JSON.stringify([checked.parsed.identifier.system, checked.parsed.identifier.value]);
        if (seenEncounters.has(key))
          add(
            e.index,
            error("duplicate", "Encounter.identifier", "another Encounter of the submission has the same identifier (send one version per submission)"),
          );
        else encounters.set(e.index, checked.parsed);
        seenEncounters.add(key);
      }
      const names = [e.fullUrl, e.resource.id ? `Encounter/${e.resource.id}` : null].filter(nonEmpty);
      if (names.some((n) => targets.has(n)))
        add(
          e.index,
          error("duplicate", "Encounter", "another Encounter entry of the submission has the same fullUrl or id, so references to it are ambiguous"),
        );
      else names.forEach((n) => targets.set(n, e.index));
    } else if (e.resource.resourceType === "DocumentReference") {
      add(
        e.index,
        error(
          "not-supported",
          "DocumentReference",
          "a discharge summary sent as a document is not accepted: send it as a Composition with the PRSB eDischarge headings (the record shows each heading and would show a document's lists as empty)",
        ),
      );
    } else if (!isComposition(e)) {
      add(e.index, error("not-supported", e.resource.resourceType, "not a resource type of the discharge subgraph (Encounter, Composition)"));
    }
  }

  const seenSummaries = new Set<string>();
  const staysSummarised = new Map<string, number>();
  for (const e of entries) {
    if (!isComposition(e)) continue;
    const checked = checkComposition(e.resource, targets);
    checked.issues.forEach((i) => add(e.index, i));
    const parsed = checked.parsed;
    if (!parsed) continue;
    const key = JSON.stringify([parsed.identifier.system, parsed.identifier.value]);
    if (seenSummaries.has(key)) {
      add(
        e.index,
        error("duplicate", "Composition.identifier", "another Composition of the submission has the same identifier (send one version per submission)"),
      );
      continue;
    }
    seenSummaries.add(key);
    let stay: string;
    if ("entry" in parsed.encounter) {
      const target = parsed.encounter.entry;
      const enc = encounters.get(target);
      if (hasError(issues.get(target)) || !enc) {
        add(e.index, error("invariant", "Composition.encounter", `the Encounter it refers to (entry ${target}) is refused`));
        continue;
      }
      if (enc.kind !== "STAY") {
        add(e.index, error("invariant", "Composition.encounter", "a discharge summary must refer to an inpatient stay (Encounter.class IMP)"));
        continue;
      }
      stay = JSON.stringify([enc.identifier.system, enc.identifier.value]);
    } else stay = JSON.stringify([parsed.encounter.identifier.system, parsed.encounter.identifier.value]);
    if (staysSummarised.has(stay)) {
      add(
        e.index,
        error("duplicate", "Composition.encounter", `the Composition of entry ${staysSummarised.get(stay)} is for the same stay (one summary per stay)`),
      );
      continue;
    }
    staysSummarised.set(stay, e.index);
    compositions.set(e.index, parsed);
  }
  return { issues, encounters, compositions };
}

export const dischargeFhir: FhirMapping & {
  /**
   * The rows of the matched entries, or the reason each entry is refused. Runs every check of
   * `validate` again (the entries were validated by the front door, perhaps by an older version).
   */
  toRows(meta: SubmissionMeta, entries: readonly MatchedEntry[]): DischargeRows;
} = {
  resourceTypes: ["Encounter", "Composition", "DocumentReference"],

  validate(entries) {
    return analyse(entries).issues;
  },

  toRows(meta, entries) {
    const { issues, encounters, compositions } = analyse(entries);
    const out: DischargeRows = { stays: [], emergencyCare: [], summaries: [], rejected: [] };
    const reject = (index: number, reason: string) => out.rejected.push({ index, status: "REJECTED", reason });
    const byIndex = new Map(entries.map((e) => [e.index, e]));
    const provenance = (key: string, versionAt: Date): Provenance => ({
      sourceSystem: meta.sourceSystem,
      sourceKey: key,
      sourceVersionAt: versionAt,
      senderOds: meta.senderOds,
      submissionId: meta.submissionId,
    });
    const refusedEncounters = new Set<number>();

    for (const e of entries) {
      const enc = encounters.get(e.index);
      if (!isEncounter(e)) continue;
      if (!enc || hasError(issues.get(e.index))) {
        refusedEncounters.add(e.index);
        reject(e.index, refusalReason(issues.get(e.index)) || "the Encounter is refused");
        continue;
      }
      if (laterThanReceipt(enc.versionAt, meta)) {
        refusedEncounters.add(e.index);
        reject(e.index, "Encounter.meta.lastUpdated is later than the submission was received");
        continue;
      }
      const key = encounterSourceKey(meta.sourceId, enc.identifier.system, enc.identifier.value);
      const providerOds = enc.providerOds ?? meta.senderOds;
      if (enc.kind === "STAY")
        out.stays.push({
          index: e.index,
          row: {
            id: stayIdOf(key),
            nhsNumber: e.nhsNumber,
            hospitalName: enc.providerName,
            hospitalOds: providerOds,
            ward: enc.ward!,
            status: enc.status,
            admittedAt: enc.start,
            dischargedAt: enc.end,
            reason: enc.reason,
            admissionMethod: enc.admissionMethod,
            dischargeDestination: enc.destination,
            retracted: enc.retracted,
            ...provenance(key, enc.versionAt),
          },
        });
      else
        out.emergencyCare.push({
          index: e.index,
          row: {
            id: emergencyIdOf(key),
            nhsNumber: e.nhsNumber,
            kind: enc.kind,
            occurredAt: enc.start,
            providerName: enc.providerName,
            providerOds,
            presentingComplaint: enc.reason,
            outcome: enc.outcome!,
            retracted: enc.retracted,
            ...provenance(key, enc.versionAt),
          },
        });
    }

    for (const e of entries) {
      if (isEncounter(e)) continue;
      const parsed = compositions.get(e.index);
      if (!isComposition(e) || !parsed || hasError(issues.get(e.index))) {
        reject(e.index, refusalReason(issues.get(e.index)) || "the Composition is refused");
        continue;
      }
      if (laterThanReceipt(parsed.versionAt, meta)) {
        reject(e.index, "Composition.meta.lastUpdated is later than the submission was received");
        continue;
      }
      let stayKey: string;
      if ("entry" in parsed.encounter) {
        const target = parsed.encounter.entry;
        if (refusedEncounters.has(target)) {
          reject(e.index, `the Encounter it refers to (entry ${target}) is refused`);
          continue;
        }
        if (byIndex.get(target)!.nhsNumber !== e.nhsNumber) {
          reject(e.index, "the summary and the Encounter it refers to were matched to different patients");
          continue;
        }
        const enc = encounters.get(target)!;
        stayKey = encounterSourceKey(meta.sourceId, enc.identifier.system, enc.identifier.value);
      } else stayKey = encounterSourceKey(meta.sourceId, parsed.encounter.identifier.system, parsed.encounter.identifier.value);
      const key = summarySourceKey(meta.sourceId, parsed.identifier.system, parsed.identifier.value);
      out.summaries.push({
        index: e.index,
        draft: {
          id: summaryIdOf(key),
          nhsNumber: e.nhsNumber,
          stayKey,
          status: parsed.status,
          authorName: parsed.author.name,
          authorRole: parsed.author.role,
          completedByName: parsed.completedBy.name,
          completedByRole: parsed.completedBy.role,
          completedByCode: parsed.completedBy.code,
          diagnoses: parsed.diagnoses,
          clinicalSummary: parsed.clinicalSummary,
          procedures: parsed.procedures,
          medicationChanges: parsed.medicationChanges,
          allergiesText: parsed.allergiesText,
          plannedActions: parsed.plannedActions,
          informationGiven: parsed.informationGiven,
          ...provenance(key, parsed.versionAt),
        },
      });
    }
    return out;
  },
};
