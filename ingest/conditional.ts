// Conditional create and update name the resource by its business identifier (`system|value`),
// which is also how every subgraph keys what it applies: the condition must name an identifier
// the resource carries, or the sender and the record would disagree about which item this is.
import type { Identifier } from "@medplum/fhirtypes";
import type { FhirIssue, Resource } from "../platform/ingest/contract.js";
import { fhirError } from "../platform/ingest/fhir-values.js";

export function conditionalIdentifierIssue(resource: Resource, condition: string | null, required: boolean): FhirIssue | null {
  if (condition === null || condition === "") {
    return required ? fhirError("required", "identifier", "a conditional update names the resource by ?identifier=system|value") : null;
  }
  const bar = condition.indexOf("|");
  if (bar <= 0 || bar === condition.length - 1) return fhirError("value", "identifier", "the identifier condition must be system|value");
  const system = condition.slice(0, bar);
  const value = condition.slice(bar + 1);
  const identifiers = (resource as { identifier?: Identifier | Identifier[] }).identifier;
  const list = Array.isArray(identifiers) ? identifiers : identifiers ? [identifiers] : [];
  return list.some((i) => i.system === system && i.value === value)
    ? null
    : fhirError("invalid", `${resource.resourceType}.identifier`, "the resource does not carry the identifier its condition names");
}
