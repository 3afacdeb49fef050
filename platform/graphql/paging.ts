// Cursor paging shared by every connection (keyset paging: a cursor is the sort key of a row, so
// pages stay stable while new rows arrive).
//
// Cursors are opaque: the sort key (which can hold an NHS number or a name) is sealed with
// AES-256-GCM under a key derived from CURSOR_SECRET, with the list it belongs to (its scope: the
// list's name, plus what fixes its order, e.g. the care home and the sort) as authenticated data.
// A cursor shows nothing of the row, and one that was altered, made up, issued under another key
// or by another list is refused with BAD_USER_INPUT. The nonce is synthetic (an HMAC of the scope
// and the key, as in SIV), so one position of one list always gets the same cursor: answers stay
// comparable (caches, the benchmark's reference answers) and only equal positions look equal.
import { createCipheriv, createDecipheriv, createHmac, hkdfSync } from "node:crypto";
import { env } from "../config/env.js";
import { badInput } from "../errors/errors.js";

export const MAX_PAGE_SIZE = 100;
/** The page size when a connection is given neither `first` nor `last` (and its `first` has no default of its own). */
export const DEFAULT_PAGE_SIZE = 20;

export function pageSize(first: number | null | undefined, fallback = DEFAULT_PAGE_SIZE, argument = "first"): number {
  const n = first ?? fallback;
  if (!Number.isInteger(n) || n < 1 || n > MAX_PAGE_SIZE) throw badInput(`${argument} must be between 1 and ${MAX_PAGE_SIZE}`);
  return n;
}

// ---- sealed cursors ---------------------------------------------------------------------------

type CursorKey = (string | number)[];

const VERSION = 1;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
/** Far above any cursor this API issues (about 100 characters); anything longer is not one of ours. */
const MAX_CURSOR_LENGTH = 1024;

export interface CursorCodec {
  encode(scope: string, key: readonly (string | number)[]): string;
  /** The key sealed in `cursor` for `scope`, or null when it is not a well-formed cursor of that scope under this key. */
  open(scope: string, cursor: string): CursorKey | null;
}

/** A codec under `secret` (at least 32 characters: CURSOR_SECRET). */
export function createCursorCodec(secret: string): CursorCodec {
  const derive = (info: string) => Buffer.from(hkdfSync("sha256", secret, "carerecord-paging-cursor", info, 32));
  const encryptionKey = derive("aes-256-gcm key");
  const nonceKey = derive("synthetic nonce key");
  const header = Buffer.from([VERSION]);
  const aad = (scope: string) => Buffer.concat([header, Buffer.from(scope, "utf8")]);
  return {
    encode(scope, key) {
      const plain = Buffer.from(JSON.stringify(key), "utf8");
      const nonce = createHmac("sha256", nonceKey)
        .update(JSON.stringify([scope, plain.toString("utf8")]))
        .digest()
        .subarray(0, NONCE_BYTES);
      const cipher = createCipheriv("aes-256-gcm", encryptionKey, nonce, { authTagLength: TAG_BYTES });
      cipher.setAAD(aad(scope));
      const sealed = Buffer.concat([cipher.update(plain), cipher.final()]);
      return Buffer.concat([header, nonce, sealed, cipher.getAuthTag()]).toString("base64url");
    },
    open(scope, cursor) {
      if (cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
      const bytes = Buffer.from(cursor, "base64url");
      if (bytes.length < 1 + NONCE_BYTES + TAG_BYTES + 2 || bytes[0] !== VERSION) return null;
      const nonce = bytes.subarray(1, 1 + NONCE_BYTES);
      const tag = bytes.subarray(bytes.length - TAG_BYTES);
      try {
        const decipher = createDecipheriv("aes-256-gcm", encryptionKey, nonce, { authTagLength: TAG_BYTES });
        decipher.setAAD(aad(scope));
        decipher.setAuthTag(tag);
        const plain = Buffer.concat([decipher.update(bytes.subarray(1 + NONCE_BYTES, bytes.length - TAG_BYTES)), decipher.final()]);
        const key: unknown = JSON.parse(plain.toString("utf8"));
        if (Array.isArray(key) && key.every((k) => typeof k === "string" || typeof k === "number")) return key;
      } catch {
        /* altered, foreign or made up: not ours */
      }
      return null;
    },
  };
}

let processCodec: CursorCodec | undefined;
/** The codec of this process, under its configured CURSOR_SECRET. */
const codec = () => (processCodec ??= createCursorCodec(env().CURSOR_SECRET));

/** The opaque cursor of `key` in the list `scope`. */
export function encodeCursor(scope: string, key: readonly (string | number)[]): string {
  return codec().encode(scope, key);
}

/**
 * The key in a cursor that list `scope` issued, with `arity` parts; null when there is no cursor.
 * Anything else is BAD_USER_INPUT naming the argument it came in.
 */
export function decodeCursor(scope: string, cursor: string | null | undefined, arity: number, argument = "after"): CursorKey | null {
  if (cursor == null) return null;
  const key = codec().open(scope, cursor);
  if (key && key.length === arity) return key;
  throw notOurs(argument);
}

const notOurs = (argument: string) => badInput(`${argument} is not a cursor this list issued`);

// ---- connections ------------------------------------------------------------------------------

/**
 * Relay's PageInfo. Lists that page only forwards answer `hasPreviousPage: false` on every page,
 * as the Relay specification allows (it is exact on the first page); two-way lists
 * (twoWayConnection) answer both flags exactly.
 */
export interface PageInfo {
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  startCursor: string | null;
  endCursor: string | null;
}

export interface Connection<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
}

