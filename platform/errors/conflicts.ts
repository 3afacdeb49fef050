// A write that lost a race it could not queue for (a unique key taken meanwhile, a deadlock or
// serialization failure, a transaction that could not start in time) is the user error CONFLICT of
// the mutation's payload (platform/errors/user-errors.ts): retry, with the same idempotency key.
// Nothing was written (the transaction rolled back) and no key was recorded. Never an
// INTERNAL_SERVER_ERROR; only writes of mutations with a payload use it.
import { refused } from "./user-errors.js";

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

export const conflict = () => refused("CONFLICT", "Another change to this record was made at the same moment. Try again.");

export async function conflictsCoded<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isConflict(error)) throw conflict();
    throw error;
  }
}
