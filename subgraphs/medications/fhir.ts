// FHIR R4 ingestion for the medications subgraph (issue 11, platform/ingest/contract.ts): how a
// MedicationRequest (a GP system's or a hospital's prescription) and a MedicationDispense (a
// pharmacy's supply) become rows of medications.medication_request, eps_prescription and
// medication_dispense. Pure: no I/O, no clock, no randomness; the repository (applyFhir) does the
// writes and the decisions that need what is already recorded.
//
// Safety rules (each is a refusal, never a silent default):
//
//  1. Who may prescribe. A MedicationRequest is accepted from a GP system or a hospital only
//     (SubmissionMeta.sourceKind); a pharmacy, laboratory or care home system cannot create or
//     change a prescription, whatever its token's scopes. A MedicationDispense is accepted from a
//     pharmacy, a hospital (its pharmacy) or a GP system (a dispensing practice).
//  2. Every version of an item carries the same business identifier: the first `identifier` with
//     system and value. With the sending system (its client id) it makes the item's key, so two
//     senders never address each other's items. `meta.lastUpdated` orders the versions (the applier
//     keeps the newest) and may not be later than the submission's arrival (MAX_CLOCK_SKEW_MS).
//     Two entries of one submission with the same identifier are refused (send one version).
//  3. MedicationRequest.status as sent onto MedicationRequestStatus: active, on-hold, cancelled,
//     completed, stopped, entered-in-error. `draft` (not authorised: not a prescription anyone may act
//     on) and `unknown` (says nothing a nurse could act on) are refused. `entered-in-error` is a
//     full version of the resource with that status: it is applied (the row is kept for audit) and
//     takes the prescription, its EPS status and its dispenses out of every view.
//     `intent` is required; `proposal` and `option` are refused (a suggestion is not a prescription).
//  4. Course from courseOfTherapyType (required): acute -> ACUTE; continuous and seasonal -> REPEAT
//     (a regular medicine reissued on request; seasonal is one taken at times of the year);
//     NHS `continuous-repeat-dispensing` -> REPEAT_DISPENSING. Any other code is refused.
//  5. The medicine: medicationCodeableConcept (a dm+d / SNOMED CT coding with code and display, or
//     text alone), or a medicationReference to a Medication contained in the resource with such a
//     code. A reference to anything else is refused: the medicine is never looked up elsewhere.
//  6. No dose, no entry: dosageInstruction[0].text is required (a medicine list without a dose is
//     not safe to show). authoredOn is required, and requester.display (the prescriber's name).
//     The practice's ODS code is requester.identifier when its system is the ODS organisation code,
//     else the sending organisation's (the practice or trust that sent it as its own).
//     dispenseRequest.quantity (value > 0 and a unit) is required: the record shows what was
//     prescribed, and a dispense is compared with it.
//  7. EPS. `groupIdentifier` (system https://fhir.nhs.uk/Id/prescription-order-number) is the EPS
//     prescription the request is issued on, and comes with its business status as the NHS carries
//     it: extension Extension-EPS-TaskBusinessStatus, valueCoding from EPS-task-business-status,
//     0001 To be Dispensed .. 0009 No-Claimed (see EPS_STATUS). One without the other is refused, and
//     so is a code we cannot map (the 9000 series of future repeat-dispensing issues included). A
//     request without either is not issued through EPS (a hospital's): it has no dispensing status.
//     The issue time is dispenseRequest.validityPeriod.start, else authoredOn. A cancelled or
//     stopped request changes the request's status; its EPS status is what the sender says it is
//     (a cancelled prescription still with a pharmacy stays WITH_DISPENSER until it is returned,
//     as EPS itself does), never derived.
//  8. MedicationDispense.status: completed -> COMPLETED (EPS status DISPENSED), in-progress ->
//     PARTIAL (WITH_DISPENSER_ACTIVE: part supplied, the rest owed), declined -> DECLINED
//     (NOT_DISPENSED), entered-in-error -> retracted (the row is kept for audit and leaves every view;
//     the EPS status goes back to what the dispenses left show, or WITH_DISPENSER when none is left).
//     The other codes are refused. The dispense may carry Extension-EPS-TaskBusinessStatus: then
//     that is the prescription's EPS status after it (the pharmacy knows it best).
//  9. A dispense names its prescription: authorizingPrescription (exactly one) by identifier
//     (system|value), the MedicationRequest's business identifier, looked up whoever sent it. If no
//     request with it is in the record or in the same submission, or more than one is, or it is
//     another patient's, or it was entered in error, or it has no EPS prescription, the dispense is
//     REJECTED with the reason (the pharmacy resends once the prescription has arrived); a dispense is
//     never attached to a guessed prescription. It is recorded against the request's latest EPS
//     prescription (by issue time), and a later version never moves it to another one.
// 10. whenHandedOver (an instant) is required for completed and in-progress, and quantity (value > 0
//     and a unit). A declined dispense handed nothing over: its time is whenHandedOver or
//     whenPrepared (one is required), its quantity 0 (in the unit sent, else the prescription's).
//     performer[0].actor.display (the pharmacy) is required; its ODS code is actor.identifier.value,
//     else the sending organisation's.
// 11. Issues name element paths and allowed codes only: never a value, display text or identifier
//     the sender sent (they are shown to the sender and logged).
import type { CodeableConcept, Extension, Medication, MedicationDispense, MedicationRequest, Quantity } from "@medplum/fhirtypes";
import type { EntryOutcome, FhirIssue, FhirMapping, IngestEntry, MatchedEntry, SubmissionMeta } from "../../platform/ingest/contract.js";
import {
  businessKey,
  dateTime,
  fhirError as error,
  finite,
  hasSubject,
  instant,
  keyedRecordId,
  laterThanReceipt,
  nonEmpty,
  refusalReason,
} from "../../platform/ingest/fhir-values.js";
import type { DispenseStatus, EpsPrescriptionStatus, MedicationCourse, MedicationRequestStatus } from "./prisma/generated/enums.js";

