// A write that lost a race it could not queue for (a unique key taken meanwhile, a deadlock or
// serialization failure, a transaction that could not start in time) is a coded, retryable
// CONFLICT, never an INTERNAL_SERVER_ERROR.
import { GraphQLError } from "graphql";

// Prisma: P2002 unique constraint, P2034 write conflict or deadlock, P2028 transaction API error.
const PRISMA = new Set(["P2002", "P2034", "P2028"]);
// PostgreSQL: 23505 unique violation, 40001 serialization failure, 40P01 deadlock.
const SQLSTATE = new Set(["23505", "40001", "40P01"]);
const ADAPTER_KINDS = new Set(["UniqueConstraintViolation", "TransactionWriteConflict"]);

function isConflict(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== "object" || depth > 4) return false;
  const e = error as { code?: unknown; kind?: unknown; cause?: unknown };
  if (typeof e.code === "string" && (PRISMA.has(e.code) || SQLSTATE.has(e.code))) return true;
  if (typeof e.kind === "string" && ADAPTER_KINDS.has(e.kind)) return true;
  return isConflict(e.cause, depth + 1);
}

export const conflict = () =>
  new GraphQLError("Another change to this record was made at the same moment. Try again.", {
    extensions: { code: "CONFLICT", retryable: true },
  });

export async function conflictsCoded<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isConflict(error)) throw conflict();
    throw error;
  }
}
