// Turns what a source system sent (a transaction or batch Bundle, or one resource) into the
// entries the pipeline carries, and finds the patient each one names. Nothing here decides whether
// the patient is the right one: that is the matcher's job (subgraphs/residents/fhir-match.ts),
// which sees exactly what the sender said, or that it said nothing.
import type { Bundle, BundleEntry, Patient, Reference } from "@medplum/fhirtypes";
import { NHS_NUMBER_SYSTEM, type FhirIssue, type IngestEntry, type NamedPatient, type Resource } from "../platform/ingest/contract.js";
import { FhirRequestError } from "./outcome.js";
import { fhirError } from "../platform/ingest/fhir-values.js";
import { conditionalIdentifierIssue } from "./conditional.js";

export type Interaction = "transaction" | "batch" | "create" | "update";

export interface ParsedSubmission {
  interaction: Interaction;
  entries: IngestEntry[];
  /** Issues found while reading entries, by entry index. */
  issues: Map<number, FhirIssue[]>;
}

/** The most entries one submission may carry (a day's results of a large laboratory fit in a few). */
export const MAX_ENTRIES = 10_000;

/** The element that names the patient, per resource type (FHIR R4). */
const PATIENT_ELEMENT: Readonly<Record<string, string>> = {
  AllergyIntolerance: "patient",
  EpisodeOfCare: "patient",
  Condition: "subject",
  Encounter: "subject",
  Composition: "subject",
  DocumentReference: "subject",
  DiagnosticReport: "subject",
  Observation: "subject",
  MedicationRequest: "subject",
  MedicationDispense: "subject",
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Reads a Bundle POSTed to the base URL. Entries it cannot read at all are issues, not exceptions (a batch goes on without them). */
export function parseBundle(body: unknown): ParsedSubmission {
  if (!isObject(body) || body.resourceType !== "Bundle")
    throw FhirRequestError.of(400, "structure", "POST to the base URL takes a Bundle of type transaction or batch", "Bundle");
  const bundle = body as unknown as Bundle;
  if (bundle.type !== "transaction" && bundle.type !== "batch")
    throw FhirRequestError.of(400, "value", "Bundle.type must be transaction or batch", "Bundle.type");
  if (!Array.isArray(bundle.entry) || bundle.entry.length === 0) throw FhirRequestError.of(400, "required", "the Bundle has no entries", "Bundle.entry");
  if (bundle.entry.length > MAX_ENTRIES)
    throw FhirRequestError.of(413, "too-costly", `a Bundle may hold at most ${MAX_ENTRIES} entries; split it`, "Bundle.entry");
  const issues = new Map<number, FhirIssue[]>();
  const entries: IngestEntry[] = [];
  bundle.entry.forEach((raw, index) => {
    const problem = entryProblem(raw, index);
    if (problem) return void issues.set(index, [problem]);
    entries.push({ index, resource: raw.resource!, fullUrl: raw.fullUrl ?? null, patient: null });
  });
  return { interaction: bundle.type, entries: withPatients(entries), issues };
}

/** Reads one resource POSTed or PUT to `[base]/<type>`. */
export function parseSingle(body: unknown, type: string, interaction: "create" | "update"): ParsedSubmission {
  if (!isObject(body) || typeof body.resourceType !== "string") throw FhirRequestError.of(400, "structure", "the body is not a FHIR resource", "Resource");
  if (body.resourceType !== type)
    throw FhirRequestError.of(400, "invalid", `the body is a ${body.resourceType}, the URL names ${type}`, "Resource.resourceType");
  return { interaction, entries: withPatients([{ index: 0, resource: body as unknown as Resource, fullUrl: null, patient: null }]), issues: new Map() };
}

function entryProblem(raw: BundleEntry, index: number): FhirIssue | null {
  const at = `Bundle.entry[${index}]`;
  if (!isObject(raw)) return fhirError("structure", at, "an entry must be an object");
  if (!isObject(raw.resource) || typeof raw.resource.resourceType !== "string") return fhirError("required", `${at}.resource`, "the entry has no resource");
  const method = (raw as BundleEntry).request?.method;
  if (method === "DELETE")
    return fhirError(
      "not-supported",
      `${at}.request.method`,
      "DELETE is not accepted: send the resource with status entered-in-error, which retracts it and keeps it for audit",
    );
  if (method !== undefined && method !== "POST" && method !== "PUT")
    return fhirError("not-supported", `${at}.request.method`, "only POST (create) and PUT (update) entries are accepted");
  // A conditional entry must name the identifier its resource carries (ingest/conditional.ts).
  const url = (raw as BundleEntry).request?.url ?? "";
  const query = url.indexOf("?");
  if (query >= 0) {
    const condition = new URLSearchParams(url.slice(query + 1)).get("identifier");
    const issue = conditionalIdentifierIssue(raw.resource as unknown as Resource, condition, method === "PUT");
    if (issue) return { ...issue, expression: [`${at}.request.url`] };
  }
  return null;
}

/** Each entry's patient: the Patient it refers to in this submission (or contains), or just the NHS number its reference gives. */
function withPatients(entries: IngestEntry[]): IngestEntry[] {
  const patients = new Map<string, Patient>();
  for (const e of entries) {
    if (e.resource.resourceType !== "Patient") continue;
    if (e.fullUrl) patients.set(e.fullUrl, e.resource);
    if (e.resource.id) patients.set(`Patient/${e.resource.id}`, e.resource);
  }
  return entries.map((e) => {
    if (e.resource.resourceType === "Patient") return { ...e, patient: namedPatient(e.resource, null) };
    const element = PATIENT_ELEMENT[e.resource.resourceType];
    if (!element) return e;
    const ref = (e.resource as unknown as Record<string, unknown>)[element];
    if (!isObject(ref)) return { ...e, patient: { nhsNumber: null, birthDate: null, family: null } };
    const reference = ref as Reference;
    const contained = reference.reference?.startsWith("#")
      ? (e.resource as { contained?: Resource[] }).contained?.find((c) => c.resourceType === "Patient" && `#${c.id}` === reference.reference)
      : undefined;
    const target = (contained as Patient | undefined) ?? (reference.reference ? patients.get(reference.reference) : undefined);
    return { ...e, patient: namedPatient(target ?? null, reference) };
  });
}

function namedPatient(patient: Patient | null, reference: Reference | null): NamedPatient {
  const fromPatient = patient?.identifier?.find((i) => i.system === NHS_NUMBER_SYSTEM)?.value;
  const fromReference = reference?.identifier?.system === NHS_NUMBER_SYSTEM ? reference.identifier.value : undefined;
  // Two different numbers for one entry is a sender's mix-up: neither is believed (the matcher quarantines).
  const nhsNumber = fromPatient && fromReference && fromPatient !== fromReference ? "conflicting" : (fromPatient ?? fromReference ?? null);
  const official = patient?.name?.find((n) => n.use === "official") ?? patient?.name?.[0];
  return {
    nhsNumber: typeof nhsNumber === "string" ? nhsNumber : null,
    birthDate: typeof patient?.birthDate === "string" ? patient.birthDate : null,
    family: typeof official?.family === "string" ? official.family : null,
  };
}