export const EPS_STATUS_EXTENSION = "https://fhir.nhs.uk/StructureDefinition/Extension-EPS-TaskBusinessStatus";
export const EPS_STATUS_SYSTEM = "https://fhir.nhs.uk/CodeSystem/EPS-task-business-status";
export const EPS_PRESCRIPTION_ID_SYSTEM = "https://fhir.nhs.uk/Id/prescription-order-number";
export const ODS_ORGANISATION_SYSTEM = "https://fhir.nhs.uk/Id/ods-organization-code";
export const COURSE_SYSTEM = "http://terminology.hl7.org/CodeSystem/medicationrequest-course-of-therapy";
export const NHS_COURSE_SYSTEM = "https://fhir.nhs.uk/CodeSystem/medicationrequest-course-of-therapy";

const REQUEST_STATUS: Readonly<Record<string, MedicationRequestStatus>> = {
  active: "ACTIVE",
  "on-hold": "ON_HOLD",
  cancelled: "CANCELLED",
  completed: "COMPLETED",
  stopped: "STOPPED",
  "entered-in-error": "ENTERED_IN_ERROR",
};
const REFUSED_INTENTS = new Set(["proposal", "option"]);
const INTENTS = ["plan", "order", "original-order", "reflex-order", "filler-order", "instance-order"];

const COURSE: Readonly<Record<string, MedicationCourse>> = {
  acute: "ACUTE",
  continuous: "REPEAT",
  seasonal: "REPEAT",
  "continuous-repeat-dispensing": "REPEAT_DISPENSING",
};
const COURSE_SYSTEMS = new Set([COURSE_SYSTEM, NHS_COURSE_SYSTEM]);

/** EPS-task-business-status codes onto EpsPrescriptionStatus. */
export const EPS_STATUS: Readonly<Record<string, EpsPrescriptionStatus>> = {
  "0001": "TO_BE_DISPENSED",
  "0002": "WITH_DISPENSER",
  "0003": "WITH_DISPENSER_ACTIVE",
  "0004": "EXPIRED",
  "0005": "CANCELLED",
  "0006": "DISPENSED",
  "0007": "NOT_DISPENSED",
  "0008": "CLAIMED",
  // No-Claimed: marked not dispensed, and the claim for that sent.
  "0009": "NOT_DISPENSED",
};

