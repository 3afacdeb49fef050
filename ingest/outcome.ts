// FHIR OperationOutcome answers (every error a source system sees is one, with FHIR issue codes).
import type { FhirIssue, IssueCode } from "../platform/ingest/contract.js";

export interface OperationOutcome {
  resourceType: "OperationOutcome";
  issue: FhirIssue[];
}

export const operationOutcome = (issue: FhirIssue[]): OperationOutcome => ({ resourceType: "OperationOutcome", issue });

export const errorIssue = (code: IssueCode, diagnostics: string, expression?: string): FhirIssue => ({
  severity: "error",
  code,
  diagnostics,
  ...(expression ? { expression: [expression] } : {}),
});

/** A refusal of the whole request, with its HTTP status. */
export class FhirRequestError extends Error {
  constructor(
    readonly status: number,
    readonly issues: FhirIssue[],
  ) {
    super(issues[0]?.diagnostics ?? "refused");
  }
  static of(status: number, code: IssueCode, diagnostics: string, expression?: string): FhirRequestError {
    return new FhirRequestError(status, [errorIssue(code, diagnostics, expression)]);
  }
}
