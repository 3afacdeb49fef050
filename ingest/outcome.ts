// FHIR OperationOutcome answers (every error a source system sees is one, with FHIR issue codes).
import type { FhirIssue, IssueCode } from "../platform/ingest/contract.js";
import { fhirError } from "../platform/ingest/fhir-values.js";

export interface OperationOutcome {
  resourceType: "OperationOutcome";
  issue: FhirIssue[];
}

export const operationOutcome = (issue: FhirIssue[]): OperationOutcome => ({ resourceType: "OperationOutcome", issue });

/** A refusal of the whole request, with its HTTP status. */
export class FhirRequestError extends Error {
  constructor(
    readonly status: number,
    readonly issues: FhirIssue[],
  ) {
    super(issues[0]?.diagnostics ?? "refused");
  }
  static of(status: number, code: IssueCode, diagnostics: string, expression?: string): FhirRequestError {
    // A refusal of the whole request may have no one element to name (not JSON, no token).
    return new FhirRequestError(status, [expression ? fhirError(code, expression, diagnostics) : { severity: "error", code, diagnostics }]);
  }
}