/** MedicationDispense.status onto the row's status; entered-in-error is a retraction (a flag), not a status. */
const DISPENSE_STATUS: Readonly<Record<string, DispenseStatus | "ENTERED_IN_ERROR">> = {
  completed: "COMPLETED",
  "in-progress": "PARTIAL",
  declined: "DECLINED",
  "entered-in-error": "ENTERED_IN_ERROR",
};

/** What a dispense of each status says of its prescription's EPS status (without the extension). */
export const EPS_AFTER_DISPENSE: Readonly<Record<DispenseStatus, EpsPrescriptionStatus>> = {
  COMPLETED: "DISPENSED",
  PARTIAL: "WITH_DISPENSER_ACTIVE",
  DECLINED: "NOT_DISPENSED",
};

const PRESCRIBERS: ReadonlySet<SubmissionMeta["sourceKind"]> = new Set(["gp_system", "hospital"]);
const DISPENSERS: ReadonlySet<SubmissionMeta["sourceKind"]> = new Set(["pharmacy", "hospital", "gp_system"]);

const REQUEST_STATUS_CODES = Object.keys(REQUEST_STATUS).join(", ");
const COURSE_CODES = Object.keys(COURSE).join(", ");
const EPS_CODES = Object.keys(EPS_STATUS).join(", ");
const DISPENSE_STATUS_CODES = Object.keys(DISPENSE_STATUS).join(", ");

/** A MedicationRequest row as ingestion writes it; the repository adds recordedAt and updatedAt. */
export interface RequestRow {
  id: string;
  nhsNumber: string;
  medicationCode: string;
  medicationName: string;
  status: MedicationRequestStatus;
  course: MedicationCourse;
  dosageText: string;
  quantityValue: number;
  quantityUnit: string;
  authoredOn: Date;
  prescriberName: string;
  prescriberOds: string;
  sourceSystem: string;
  sourceKey: string;
  identifierKey: string;
  sourceVersionAt: Date;
  senderOds: string;
  submissionId: string;
}

/** What a request version says of the EPS prescription it is issued on. */
export interface EpsClaim {
  /** The EPS short-form prescription id. */
  prescriptionId: string;
  status: EpsPrescriptionStatus;
  issuedAt: Date;
  pharmacyName: string | null;
  pharmacyOds: string | null;
}

/** A MedicationDispense row as ingestion writes it (the repository adds its prescription, recordedAt and updatedAt). */
export interface DispenseRow {
  id: string;
  nhsNumber: string;
  status: DispenseStatus;
  enteredInError: boolean;
  pharmacyName: string;
  pharmacyOds: string;
  handedOverAt: Date;
  quantityValue: number;
  /** Null for a declined dispense that sent no quantity: the prescription's unit (the repository knows it). */
  quantityUnit: string | null;
  sourceSystem: string;
  sourceKey: string;
  sourceVersionAt: Date;
  senderOds: string;
  submissionId: string;
}

export interface RequestRows {
  index: number;
  request: RequestRow;
  eps: EpsClaim | null;
}

export interface DispenseRows {
  index: number;
  dispense: DispenseRow;
  /** The identifier key (identifierKeyOf) of the MedicationRequest it names. */
  prescriptionKey: string;
  /** The EPS status the dispense itself states (the extension), or null: derived from its status. */
  epsStatus: EpsPrescriptionStatus | null;
}

export interface MedicationsRows {
  /** In entry order. */
  requests: RequestRows[];
  /** In entry order. */
  dispenses: DispenseRows[];
  /** Entries refused before anything is written (with the reason, no clinical content). */
  rejected: EntryOutcome[];
}

// ---------------------------------------------------------------------------------------------
// Keys and ids

/** A request's key (medication_request.source_key): the sending system and its identifier. */
export const requestSourceKey = (sourceId: string, system: string, value: string) => businessKey("medications.MedicationRequest", sourceId, system, value);
/**
 * A request's identifier whoever sent it (medication_request.identifier_key): how a pharmacy's
 * dispense finds it (authorizingPrescription names the identifier, not the GP system).
 */