/** PageInfo whose start and end cursors are read (and so sealed) only when a client selects them. */
const pageInfoOf = (edges: { cursor: string }[], hasNextPage: boolean, hasPreviousPage: boolean): PageInfo => ({
  hasNextPage,
  hasPreviousPage,
  get startCursor() {
    return edges[0]?.cursor ?? null;
  },
  get endCursor() {
    return edges.at(-1)?.cursor ?? null;
  },
});

export type Edge<T> = { readonly cursor: string; node: T };

/**
 * An edge whose cursor is sealed when first read, then kept. Sealing costs an HMAC and an AES-GCM
 * encryption, and most answers (a resident's sections, the dashboard) never select a cursor: done
 * for every row it was the subgraphs' largest cost of our own (bench/PROFILE.md).
 */
function lazyEdge<T>(scope: string, node: T, keyOf: (row: T) => (string | number)[]): Edge<T> {
  let cursor: string | undefined;
  return {
    node,
    get cursor() {
      return (cursor ??= encodeCursor(scope, keyOf(node)));
    },
  };
}

/** The same edges over other nodes (`to` of each node), their cursors still sealed only when read. */
export function mapNodes<T, U>(edges: readonly Edge<T>[], to: (node: T, index: number) => U): Edge<U>[] {
  return edges.map((edge, i) => ({
    node: to(edge.node, i),
    get cursor() {
      return edge.cursor;
    },
  }));
}

/** A forward-only connection of list `scope` from rows fetched with limit `size + 1` (the extra row tells hasNextPage). */
export function toConnection<T>(scope: string, rows: T[], size: number, keyOf: (row: T) => (string | number)[]): Connection<T> {
  const edges = rows.slice(0, size).map((node) => lazyEdge(scope, node, keyOf));
  return { edges, pageInfo: pageInfoOf(edges, rows.length > size, false) };
}

/** Where a two-way list is asked for: `first`/`after` forwards, `last`/`before` backwards. */
export interface PageRequest {
  size: number;
  backward: boolean;
  /** The cursor to start from (after it forwards, before it backwards); null from the list's start or end. */
  cursor: string | null;
  /** The argument the cursor came in, for the error that refuses it. */
  argument: "after" | "before";
}

