// The FHIR answers of the front door that are not refusals.
import type { SubmissionStatus } from "../platform/ingest/log.js";
import type { Accepted } from "./accept.js";
import type { ParsedSubmission } from "./entries.js";
import { operationOutcome } from "./outcome.js";

const QUEUED = operationOutcome([
  { severity: "information", code: "informational", diagnostics: "stored; it is applied once its patient is matched (see the submission's Content-Location)" },
]);

/** 202: stored, to be applied. A Bundle is answered entry by entry (a batch's refused entries with their issues). */
export function acceptedResponse(parsed: ParsedSubmission, accepted: Accepted, location: string): object {
  if (parsed.interaction === "create" || parsed.interaction === "update") return QUEUED;
  const count = Math.max(...parsed.entries.map((e) => e.index), ...accepted.refused.keys()) + 1;
  return {
    resourceType: "Bundle",
    type: `${parsed.interaction}-response`,
    link: [{ relation: "self", url: location }],
    entry: Array.from({ length: count }, (_, index) => {
      const issues = accepted.refused.get(index);
      if (issues) {
        const status = issues.some((i) => i.code === "forbidden") ? "403 Forbidden" : "400 Bad Request";
        return { response: { status, outcome: operationOutcome(issues) } };
      }
      return { response: { status: "202 Accepted", location: `${location}#${index}`, outcome: QUEUED } };
    }),
  };
}

/** What became of each entry: a `searchset`-like Bundle of one Parameters per entry (no clinical content). */
export function statusBundle(base: string, s: SubmissionStatus): object {
  return {
    resourceType: "Parameters",
    id: s.submissionId,
    parameter: [
      { name: "submission", valueString: s.submissionId },
      { name: "interaction", valueCode: s.interaction },
      { name: "received", valueInstant: s.receivedAt.toISOString() },
      { name: "complete", valueBoolean: s.entries.every((e) => e.status !== "QUEUED") },
      ...s.entries.map((e) => ({
        name: "entry",
        part: [
          { name: "index", valueInteger: e.index },
          { name: "resourceType", valueCode: e.resourceType },
          { name: "status", valueCode: e.status },
          ...(e.reason ? [{ name: "reason", valueString: e.reason }] : []),
          { name: "updated", valueInstant: e.updatedAt.toISOString() },
        ],
      })),
    ],
    meta: { source: base },
  };
}

export function capabilityStatement(base: string, types: readonly string[]): object {
  return {
    resourceType: "CapabilityStatement",
    status: "active",
    date: "2026-12-04",
    kind: "instance",
    fhirVersion: "4.0.1",
    format: ["application/fhir+json"],
    implementation: { description: "Care record FHIR ingestion (source systems write; reads are through the GraphQL API)", url: base },
    rest: [
      {
        mode: "server",
        security: {
          service: [{ coding: [{ system: "http://terminology.hl7.org/CodeSystem/restful-security-service", code: "SMART-on-FHIR" }] }],
          extension: [
            { url: "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris", extension: [{ url: "token", valueUri: `${base}/auth/token` }] },
          ],
        },
        interaction: [{ code: "transaction" }, { code: "batch" }],
        resource: [...types]
          .sort()
          .map((type) => ({ type, interaction: [{ code: "create" }, { code: "update" }], conditionalCreate: true, conditionalUpdate: true })),
      },
    ],
  };
}
