// FHIR R4 ingestion for the labs subgraph (issue 11, platform/ingest/contract.ts): how a
// DiagnosticReport and the Observations it lists become rows of labs.diagnostic_report and
// labs.observation. Pure: no I/O, no clock, no randomness; the repository (applyFhir) does the writes.
//
// Safety rules (each is a refusal, never a silent default):
//
//  1. A report is one unit with its results. Its Observations must be sent in the same submission
//     and listed in its `result` (by the entry's fullUrl, e.g. `urn:uuid:...`, or `Observation/<id>`);
//     an Observation that no DiagnosticReport of the submission lists is refused, and when any part
//     of a report is refused the whole report is (a report is never applied without a result it lists).
//  2. Every version of a report carries the same business identifier: the first
//     DiagnosticReport.identifier with system and value. With the sending system (its client id) it
//     makes the report's key, so two senders never address each other's reports. `meta.lastUpdated`
//     orders the versions (the applier keeps the newest; see repository.ts) and may not be later
//     than the moment the submission was received (a sender's clock error would otherwise hide
//     every later correction).
//  3. Status as sent, mapped one to one; `unknown` is refused (it says nothing a nurse could act on).
//     `entered-in-error` is applied (the row is kept for audit) and hides the report from every view.
//  4. Category: a coding from HL7 v2-0074 that maps to one of our disciplines, else refused.
//  5. Never guess normal. An Observation's interpretation is the laboratory's
//     (v3-ObservationInterpretation, or the same codes of v2-0078); only when none is sent is it
//     computed, with interpret(), from a plain numeric value (no comparator such as `<5`) and a
//     numeric reference range in the same unit. Otherwise (text results, ranges as text only,
//     values with a comparator, different units, no value) the entry is refused. An interpretation
//     code we cannot map, or codings that disagree, are refused too. The report is `abnormal` when
//     any of its observations is not NORMAL.
//  6. The patient is the matcher's business (the subject must be present); the applier refuses a
//     report whose observations were matched to another patient than the report itself.
//  7. Issues name element paths, entry positions and allowed codes only: never a value, display
//     text or identifier the sender sent (they are shown to the sender and logged).
import type { DiagnosticReport, Observation, Quantity } from "@medplum/fhirtypes";
import type { EntryOutcome, FhirIssue, FhirMapping, IngestEntry, MatchedEntry, SubmissionMeta } from "../../platform/ingest/contract.js";
import { interpret } from "./interpretation.js";
import {
  businessKey,
  codeOf,
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
import type { DiagnosticCategory, DiagnosticReportStatus, ObservationInterpretation, ObservationStatus } from "./prisma/generated/enums.js";

export const V2_0074 = "http://terminology.hl7.org/CodeSystem/v2-0074";
export const V3_INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";
/** HL7 v2 table 0078 (abnormal flags): the same codes with the same meanings as v3 for those we map. */
export const V2_0078 = "http://terminology.hl7.org/CodeSystem/v2-0078";
export const UCUM = "http://unitsofmeasure.org";

const REPORT_STATUS: Readonly<Record<string, DiagnosticReportStatus>> = {
  registered: "REGISTERED",
  partial: "PARTIAL",
  preliminary: "PRELIMINARY",
  final: "FINAL",
  amended: "AMENDED",
  corrected: "CORRECTED",
  appended: "APPENDED",
  cancelled: "CANCELLED",
  "entered-in-error": "ENTERED_IN_ERROR",
};

const OBSERVATION_STATUS: Readonly<Record<string, ObservationStatus>> = {
  // Registered: no result yet, may change; the closest we hold is PRELIMINARY.
  registered: "PRELIMINARY",
  preliminary: "PRELIMINARY",
  final: "FINAL",
  amended: "AMENDED",
  corrected: "CORRECTED",
  cancelled: "CANCELLED",
  "entered-in-error": "ENTERED_IN_ERROR",
};

const CATEGORY: Readonly<Record<string, DiagnosticCategory>> = {
  HM: "HAEMATOLOGY",
  CH: "CLINICAL_CHEMISTRY",
  MB: "MICROBIOLOGY",
  MCB: "MICROBIOLOGY",
  RAD: "IMAGING",
  IMG: "IMAGING",
  RX: "IMAGING",
  CT: "IMAGING",
  US: "IMAGING",
  NMR: "IMAGING",
  CUS: "CARDIOLOGY",
  EC: "CARDIOLOGY",
  CTH: "CARDIOLOGY",
};

const INTERPRETATION: Readonly<Record<string, ObservationInterpretation>> = {
  N: "NORMAL",
  H: "HIGH",
  L: "LOW",
  HH: "CRITICAL_HIGH",
  HU: "CRITICAL_HIGH",
  LL: "CRITICAL_LOW",
  LU: "CRITICAL_LOW",
  A: "ABNORMAL",
  AA: "ABNORMAL",
};
const INTERPRETATION_SYSTEMS = new Set([V3_INTERPRETATION, V2_0078]);

const REPORT_STATUS_CODES = Object.keys(REPORT_STATUS).join(", ");
const OBSERVATION_STATUS_CODES = Object.keys(OBSERVATION_STATUS).join(", ");
const CATEGORY_CODES = Object.keys(CATEGORY).join(", ");
const INTERPRETATION_CODES = Object.keys(INTERPRETATION).join(", ");

/** A DiagnosticReport row as ingestion writes it; the repository adds recordedAt and updatedAt. */
export interface ReportRow {
  id: string;
  nhsNumber: string;
  status: DiagnosticReportStatus;
  category: DiagnosticCategory;
  code: string;
  display: string;
  effectiveAt: Date;
  issuedAt: Date;
  performerName: string;
  performerOds: string;
  requester: string | null;
  conclusion: string | null;
  abnormal: boolean;
  sourceSystem: string;
  sourceKey: string;
  sourceVersionAt: Date;
  senderOds: string;
  submissionId: string;
}

/** An Observation row as ingestion writes it; the repository adds recordedAt and updatedAt. */
export interface ObservationRow {
  id: string;
  reportId: string;
  position: number;
  code: string;
  display: string;
  status: ObservationStatus;
  valueQuantity: number | null;
  unit: string | null;
  valueString: string | null;
  referenceLow: number | null;
  referenceHigh: number | null;
  referenceText: string | null;
  interpretation: ObservationInterpretation;
  sourceSystem: string;
}

/** One report of a submission with its observations, ready for the repository. */
export interface ReportRows {
  /** The entries it came from: the DiagnosticReport's first, then its Observations' in `result` order; all share its outcome. */
  indexes: number[];
  report: ReportRow;
  observations: ObservationRow[];
}

export interface LabsRows {
  /** In the order of their DiagnosticReport entries. */
  reports: ReportRows[];
  /** Entries refused before anything is written (with the reason, no clinical content). */
  rejected: EntryOutcome[];
}

// ---------------------------------------------------------------------------------------------
// Keys and ids

/**
 * The report's business key (diagnostic_report.source_key): a digest of the sending system and the
 * report's identifier, so the identifier itself is not stored and the key has a fixed length.
 */
export const reportSourceKey = (sourceId: string, system: string, value: string): string => businessKey("labs.DiagnosticReport", sourceId, system, value);

/**
 * Ids in the form of every record id (`DR-` / `OB-` and 24 letters: no digits, so nothing in one can
 * be mistaken for an NHS number), derived from the key so every version of a report has the same
 * id. They carry nothing about the patient: only the sender and the laboratory's identifier went in.
 */
export const reportIdOf = (sourceKey: string) => keyedRecordId("DR", sourceKey);
const observationIdOf = (sourceKey: string, key: (string | number)[]) => keyedRecordId("OB", sourceKey, ...key.map(String));

// ---------------------------------------------------------------------------------------------
// Checks of single resources

interface ParsedReport {
  identifier: { system: string; value: string };
  versionAt: Date;
  status: DiagnosticReportStatus;
  category: DiagnosticCategory;
  code: string;
  display: string;
  effectiveAt: Date;
  issuedAt: Date;
  performerName: string;
  performerOds: string | null;
  requester: string | null;
  conclusion: string | null;
}

function checkReport(dr: DiagnosticReport): { issues: FhirIssue[]; parsed: ParsedReport | null } {
  const issues: FhirIssue[] = [];
  const identifier = dr.identifier?.find((i) => nonEmpty(i.system) && nonEmpty(i.value));
  if (!identifier)
    issues.push(
      error(
        "required",
        "DiagnosticReport.identifier",
        "DiagnosticReport.identifier with system and value is required (the report's business identifier, the same in every version)",
      ),
    );
  const versionAt = instant(dr.meta?.lastUpdated);
  if (!versionAt)
    issues.push(
      error(
        "required",
        "DiagnosticReport.meta.lastUpdated",
        "DiagnosticReport.meta.lastUpdated is required as an instant with a time zone (it orders the versions of a report)",
      ),
    );
  const status = typeof dr.status === "string" ? REPORT_STATUS[dr.status] : undefined;
  if (!status) issues.push(error(dr.status ? "value" : "required", "DiagnosticReport.status", `DiagnosticReport.status must be one of ${REPORT_STATUS_CODES}`));

  let category: DiagnosticCategory | undefined;
  for (const concept of dr.category ?? []) for (const c of concept.coding ?? []) if (!category && c.system === V2_0074 && c.code) category = CATEGORY[c.code];
  if (!category)
    issues.push(
      error(
        dr.category?.length ? "value" : "required",
        "DiagnosticReport.category",
        `DiagnosticReport.category must have a coding from ${V2_0074} with one of ${CATEGORY_CODES}`,
      ),
    );

  const code = codeOf(dr.code);
  if (!code) issues.push(error("required", "DiagnosticReport.code", "DiagnosticReport.code needs a coding with code and display, or text"));

  const effectiveText = dr.effectiveDateTime ?? dr.effectivePeriod?.start;
  const effectiveAt = dateTime(effectiveText);
  const effectivePath = dr.effectiveDateTime !== undefined ? "DiagnosticReport.effectiveDateTime" : "DiagnosticReport.effectivePeriod.start";
  if (!effectiveAt)
    issues.push(
      error(
        effectiveText === undefined ? "required" : "value",
        effectivePath,
        "DiagnosticReport.effectiveDateTime (or effectivePeriod.start) is required as a date or a date-time with a time zone",
      ),
    );
  const issuedAt = instant(dr.issued);
  if (!issuedAt)
    issues.push(
      error(dr.issued === undefined ? "required" : "value", "DiagnosticReport.issued", "DiagnosticReport.issued is required as an instant with a time zone"),
    );

  const performer = dr.performer?.[0];
  if (!nonEmpty(performer?.display))
    issues.push(error("required", "DiagnosticReport.performer", "DiagnosticReport.performer[0].display is required (the laboratory that produced the report)"));
  if (!hasSubject(dr.subject)) issues.push(error("required", "DiagnosticReport.subject", "DiagnosticReport.subject is required"));
  if (dr.conclusion !== undefined && typeof dr.conclusion !== "string")
    issues.push(error("structure", "DiagnosticReport.conclusion", "DiagnosticReport.conclusion must be a string"));

  (dr.result ?? []).forEach((r, i) => {
    if (!nonEmpty(r.reference))
      issues.push(
        error(
          "required",
          `DiagnosticReport.result[${i}].reference`,
          "DiagnosticReport.result needs a reference to an Observation of the same submission (its fullUrl or Observation/<id>)",
        ),
      );
  });

  if (issues.length > 0) return { issues, parsed: null };
  return {
    issues,
    parsed: {
      identifier: { system: identifier!.system!, value: identifier!.value! },
      versionAt: versionAt!,
      status: status!,
      category: category!,
      code: code!.code,
      display: code!.display,
      effectiveAt: effectiveAt!,
      issuedAt: issuedAt!,
      performerName: performer!.display!,
      performerOds: nonEmpty(performer!.identifier?.value) ? performer!.identifier.value : null,
      requester: nonEmpty(dr.basedOn?.[0]?.display) ? dr.basedOn[0].display : null,
      conclusion: nonEmpty(dr.conclusion) ? dr.conclusion : null,
    },
  };
}

interface ParsedObservation {
  /** What names it within its report: its identifier, else (null) its position in the report's `result`. */
  identifier: { system: string; value: string } | null;
  status: ObservationStatus;
  code: string;
  display: string;
  valueQuantity: number | null;
  unit: string | null;
  valueString: string | null;
  referenceLow: number | null;
  referenceHigh: number | null;
  referenceText: string | null;
  interpretation: ObservationInterpretation;
}

/** The unit of a quantity: its UCUM code when it has one, else its unit text. */
const unitOf = (q: Quantity | undefined): string | null =>
  q?.system === UCUM && nonEmpty(q.code) ? q.code : nonEmpty(q?.unit) ? q.unit : nonEmpty(q?.code) ? q.code : null;

const UNSUPPORTED_VALUES = [
  "valueBoolean",
  "valueRange",
  "valueRatio",
  "valueSampledData",
  "valueTime",
  "valueDateTime",
  "valuePeriod",
] as const satisfies readonly (keyof Observation)[];

function checkObservation(ob: Observation): { issues: FhirIssue[]; parsed: ParsedObservation | null } {
  const issues: FhirIssue[] = [];
  const status = typeof ob.status === "string" ? OBSERVATION_STATUS[ob.status] : undefined;
  if (!status) issues.push(error(ob.status ? "value" : "required", "Observation.status", `Observation.status must be one of ${OBSERVATION_STATUS_CODES}`));
  const code = codeOf(ob.code);
  if (!code) issues.push(error("required", "Observation.code", "Observation.code needs a coding with code and display, or text"));
  if (!hasSubject(ob.subject)) issues.push(error("required", "Observation.subject", "Observation.subject is required"));

  // The value: a number we may compare with the range, or text (stored, never compared).
  let valueQuantity: number | null = null;
  let unit: string | null = null;
  let valueString: string | null = null;
  let comparable = false;
  if (ob.valueQuantity !== undefined) {
    const q = ob.valueQuantity;
    unit = unitOf(q);
    if (!finite(q.value)) issues.push(error("required", "Observation.valueQuantity.value", "Observation.valueQuantity.value must be a number"));
    else if (q.comparator) {
      // "<5" is not 5: kept as text with its comparator, and never compared with the range.
      valueString = `${q.comparator}${q.value}`;
    } else {
      valueQuantity = q.value;
      comparable = true;
    }
  } else if (ob.valueInteger !== undefined) {
    if (!finite(ob.valueInteger)) issues.push(error("value", "Observation.valueInteger", "Observation.valueInteger must be an integer"));
    else {
      valueQuantity = ob.valueInteger;
      comparable = true;
    }
  } else if (ob.valueString !== undefined) {
    if (!nonEmpty(ob.valueString)) issues.push(error("value", "Observation.valueString", "Observation.valueString must not be empty"));
    else valueString = ob.valueString;
  } else if (ob.valueCodeableConcept !== undefined) {
    const c = ob.valueCodeableConcept;
    const text = nonEmpty(c.text) ? c.text : (c.coding?.map((x) => (nonEmpty(x.display) ? x.display : x.code)).find(nonEmpty) ?? null);
    if (text === null)
      issues.push(error("required", "Observation.valueCodeableConcept", "Observation.valueCodeableConcept needs text or a coding with display or code"));
    else valueString = text;
  } else {
    const other = UNSUPPORTED_VALUES.find((k) => ob[k] !== undefined);
    if (other) issues.push(error("not-supported", `Observation.${other}`, "Observation.value[x] must be a Quantity, integer, string or CodeableConcept"));
  }

  // The first reference range (the one that applies to this patient, as the laboratory sent it).
  const range = ob.referenceRange?.[0];
  let referenceLow: number | null = null;
  let referenceHigh: number | null = null;
  if (range?.low !== undefined) {
    if (!finite(range.low.value))
      issues.push(error("value", "Observation.referenceRange[0].low.value", "Observation.referenceRange[0].low.value must be a number"));
    else referenceLow = range.low.value;
  }
  if (range?.high !== undefined) {
    if (!finite(range.high.value))
      issues.push(error("value", "Observation.referenceRange[0].high.value", "Observation.referenceRange[0].high.value must be a number"));
    else referenceHigh = range.high.value;
  }
  const referenceText = nonEmpty(range?.text) ? range.text : null;
  // A range in another unit than the value cannot be compared with it.
  const sameUnit = [range?.low, range?.high].every((q) => q === undefined || unitOf(q) === null || unit === null || unitOf(q) === unit);

  // Rule 5: the laboratory's interpretation, else computed, else refused; never a default.
  let interpretation: ObservationInterpretation | null = null;
  if (ob.interpretation?.length) {
    const mapped = new Set<ObservationInterpretation>();
    for (const concept of ob.interpretation)
      for (const c of concept.coding ?? []) {
        const m = c.system && INTERPRETATION_SYSTEMS.has(c.system) && c.code ? INTERPRETATION[c.code] : undefined;
        if (m) mapped.add(m);
      }
    if (mapped.size === 0)
      issues.push(
        error(
          "value",
          "Observation.interpretation",
          `Observation.interpretation must have a coding from ${V3_INTERPRETATION} with one of ${INTERPRETATION_CODES}`,
        ),
      );
    else if (mapped.size > 1) issues.push(error("invariant", "Observation.interpretation", "Observation.interpretation has codings that disagree"));
    else interpretation = [...mapped][0]!;
  } else if (comparable && valueQuantity !== null && (referenceLow !== null || referenceHigh !== null) && sameUnit) {
    interpretation = interpret(valueQuantity, { low: referenceLow, high: referenceHigh });
  } else {
    issues.push(
      error("required", "Observation.interpretation", "Observation.interpretation is required when the value cannot be compared with a reference range"),
    );
  }

  if (issues.length > 0) return { issues, parsed: null };
  const identifier = ob.identifier?.find((i) => nonEmpty(i.value));
  return {
    issues,
    parsed: {
      identifier: identifier ? { system: identifier.system ?? "", value: identifier.value! } : null,
      status: status!,
      code: code!.code,
      display: code!.display,
      valueQuantity,
      unit,
      valueString,
      referenceLow,
      referenceHigh,
      referenceText,
      interpretation: interpretation!,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// A submission's labs entries together: references, duplicates, groups

interface Group {
  report: number;
  /** Observation entry indexes in `result` order. */
  observations: number[];
}

interface Analysis {
  issues: Map<number, FhirIssue[]>;
  reports: Map<number, ParsedReport>;
  observations: Map<number, ParsedObservation>;
  groups: Group[];
}

const isReport = (e: IngestEntry): e is IngestEntry<DiagnosticReport> => e.resource.resourceType === "DiagnosticReport";
const isObservation = (e: IngestEntry): e is IngestEntry<Observation> => e.resource.resourceType === "Observation";

function analyse(entries: readonly IngestEntry[]): Analysis {
  const issues = new Map<number, FhirIssue[]>();
  const add = (index: number, issue: FhirIssue) => {
    const list = issues.get(index);
    if (list) list.push(issue);
    else issues.set(index, [issue]);
  };
  const reports = new Map<number, ParsedReport>();
  const observations = new Map<number, ParsedObservation>();

  // Where a reference can point: an Observation entry's fullUrl, or Observation/<its id>.
  const targets = new Map<string, number>();
  const reportEntries: IngestEntry<DiagnosticReport>[] = [];
  for (const e of entries) {
    if (isReport(e)) {
      reportEntries.push(e);
      const checked = checkReport(e.resource);
      checked.issues.forEach((i) => add(e.index, i));
      if (checked.parsed) reports.set(e.index, checked.parsed);
    } else if (isObservation(e)) {
      const checked = checkObservation(e.resource);
      checked.issues.forEach((i) => add(e.index, i));
      if (checked.parsed) observations.set(e.index, checked.parsed);
      const names = [e.fullUrl, e.resource.id ? `Observation/${e.resource.id}` : null].filter(nonEmpty);
      if (names.some((n) => targets.has(n)))
        add(
          e.index,
          error("duplicate", "Observation", "another Observation entry of the submission has the same fullUrl or id, so references to it are ambiguous"),
        );
      else names.forEach((n) => targets.set(n, e.index));
    }
  }

  // Each report's results; each Observation listed by exactly one report, once.
  const ownerOf = new Map<number, number>();
  const seenKeys = new Set<string>();
  const groups: Group[] = [];
  for (const e of reportEntries) {
    const refs = (e.resource.result ?? []).map((r) => (nonEmpty(r.reference) ? r.reference : null));
    const group: Group = { report: e.index, observations: [] };
    refs.forEach((ref, i) => {
      if (ref === null) return; // already an issue of the report
      const target = targets.get(ref);
      const path = `DiagnosticReport.result[${i}]`;
      if (target === undefined)
        add(
          e.index,
          error("invariant", path, "DiagnosticReport.result must refer to an Observation sent in the same submission (by its fullUrl or Observation/<id>)"),
        );
      else if (group.observations.includes(target)) add(e.index, error("duplicate", path, "DiagnosticReport.result lists the same Observation twice"));
      else if (ownerOf.has(target)) {
        add(
          e.index,
          error("invariant", path, `DiagnosticReport.result refers to an Observation that the DiagnosticReport of entry ${ownerOf.get(target)} lists too`),
        );
        add(target, error("invariant", "Observation", "an Observation may be listed in the result of one DiagnosticReport only"));
      } else {
        ownerOf.set(target, e.index);
        group.observations.push(target);
      }
    });
    groups.push(group);
    const parsed = reports.get(e.index);
    if (parsed) {
      const key = JSON.stringify([parsed.identifier.system, parsed.identifier.value]);
      if (seenKeys.has(key))
        add(
          e.index,
          error(
            "duplicate",
            "DiagnosticReport.identifier",
            "another DiagnosticReport of the submission has the same identifier (send one version of a report per submission)",
          ),
        );
      seenKeys.add(key);
    }
    // Observations named by the same identifier in one report would get the same row id.
    const named = new Set<string>();
    for (const o of group.observations) {
      const id = observations.get(o)?.identifier;
      if (!id) continue;
      const k = JSON.stringify([id.system, id.value]);
      if (named.has(k)) add(o, error("duplicate", "Observation.identifier", "another Observation of the same DiagnosticReport has the same identifier"));
      named.add(k);
    }
  }
  for (const e of entries)
    if (isObservation(e) && !ownerOf.has(e.index) && !issues.get(e.index)?.some((i) => i.code === "duplicate" || i.code === "invariant"))
      add(e.index, error("invariant", "Observation", "send an Observation with the DiagnosticReport that lists it in result"));

  // Rule 1: a report and its observations stand or fall together.
  const refused = new Set(issues.keys());
  for (const g of groups) {
    if (refused.has(g.report))
      for (const o of g.observations) add(o, error("invariant", "Observation", `refused with the DiagnosticReport of entry ${g.report}, which lists it`));
    g.observations.forEach((o) => {
      if (refused.has(o)) {
        const i = entries.find((e) => e.index === g.report)!.resource as DiagnosticReport;
        const position = (i.result ?? []).findIndex((r) => targets.get(r.reference ?? "") === o);
        add(g.report, error("invariant", `DiagnosticReport.result[${position}]`, `the Observation it refers to (entry ${o}) is refused`));
      }
    });
  }
  return { issues, reports, observations, groups };
}

export const labsFhir: FhirMapping & {
  /**
   * The rows of the matched entries' reports, or the reason each entry is refused. Runs every check
   * of `validate` again (the entries were validated by the front door, perhaps by an older version).
   */
  toRows(meta: SubmissionMeta, entries: readonly MatchedEntry[]): LabsRows;
} = {
  resourceTypes: ["DiagnosticReport", "Observation"],

  validate(entries) {
    return analyse(entries).issues;
  },

  toRows(meta, entries) {
    const { issues, reports, observations, groups } = analyse(entries);
    const byIndex = new Map(entries.map((e) => [e.index, e]));
    const rejected: EntryOutcome[] = [];
    const reject = (indexes: number[], reason: (i: number) => string) =>
      indexes.forEach((index) => rejected.push({ index, status: "REJECTED", reason: reason(index) }));
    const out: ReportRows[] = [];
    const grouped = new Set<number>();

    for (const g of groups) {
      const indexes = [g.report, ...g.observations];
      indexes.forEach((i) => grouped.add(i));
      if (indexes.some((i) => issues.has(i))) {
        reject(indexes, (i) => refusalReason(issues.get(i) ?? []));
        continue;
      }
      const parsed = reports.get(g.report)!;
      const nhsNumber = byIndex.get(g.report)!.nhsNumber;
      if (g.observations.some((o) => byIndex.get(o)!.nhsNumber !== nhsNumber)) {
        reject(indexes, () => "the report and its observations were matched to different patients");
        continue;
      }
      if (laterThanReceipt(parsed.versionAt, meta)) {
        reject(indexes, () => "DiagnosticReport.meta.lastUpdated is later than the submission was received");
        continue;
      }
      const sourceKey = reportSourceKey(meta.sourceId, parsed.identifier.system, parsed.identifier.value);
      const reportId = reportIdOf(sourceKey);
      const rows = g.observations.map((o, i): ObservationRow => {
        const ob = observations.get(o)!;
        const position = i + 1;
        return {
          id: observationIdOf(sourceKey, ob.identifier ? ["identifier", ob.identifier.system, ob.identifier.value] : ["position", position]),
          reportId,
          position,
          code: ob.code,
          display: ob.display,
          status: ob.status,
          valueQuantity: ob.valueQuantity,
          unit: ob.unit,
          valueString: ob.valueString,
          referenceLow: ob.referenceLow,
          referenceHigh: ob.referenceHigh,
          referenceText: ob.referenceText,
          interpretation: ob.interpretation,
          sourceSystem: meta.sourceSystem,
        };
      });
      out.push({
        indexes,
        report: {
          id: reportId,
          nhsNumber,
          status: parsed.status,
          category: parsed.category,
          code: parsed.code,
          display: parsed.display,
          effectiveAt: parsed.effectiveAt,
          issuedAt: parsed.issuedAt,
          performerName: parsed.performerName,
          // No ODS code on the performer: the sending organisation's (it sent the report as its own).
          performerOds: parsed.performerOds ?? meta.senderOds,
          requester: parsed.requester,
          conclusion: parsed.conclusion,
          abnormal: rows.some((o) => o.interpretation !== "NORMAL"),
          sourceSystem: meta.sourceSystem,
          sourceKey,
          sourceVersionAt: parsed.versionAt,
          senderOds: meta.senderOds,
          submissionId: meta.submissionId,
        },
        observations: rows,
      });
    }
    for (const e of entries) {
      if (grouped.has(e.index)) continue;
      if (isObservation(e))
        reject([e.index], (i) => refusalReason(issues.get(i) ?? []) || "send an Observation with the DiagnosticReport that lists it in result");
      else reject([e.index], () => "not a resource type of the labs subgraph (DiagnosticReport, Observation)");
    }
    return { reports: out, rejected };
  },
};