export const identifierKeyOf = (system: string, value: string) => businessKey("medications.MedicationRequest.identifier", system, value);
export const dispenseSourceKey = (sourceId: string, system: string, value: string) => businessKey("medications.MedicationDispense", sourceId, system, value);
export const requestIdOf = (sourceKey: string) => keyedRecordId("MR", sourceKey);
export const prescriptionIdOf = (requestId: string, prescriptionId: string) => keyedRecordId("EP", requestId, prescriptionId);
export const dispenseIdOf = (sourceKey: string) => keyedRecordId("MD", sourceKey);

// ---------------------------------------------------------------------------------------------
// Checks of single resources

const unitOf = (q: Quantity | undefined): string | null => (nonEmpty(q?.unit) ? q.unit : nonEmpty(q?.code) ? q.code : null);

/** Code and display of a CodeableConcept: a coding with code and display, or text (then the code is empty). */
function codeOf(concept: CodeableConcept | undefined): { code: string; display: string } | null {
  const coding = concept?.coding?.find((c) => nonEmpty(c.code) && nonEmpty(c.display));
  if (coding) return { code: coding.code!, display: coding.display! };
  return nonEmpty(concept?.text) ? { code: "", display: concept.text } : null;
}

/** The business identifier: the first identifier with system and value. */
const businessIdentifier = (list: { system?: string; value?: string }[] | undefined) => {
  const found = list?.find((i) => nonEmpty(i.system) && nonEmpty(i.value));
  return found ? { system: found.system!, value: found.value! } : null;
};

/** The EPS status extension: absent, a status, or an issue. */
function epsStatusOf(extensions: Extension[] | undefined, path: string): { status: EpsPrescriptionStatus | null; issue: FhirIssue | null } {
  const found = (extensions ?? []).filter((e) => e.url === EPS_STATUS_EXTENSION);
  if (found.length === 0) return { status: null, issue: null };
  const at = `${path}.extension('${EPS_STATUS_EXTENSION}')`;
  if (found.length > 1) return { status: null, issue: error("invariant", at, "at most one EPS business status extension") };
  const coding = found[0]!.valueCoding;
  const status = coding?.system === EPS_STATUS_SYSTEM && nonEmpty(coding.code) ? EPS_STATUS[coding.code] : undefined;
  if (!status)
    return { status: null, issue: error("value", at, `the EPS business status must be a valueCoding from ${EPS_STATUS_SYSTEM} with one of ${EPS_CODES}`) };
  return { status, issue: null };
}

interface Versioned {
  identifier: { system: string; value: string };
  versionAt: Date;
}

function checkVersioned(resource: MedicationRequest | MedicationDispense, issues: FhirIssue[]): Versioned | null {
  const type = resource.resourceType;
  const identifier = businessIdentifier(resource.identifier);
  if (!identifier)
    issues.push(
      error("required", `${type}.identifier`, `${type}.identifier with system and value is required (its business identifier, the same in every version)`),
    );
  const versionAt = instant(resource.meta?.lastUpdated);
  if (!versionAt)
    issues.push(error("required", `${type}.meta.lastUpdated`, `${type}.meta.lastUpdated is required as an instant with a time zone (it orders the versions)`));
  if (!hasSubject(resource.subject)) issues.push(error("required", `${type}.subject`, `${type}.subject is required`));
  return identifier && versionAt ? { identifier, versionAt } : null;
}

interface ParsedRequest extends Versioned {
  status: MedicationRequestStatus;
  course: MedicationCourse;
  medicationCode: string;
  medicationName: string;
  dosageText: string;
  quantityValue: number;
  quantityUnit: string;
  authoredOn: Date;
  prescriberName: string;
  prescriberOds: string | null;
  eps: EpsClaim | null;
}

