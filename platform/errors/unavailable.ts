// Whether an error means the database (or a peer service) cannot be reached right now, as opposed
// to a bug: the client gets SERVICE_UNAVAILABLE (retryable, HTTP 503 when nothing could be
// answered) instead of INTERNAL_SERVER_ERROR, so it knows a retry later is the right move.
import { GraphQLError } from "graphql";

// Socket-level failures (node:net) and pool exhaustion.
const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);
// PostgreSQL SQLSTATEs: class 08 (connection exception), 57P01-57P03 (admin/crash shutdown,
// cannot connect now), 53300 (too many connections).
const SQLSTATE = /^(08\d{3}|57P0[123]|53300)$/;
// Prisma: P1001 can't reach, P1002 timed out, P1017 server closed the connection, P2024 pool timeout.
const PRISMA_CODES = new Set(["P1001", "P1002", "P1017", "P2024"]);
// Driver adapter error kinds (@prisma/driver-adapter-utils) that mean "no connection".
const ADAPTER_KINDS = new Set([
  "DatabaseNotReachable",
  "DatabaseDoesNotExist",
  "ConnectionClosed",
  "SocketTimeout",
  "TooManyConnections",
  "TransactionAlreadyClosed",
]);
// pg-pool and pg raise these without a code.
const MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|terminating connection due to administrator command/;

export function isUnavailable(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== "object" || depth > 6) return false;
  const e = error as {
    code?: unknown;
    errorCode?: unknown;
    name?: unknown;
    message?: unknown;
    cause?: unknown;
    originalError?: unknown;
    errors?: unknown;
    kind?: unknown;
    originalCode?: unknown;
  };
  const code = typeof e.code === "string" ? e.code : typeof e.errorCode === "string" ? e.errorCode : undefined;
  if (code && (NETWORK_CODES.has(code) || SQLSTATE.test(code) || PRISMA_CODES.has(code))) return true;
  if (typeof e.originalCode === "string" && SQLSTATE.test(e.originalCode)) return true;
  if (typeof e.kind === "string" && ADAPTER_KINDS.has(e.kind)) return true;
  if (e.name === "PrismaClientInitializationError") return true;
  if (typeof e.message === "string" && MESSAGES.test(e.message)) return true;
  if (error instanceof GraphQLError && error.extensions?.code === "SERVICE_UNAVAILABLE") return true;
  const nested = [e.cause, e.originalError, ...(Array.isArray(e.errors) ? e.errors : [])];
  return nested.some((n) => n !== error && isUnavailable(n, depth + 1));
}

export function serviceUnavailable(): GraphQLError {
  return new GraphQLError("The care record cannot reach its database right now. Try again shortly.", {
    extensions: { code: "SERVICE_UNAVAILABLE", retryable: true },
  });
}
