// The gateway's side of the error contract: the codes it emits itself (the subgraphs' codes are
// `knownCodes` in platform/errors/errors.ts) and the HTTP status each request-level error gets.
// The README's Errors table lists exactly the union of both (test/error-contract.test.ts).
//
// HTTP status follows the GraphQL-over-HTTP spec:
// - a request that is not well-formed HTTP-wise (body not JSON, bad parameters, wrong method or
//   media type) gets its 4xx whatever the client accepts;
// - a GraphQL request error (the document does not parse or validate, no operation can be chosen,
//   variables do not coerce, a limit refuses it) gets 400 under `application/graphql-response+json`
//   and 200 under the legacy `application/json`, as the spec prescribes for that media type
//   (`spec: true` is how graphql-yoga expresses this);
// - once execution has started (the response has `data`, even null), 200, with the codes in the
//   errors; except UNAUTHENTICATED, always 401.

export interface StatusRule {
  status: number;
  /** 200 under application/json (a GraphQL request error in a well-formed HTTP request). */
  spec?: boolean;
  headers?: Record<string, string>;
}

export const GATEWAY_CODES = {
  BAD_REQUEST: { status: 400 },
  METHOD_NOT_ALLOWED: { status: 405 },
  UNSUPPORTED_MEDIA_TYPE: { status: 415 },
  GRAPHQL_PARSE_FAILED: { status: 400, spec: true },
  GRAPHQL_VALIDATION_FAILED: { status: 400, spec: true },
  OPERATION_RESOLUTION_FAILURE: { status: 400, spec: true },
  OPERATION_NOT_SUPPORTED: { status: 400, spec: true },
  QUERY_TOO_COMPLEX: { status: 400, spec: true },
  COST_LIMIT_EXCEEDED: { status: 400, spec: true },
  RATE_LIMITED: { status: 429 },
  PERSISTED_QUERY_HASH_MISMATCH: { status: 400, spec: true },
  TRUSTED_DOCUMENT_REQUIRED: { status: 400, spec: true },
  SECTION_STATUS_REQUIRED: { status: 400, spec: true },
} as const satisfies Record<string, StatusRule>;

/** Status of a request-level error (no `data`) by code, for codes emitted anywhere. */
export const REQUEST_ERROR_STATUS: Record<string, StatusRule> = {
  ...GATEWAY_CODES,
  BAD_USER_INPUT: { status: 400, spec: true },
  PERSISTED_QUERY_NOT_FOUND: { status: 400, spec: true },
  PERSISTED_QUERY_NOT_SUPPORTED: { status: 400, spec: true },
  UNAUTHENTICATED: { status: 401 },
  PAYLOAD_TOO_LARGE: { status: 413 },
  // The audit store could not be written, so the response was withheld: the service's fault, retryable.
  AUDIT_UNAVAILABLE: { status: 503 },
  INTERNAL_SERVER_ERROR: { status: 500 },
};
