// Stable error codes that clients can switch on. Domain failures are raised as GraphQLErrors with
// one of these codes; anything else is an unexpected fault and is masked before it leaves a server.
// (A mutation's refusals the user can act on are user errors of its payload: user-errors.ts.)
import { GraphQLError, type GraphQLFormattedError } from "graphql";
import { logger } from "../observability/logger.js";
import { isUnavailable, serviceUnavailable } from "./unavailable.js";

export const ErrorCode = {
  BadUserInput: "BAD_USER_INPUT",
  Unauthenticated: "UNAUTHENTICATED",
  Forbidden: "FORBIDDEN",
  GatewaySignatureRequired: "GATEWAY_SIGNATURE_REQUIRED",
  Internal: "INTERNAL_SERVER_ERROR",
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const httpStatus: Partial<Record<ErrorCode, number>> = {
  UNAUTHENTICATED: 401,
  GATEWAY_SIGNATURE_REQUIRED: 401,
};

export function domainError(code: ErrorCode, message: string, extra: Record<string, unknown> = {}): GraphQLError {
  const status = httpStatus[code];
  return new GraphQLError(message, {
    extensions: { code, ...extra, ...(status ? { http: { status } } : {}) },
  });
}

export const badInput = (message: string, extra?: Record<string, unknown>) => domainError(ErrorCode.BadUserInput, message, extra);

const knownCodes = new Set<string>([
  ...Object.values(ErrorCode),
  // Produced by graphql-js / Apollo Server for malformed requests; safe to pass through.
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
  "OPERATION_RESOLUTION_FAILURE",
  "BAD_REQUEST",
  // Access policy denials (platform/access/policy.ts): each tells the caller which rule refused.
  "ORG_NOT_REGISTERED",
  "ORG_DSPT_NOT_MET",
  "ORG_SHARING_AGREEMENT_MISSING",
  "TRAINING_NOT_COMPLETED",
  "ROLE_NOT_PERMITTED",
  "NO_CARE_RELATIONSHIP",
  "SHARING_OBJECTION",
  "AUDIT_UNAVAILABLE",
  // Sent by the subgraph server itself (platform/http/body-limit.ts) for a body over its bound.
  "PAYLOAD_TOO_LARGE",
  // Failures of a dependency (platform/errors/unavailable.ts, gateway/plugins/source-errors.ts): retry later.
  "SERVICE_UNAVAILABLE",
  "SOURCE_UNAVAILABLE",
  // Mutations (platform/db/idempotency.ts): a key reused with other arguments, a client bug. What the
  // user can act on (a value out of bounds, a state, a lost race) is a user error of the mutation's
  // payload instead (platform/errors/user-errors.ts), never one of these codes.
  "IDEMPOTENCY_KEY_REUSED",
]);

/**
 * Apollo Server formatError: keeps our coded errors, replaces everything else (Prisma errors carry
 * SQL and values, JS errors carry stacks) with a generic message. The cause is logged by name only,
 * never with its message, because messages from the data layer can contain clinical values.
 */
export function formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  if (typeof code === "string" && knownCodes.has(code) && code !== ErrorCode.Internal) {
    const { stacktrace: _drop, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions };
  }
  const original = error instanceof GraphQLError ? (error.originalError ?? error) : error;
  if (isUnavailable(original)) {
    logger.warn(
      { err: { name: (original as Error)?.name, code: (original as { code?: unknown })?.code }, path: formatted.path },
      "database or peer unavailable",
    );
    const { message, extensions } = serviceUnavailable();
    return { message, path: formatted.path, locations: formatted.locations, extensions };
  }
  logger.error(
    { err: { name: (original as Error)?.name, code: (original as { code?: unknown })?.code, stack: (original as Error)?.stack }, path: formatted.path },
    "unexpected error while resolving a request",
  );
  return {
    message: "Internal server error",
    path: formatted.path,
    locations: formatted.locations,
    extensions: { code: ErrorCode.Internal },
  };
}

/** Whether a code is one of the documented codes above (the gateway's error contract checks outgoing errors with it). */
export const isKnownCode = (code: string) => knownCodes.has(code);