/**
 * Reads Relay's four paging arguments: forwards with `first` (and `after`), backwards with `last`
 * (and `before`); `DEFAULT_PAGE_SIZE` forwards when neither size is given. Mixing the directions
 * (`first` with `last`, `after` with `before`, `first` with `before`, `last` with `after`) is
 * BAD_USER_INPUT rather than one of the spec's rarely meant combinations.
 */
export function pageRequest(args: { first?: number | null; after?: string | null; last?: number | null; before?: string | null }): PageRequest {
  const given = (v: unknown) => v !== null && v !== undefined;
  if (given(args.first) && given(args.last))
    throw badInput("first and last cannot be used together: page forwards with first/after, backwards with last/before");
  if (given(args.after) && given(args.before))
    throw badInput("after and before cannot be used together: page forwards with first/after, backwards with last/before");
  const backward = given(args.last) || given(args.before);
  if (backward && (given(args.first) || given(args.after)))
    throw badInput("first/after page forwards and last/before backwards: use one pair (first with before, or last with after, is not supported)");
  return backward
    ? { size: pageSize(args.last, DEFAULT_PAGE_SIZE, "last"), backward, cursor: args.before ?? null, argument: "before" }
    : { size: pageSize(args.first, DEFAULT_PAGE_SIZE, "first"), backward, cursor: args.after ?? null, argument: "after" };
}

/** A page of a two-way list; its PageInfo is worked out when asked for (it may need a statement). */
export interface TwoWayConnection<T> {
  edges: Edge<T>[];
  pageInfo: () => Promise<PageInfo>;
}

/**
 * A page of a two-way list, from rows fetched in the direction of travel (list order forwards,
 * reverse order backwards) with limit `size + 1`; the edges are always in list order. `rowsBehind`
 * says whether the list has rows on the near side of the cursor (its own row included), asked only
 * when there is a cursor and the PageInfo is wanted: so both flags are exact, whichever the direction.
 */
export function twoWayConnection<T>(
  scope: string,
  rows: T[],
  request: PageRequest,
  keyOf: (row: T) => (string | number)[],
  rowsBehind: () => Promise<boolean>,
): TwoWayConnection<T> {
  const page = rows.slice(0, request.size);
  if (request.backward) page.reverse();
  const edges = page.map((node) => lazyEdge(scope, node, keyOf));
  const further = rows.length > request.size;
  let info: Promise<PageInfo> | undefined;
  const pageInfo = async () => {
    const behind = request.cursor !== null && (await rowsBehind());
    return request.backward ? pageInfoOf(edges, behind, further) : pageInfoOf(edges, further, behind);
  };
  return { edges, pageInfo: () => (info ??= pageInfo()) };
}

/** Position in a newest-first list ordered by (time desc, id asc). */
export interface TimeKeyset {
  at: string;
  id: string;
}

export function decodeTimeCursor(scope: string, cursor: string | null | undefined): TimeKeyset | null {
  const key = decodeCursor(scope, cursor, 2);
  if (!key) return null;
  const [at, id] = key;
  if (typeof at !== "string" || Number.isNaN(Date.parse(at)) || typeof id !== "string") throw notOurs("after");
  return { at, id };
}

/** Prisma `where` fragment for rows strictly after the keyset position. */
export function afterTimeKeyset(field: string, after: TimeKeyset | null): Record<string, unknown> {
  if (!after) return {};
  const at = new Date(after.at);
  return { OR: [{ [field]: { lt: at } }, { [field]: at, id: { gt: after.id } }] };
}

/** A newest-first connection of list `scope`: the first `size` rows of a resident's list fetched without a limit. */
export function timeConnection<T extends { id: string }>(scope: string, rows: T[], size: number, timeOf: (row: T) => Date): Connection<T> {
  return toConnection(scope, rows.slice(0, size + 1), size, (r) => [timeOf(r).toISOString(), r.id]);
}
