// Client idempotency keys for mutations. A client that lost the answer to a write (a timeout, a
// dropped connection, a 503) retries with the same key and gets the original result instead of a
// second write. The key is recorded in the same transaction as the write it stands for, so a
// commit whose answer was lost is found on retry, and a rollback leaves no key behind. A key stands
// for the one request it carried out: a request refused with user errors (platform/errors/user-errors.ts)
// wrote nothing and recorded no key, so the key is still free for the corrected request.
import { createHash } from "node:crypto";
import { GraphQLError } from "graphql";
import { badInput } from "../errors/errors.js";

const KEY = /^[A-Za-z0-9_-]{8,100}$/;

export interface IdempotencyRequest {
  userId: string;
  key: string;
  operation: string;
  /** A digest of the operation and its arguments: a reused key must carry the same request. */
  requestHash: string;
}

/** The request's key (validated), or undefined when the client sent none. */
export function idempotencyRequest(userId: string, operation: string, args: { idempotencyKey?: string | null }): IdempotencyRequest | undefined {
  const { idempotencyKey: key, ...rest } = args;
  if (key === undefined || key === null) return undefined;
  if (!KEY.test(key)) throw badInput("idempotencyKey must be 8 to 100 characters of A-Z, a-z, 0-9, - and _");
  // Arguments as coerced by graphql-js (input fields in schema order, Dates as ISO strings).
  const requestHash = createHash("sha256")
    .update(JSON.stringify([operation, rest]))
    .digest("hex");
  return { userId, key, operation, requestHash };
}

export const keyReused = () =>
  new GraphQLError("This idempotency key was already used for a different request. Use a new key for a new request.", {
    extensions: { code: "IDEMPOTENCY_KEY_REUSED" },
  });

/** What an interactive Prisma transaction offers for raw SQL. */
export interface RawTransaction {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number>;
}

/**
 * Inside a transaction: takes the advisory locks (the key's first, then e.g. the resident's, so
 * concurrent writes for one resident queue instead of colliding on a version number), then either
 * returns the id the key already stands for, or runs the write and records the key with its id.
 */
export async function onceInTransaction(
  tx: RawTransaction,
  schema: string,
  request: IdempotencyRequest | undefined,
  locks: string[],
  write: () => Promise<string>,
): Promise<{ id: string; replayed: boolean }> {
  const lockNames = [...(request ? [`${schema}:idempotency:${request.userId}:${request.key}`] : []), ...locks];
  for (const name of lockNames) await tx.$queryRawUnsafe(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))::text`, name);
  if (request) {
    const [found] = await tx.$queryRawUnsafe<{ operation: string; request_hash: string; result_id: string }[]>(
      `SELECT operation, request_hash, result_id FROM "${schema}".idempotency_key WHERE user_id = $1 AND key = $2`,
      request.userId,
      request.key,
    );
    if (found) {
      if (found.operation !== request.operation || found.request_hash !== request.requestHash) throw keyReused();
      return { id: found.result_id, replayed: true };
    }
  }
  const id = await write();
  if (request)
    await tx.$executeRawUnsafe(
      `INSERT INTO "${schema}".idempotency_key (user_id, key, operation, request_hash, result_id) VALUES ($1, $2, $3, $4, $5)`,
      request.userId,
      request.key,
      request.operation,
      request.requestHash,
      id,
    );
  return { id, replayed: false };
}