function medicationOf(mr: MedicationRequest, issues: FhirIssue[]): { code: string; display: string } | null {
  if (mr.medicationCodeableConcept !== undefined) {
    const code = codeOf(mr.medicationCodeableConcept);
    if (!code)
      issues.push(error("required", "MedicationRequest.medicationCodeableConcept", "medicationCodeableConcept needs a coding with code and display, or text"));
    return code;
  }
  if (mr.medicationReference !== undefined) {
    const ref = mr.medicationReference.reference;
    const contained = nonEmpty(ref) && ref.startsWith("#") ? mr.contained?.find((c) => c.resourceType === "Medication" && `#${c.id}` === ref) : undefined;
    if (!contained) {
      issues.push(
        error(
          "not-supported",
          "MedicationRequest.medicationReference",
          "medicationReference must refer to a Medication contained in the MedicationRequest (#id); send medicationCodeableConcept otherwise",
        ),
      );
      return null;
    }
    const code = codeOf((contained as Medication).code);
    if (!code)
      issues.push(error("required", "MedicationRequest.contained.code", "the contained Medication needs a code with a coding (code and display) or text"));
    return code;
  }
  issues.push(
    error("required", "MedicationRequest.medication[x]", "MedicationRequest.medicationCodeableConcept (or a contained medicationReference) is required"),
  );
  return null;
}

function checkRequest(mr: MedicationRequest): { issues: FhirIssue[]; parsed: ParsedRequest | null } {
  const issues: FhirIssue[] = [];
  const versioned = checkVersioned(mr, issues);
  const status = typeof mr.status === "string" ? REQUEST_STATUS[mr.status] : undefined;
  if (!status)
    issues.push(
      error(
        mr.status ? "value" : "required",
        "MedicationRequest.status",
        `MedicationRequest.status must be one of ${REQUEST_STATUS_CODES} (draft and unknown are not accepted)`,
      ),
    );
  if (!nonEmpty(mr.intent) || REFUSED_INTENTS.has(mr.intent) || !INTENTS.includes(mr.intent))
    issues.push(error(mr.intent ? "value" : "required", "MedicationRequest.intent", `MedicationRequest.intent must be one of ${INTENTS.join(", ")}`));

  let course: MedicationCourse | undefined;
  for (const c of mr.courseOfTherapyType?.coding ?? []) if (!course && c.system && COURSE_SYSTEMS.has(c.system) && c.code) course = COURSE[c.code];
  if (!course)
    issues.push(
      error(
        mr.courseOfTherapyType ? "value" : "required",
        "MedicationRequest.courseOfTherapyType",
        `MedicationRequest.courseOfTherapyType must have a coding from ${COURSE_SYSTEM} (or ${NHS_COURSE_SYSTEM}) with one of ${COURSE_CODES}`,
      ),
    );

  const medication = medicationOf(mr, issues);
  const dosageText = mr.dosageInstruction?.[0]?.text;
  if (!nonEmpty(dosageText))
    issues.push(
      error(
        "required",
        "MedicationRequest.dosageInstruction[0].text",
        "MedicationRequest.dosageInstruction[0].text is required (a medicine is not shown without its dose)",
      ),
    );
  const authoredOn = dateTime(mr.authoredOn);
  if (!authoredOn)
    issues.push(
      error(
        mr.authoredOn === undefined ? "required" : "value",
        "MedicationRequest.authoredOn",
        "MedicationRequest.authoredOn is required as a date or a date-time with a time zone",
      ),
    );
  const requester = mr.requester;
  if (!nonEmpty(requester?.display))
    issues.push(error("required", "MedicationRequest.requester.display", "MedicationRequest.requester.display is required (the prescriber)"));
  const quantity = mr.dispenseRequest?.quantity;
  const quantityUnit = unitOf(quantity);
  if (!quantity || !finite(quantity.value) || quantity.value <= 0 || quantityUnit === null)
    issues.push(
      error(
        quantity ? "value" : "required",
        "MedicationRequest.dispenseRequest.quantity",
        "MedicationRequest.dispenseRequest.quantity is required with a value above 0 and a unit",
      ),
    );

  // EPS: the prescription it is issued on and that prescription's business status, together.
  const group = mr.groupIdentifier;
  const prescriptionId = group?.system === EPS_PRESCRIPTION_ID_SYSTEM && nonEmpty(group.value) ? group.value : null;
  if (group !== undefined && prescriptionId === null)
    issues.push(
      error("value", "MedicationRequest.groupIdentifier", `MedicationRequest.groupIdentifier must have system ${EPS_PRESCRIPTION_ID_SYSTEM} and a value`),
    );
  const eps = epsStatusOf(mr.extension, "MedicationRequest");
  if (eps.issue) issues.push(eps.issue);
  else if (group !== undefined && eps.status === null)
    issues.push(
      error(
        "required",
        `MedicationRequest.extension('${EPS_STATUS_EXTENSION}')`,
        "an EPS prescription (groupIdentifier) needs its business status (Extension-EPS-TaskBusinessStatus)",
      ),
    );
  else if (group === undefined && eps.status !== null)
    issues.push(
      error("required", "MedicationRequest.groupIdentifier", "an EPS business status needs the EPS prescription it is the status of (groupIdentifier)"),
    );
  const validFrom = mr.dispenseRequest?.validityPeriod?.start;
  const issuedAt = validFrom !== undefined ? dateTime(validFrom) : authoredOn;
  if (validFrom !== undefined && !issuedAt)
    issues.push(
      error(
        "value",
        "MedicationRequest.dispenseRequest.validityPeriod.start",
        "dispenseRequest.validityPeriod.start must be a date or a date-time with a time zone",
      ),
    );
  const nominated = mr.dispenseRequest?.performer;
  const pharmacyName = nonEmpty(nominated?.display) ? nominated.display : null;
  const pharmacyOds = nonEmpty(nominated?.identifier?.value) ? nominated.identifier.value : null;

  if (issues.length > 0) return { issues, parsed: null };
  return {
    issues,
    parsed: {
      ...versioned!,
      status: status!,
      course: course!,
      medicationCode: medication!.code,
      medicationName: medication!.display,
      dosageText: dosageText!,
      quantityValue: quantity!.value!,
      quantityUnit: quantityUnit!,
      authoredOn: authoredOn!,
      prescriberName: requester!.display!,
      prescriberOds: requester?.identifier?.system === ODS_ORGANISATION_SYSTEM && nonEmpty(requester.identifier.value) ? requester.identifier.value : null,
      eps:
        prescriptionId !== null
          ? {
              prescriptionId,
              status: eps.status!,
              issuedAt: issuedAt!,
              // Both or neither: a nominated pharmacy is shown by name and ODS code.
              pharmacyName: pharmacyName && pharmacyOds ? pharmacyName : null,
              pharmacyOds: pharmacyName && pharmacyOds ? pharmacyOds : null,
            }
          : null,
    },
  };
}

