// Cursor paging shared by every connection. Cursors are opaque base64url JSON of the sort key of
// the last row (keyset paging), so pages stay stable while new rows arrive.
import { badInput } from "../errors/errors.js";

export const MAX_PAGE_SIZE = 100;

export function pageSize(first: number | null | undefined, fallback = 20): number {
  const n = first ?? fallback;
  if (!Number.isInteger(n) || n < 1 || n > MAX_PAGE_SIZE) throw badInput(`first must be between 1 and ${MAX_PAGE_SIZE}`);
  return n;
}

export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString("base64url");
}

export function decodeCursor(cursor: string | null | undefined, arity: number): (string | number)[] | null {
  if (cursor == null) return null;
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(key) && key.length === arity && key.every((k) => typeof k === "string" || typeof k === "number")) return key;
  } catch {
    /* fall through */
  }
  throw badInput("after is not a cursor this API issued");
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** Builds a connection from rows fetched with limit `size + 1` (the extra row tells hasNextPage). */
export function toConnection<T>(rows: T[], size: number, keyOf: (row: T) => (string | number)[]): Connection<T> {
  const page = rows.slice(0, size);
  const edges = page.map((node) => ({ cursor: encodeCursor(keyOf(node)), node }));
  return { edges, pageInfo: { hasNextPage: rows.length > size, endCursor: edges.at(-1)?.cursor ?? null } };
}

/** Position in a newest-first list ordered by (time desc, id asc). */
export interface TimeKeyset {
  at: string;
  id: string;
}

export function decodeTimeCursor(cursor: string | null | undefined): TimeKeyset | null {
  const key = decodeCursor(cursor, 2);
  if (!key) return null;
  const [at, id] = key;
  if (typeof at !== "string" || Number.isNaN(Date.parse(at)) || typeof id !== "string") throw badInput("after is not a cursor this API issued");
  return { at, id };
}

/** Prisma `where` fragment for rows strictly after the keyset position. */
export function afterTimeKeyset(field: string, after: TimeKeyset | null): Record<string, unknown> {
  if (!after) return {};
  const at = new Date(after.at);
  return { OR: [{ [field]: { lt: at } }, { [field]: at, id: { gt: after.id } }] };
}

/** A newest-first connection: the first `size` rows of a resident's list fetched without a limit. */
export function timeConnection<T extends { id: string }>(rows: T[], size: number, timeOf: (row: T) => Date): Connection<T> {
  return toConnection(rows.slice(0, size + 1), size, (r) => [timeOf(r).toISOString(), r.id]);
}