interface ParsedDispense extends Versioned {
  status: DispenseStatus | "ENTERED_IN_ERROR";
  prescription: { system: string; value: string };
  handedOverAt: Date;
  quantityValue: number;
  quantityUnit: string | null;
  pharmacyName: string;
  pharmacyOds: string | null;
  epsStatus: EpsPrescriptionStatus | null;
}

function checkDispense(md: MedicationDispense): { issues: FhirIssue[]; parsed: ParsedDispense | null } {
  const issues: FhirIssue[] = [];
  const versioned = checkVersioned(md, issues);
  const status = typeof md.status === "string" ? DISPENSE_STATUS[md.status] : undefined;
  if (!status)
    issues.push(error(md.status ? "value" : "required", "MedicationDispense.status", `MedicationDispense.status must be one of ${DISPENSE_STATUS_CODES}`));

  const authorizing = md.authorizingPrescription ?? [];
  const prescription = businessIdentifier(authorizing[0]?.identifier ? [authorizing[0].identifier] : undefined);
  if (authorizing.length > 1)
    issues.push(error("invariant", "MedicationDispense.authorizingPrescription", "a dispense must name exactly one prescription (authorizingPrescription)"));
  else if (!prescription)
    issues.push(
      error(
        "required",
        "MedicationDispense.authorizingPrescription.identifier",
        "MedicationDispense.authorizingPrescription must name the MedicationRequest by identifier (system and value)",
      ),
    );

  // The time: handed over; for a decision not to supply (declined), handed over or prepared.
  const declined = status === "DECLINED" || (status === "ENTERED_IN_ERROR" && md.whenHandedOver === undefined);
  const timeText = md.whenHandedOver ?? (declined ? md.whenPrepared : undefined);
  const handedOverAt = instant(timeText);
  if (!handedOverAt)
    issues.push(
      error(
        timeText === undefined ? "required" : "value",
        "MedicationDispense.whenHandedOver",
        declined
          ? "MedicationDispense.whenHandedOver or whenPrepared is required as an instant with a time zone"
          : "MedicationDispense.whenHandedOver is required as an instant with a time zone",
      ),
    );
  const quantity = md.quantity;
  const unit = unitOf(quantity);
  let quantityValue = 0;
  if (declined) {
    if (quantity !== undefined && (!finite(quantity.value) || quantity.value < 0))
      issues.push(error("value", "MedicationDispense.quantity", "MedicationDispense.quantity.value must be a number of 0 or more"));
    else if (quantity !== undefined) quantityValue = quantity.value!;
  } else if (!quantity || !finite(quantity.value) || quantity.value <= 0 || unit === null)
    issues.push(
      error(quantity ? "value" : "required", "MedicationDispense.quantity", "MedicationDispense.quantity is required with a value above 0 and a unit"),
    );
  else quantityValue = quantity.value;

  const actor = md.performer?.[0]?.actor;
  if (!nonEmpty(actor?.display))
    issues.push(error("required", "MedicationDispense.performer", "MedicationDispense.performer[0].actor.display is required (the pharmacy that dispensed)"));
  const eps = epsStatusOf(md.extension, "MedicationDispense");
  if (eps.issue) issues.push(eps.issue);

  if (issues.length > 0) return { issues, parsed: null };
  return {
    issues,
    parsed: {
      ...versioned!,
      status: status!,
      prescription: prescription!,
      handedOverAt: handedOverAt!,
      quantityValue,
      quantityUnit: unit,
      pharmacyName: actor!.display!,
      pharmacyOds: nonEmpty(actor?.identifier?.value) ? actor.identifier.value : null,
      epsStatus: eps.status,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// A submission's medications entries together

const isRequest = (e: IngestEntry): e is IngestEntry<MedicationRequest> => e.resource.resourceType === "MedicationRequest";
const isDispense = (e: IngestEntry): e is IngestEntry<MedicationDispense> => e.resource.resourceType === "MedicationDispense";

interface Analysis {
  issues: Map<number, FhirIssue[]>;
  requests: Map<number, ParsedRequest>;
  dispenses: Map<number, ParsedDispense>;
}

function analyse(entries: readonly IngestEntry[]): Analysis {
  const issues = new Map<number, FhirIssue[]>();
  const add = (index: number, issue: FhirIssue) => issues.set(index, [...(issues.get(index) ?? []), issue]);
  const requests = new Map<number, ParsedRequest>();
  const dispenses = new Map<number, ParsedDispense>();
  const seen = new Set<string>();
  const once = (index: number, type: string, identifier: { system: string; value: string }) => {
    const key = JSON.stringify([type, identifier.system, identifier.value]);
    if (seen.has(key))
      add(index, error("duplicate", `${type}.identifier`, `another ${type} of the submission has the same identifier (send one version per submission)`));
    seen.add(key);
  };
  for (const e of entries) {
    if (isRequest(e)) {
      const checked = checkRequest(e.resource);
      checked.issues.forEach((i) => add(e.index, i));
      if (checked.parsed) {
        once(e.index, "MedicationRequest", checked.parsed.identifier);
        requests.set(e.index, checked.parsed);
      }
    } else if (isDispense(e)) {
      const checked = checkDispense(e.resource);
      checked.issues.forEach((i) => add(e.index, i));
      if (checked.parsed) {
        once(e.index, "MedicationDispense", checked.parsed.identifier);
        dispenses.set(e.index, checked.parsed);
      }
    }
  }
  return { issues, requests, dispenses };
}

export const medicationsFhir: FhirMapping & {
  /**
   * The rows of the matched entries, or the reason each entry is refused. Runs every check of
   * `validate` again (the entries were validated by the front door, perhaps by an older version), and
   * the checks that need the submission's metadata: who sent it (rule 1) and when it arrived (rule 2).
   */
  toRows(meta: SubmissionMeta, entries: readonly MatchedEntry[]): MedicationsRows;
} = {
  resourceTypes: ["MedicationRequest", "MedicationDispense"],

  validate(entries) {
    return analyse(entries).issues;
  },

  toRows(meta, entries) {
    const { issues, requests, dispenses } = analyse(entries);
    const out: MedicationsRows = { requests: [], dispenses: [], rejected: [] };
    const reject = (index: number, reason: string) => out.rejected.push({ index, status: "REJECTED", reason });
    for (const e of entries) {
      const found = issues.get(e.index);
      if (found) {
        reject(e.index, refusalReason(found));
        continue;
      }
      const request = requests.get(e.index);
      const dispense = dispenses.get(e.index);
      if (request) {
        if (!PRESCRIBERS.has(meta.sourceKind)) reject(e.index, "prescriptions (MedicationRequest) are accepted from GP and hospital systems only");
        else if (laterThanReceipt(request.versionAt, meta)) reject(e.index, "MedicationRequest.meta.lastUpdated is later than the submission was received");
        else {
          const sourceKey = requestSourceKey(meta.sourceId, request.identifier.system, request.identifier.value);
          out.requests.push({
            index: e.index,
            request: {
              id: requestIdOf(sourceKey),
              nhsNumber: e.nhsNumber,
              medicationCode: request.medicationCode,
              medicationName: request.medicationName,
              status: request.status,
              course: request.course,
              dosageText: request.dosageText,
              quantityValue: request.quantityValue,
              quantityUnit: request.quantityUnit,
              authoredOn: request.authoredOn,
              prescriberName: request.prescriberName,
              prescriberOds: request.prescriberOds ?? meta.senderOds,
              sourceSystem: meta.sourceSystem,
              sourceKey,
              identifierKey: identifierKeyOf(request.identifier.system, request.identifier.value),
              sourceVersionAt: request.versionAt,
              senderOds: meta.senderOds,
              submissionId: meta.submissionId,
            },
            eps: request.eps,
          });
        }
      } else if (dispense) {
        if (!DISPENSERS.has(meta.sourceKind)) reject(e.index, "dispenses (MedicationDispense) are accepted from pharmacy, hospital and GP systems only");
        else if (laterThanReceipt(dispense.versionAt, meta)) reject(e.index, "MedicationDispense.meta.lastUpdated is later than the submission was received");
        else {
          const sourceKey = dispenseSourceKey(meta.sourceId, dispense.identifier.system, dispense.identifier.value);
          const retracted = dispense.status === "ENTERED_IN_ERROR";
          out.dispenses.push({
            index: e.index,
            dispense: {
              id: dispenseIdOf(sourceKey),
              nhsNumber: e.nhsNumber,
              // A retraction keeps the status the dispense had (the repository keeps the stored one);
              // sent first, it is recorded as what it says it withdraws: a supply, or a decision not to.
              status: dispense.status === "ENTERED_IN_ERROR" ? (dispense.quantityValue > 0 ? "COMPLETED" : "DECLINED") : dispense.status,
              enteredInError: retracted,
              pharmacyName: dispense.pharmacyName,
              pharmacyOds: dispense.pharmacyOds ?? meta.senderOds,
              handedOverAt: dispense.handedOverAt,
              quantityValue: dispense.quantityValue,
              quantityUnit: dispense.quantityUnit,
              sourceSystem: meta.sourceSystem,
              sourceKey,
              sourceVersionAt: dispense.versionAt,
              senderOds: meta.senderOds,
              submissionId: meta.submissionId,
            },
            prescriptionKey: identifierKeyOf(dispense.prescription.system, dispense.prescription.value),
            epsStatus: dispense.epsStatus,
          });
        }
      } else reject(e.index, "not a resource type of the medications subgraph (MedicationRequest, MedicationDispense)");
    }
    return out;
  },
};
