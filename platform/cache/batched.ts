// Cached versions of a repository's batched reads, with the same signatures, so loaders and
// resolvers cannot tell a cached read from a database read. Each key's value (a row, or a
// key's list of rows) is one cache slot; only the keys nobody has cached reach the database,
// still in one statement.
import { groupRows } from "../db/loaders.js";
import type { EntityCache } from "./entity-cache.js";

/**
 * Cached rows are frozen and shared; callers get a shallow copy of each, because GraphQL libraries
 * annotate the objects they are given (@apollo/subgraph adds __typename to entities).
 */
const own = <V>(row: V): V => ({ ...row });

/** JSON with sorted keys, so the same arguments always name the same slot. */
export function stableArgs(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value ?? null);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(stableArgs).join(",")}]`;
  return `{${Object.keys(value)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${stableArgs((value as Record<string, unknown>)[k])}`)
    .join(",")}}`;
}

/**
 * Rows looked up by a unique key (entity `type`, id = key; `field` when the row is not the entity
 * itself but its one related row). Unknown keys are cached as absent: every write purges its keys.
 */
export function cachedRows<V>(cache: EntityCache, type: string, fetch: (keys: string[]) => Promise<V[]>, keyOf: (row: V) => string, field = "row") {
  return async (keys: string[]): Promise<V[]> => {
    const values = await cache.read<V | null>(
      keys.map((k) => ({ key: cache.key(type, k), field })),
      async (missing) => {
        const wanted = missing.map((i) => keys[i]!);
        const byKey = new Map((await fetch(wanted)).map((r) => [keyOf(r), r]));
        return wanted.map((k) => byKey.get(k) ?? null);
      },
    );
    return values.filter((v): v is NonNullable<typeof v> => v !== null).map(own) as V[];
  };
}

/**
 * A one-to-many relation of entity `type` (the key is the owner's id), optionally with arguments:
 * each argument set is its own field of the owner's hash, so one purge of the owner drops them all.
 */
export function cachedRelation<V, A = null>(
  cache: EntityCache,
  type: string,
  relation: string,
  fetch: (keys: string[], args: A) => Promise<V[]>,
  keyOf: (row: V) => string,
) {
  return async (keys: string[], args: A = null as A): Promise<V[]> => {
    const field = args === null ? relation : `${relation}|${stableArgs(args)}`;
    const lists = await cache.read<V[]>(
      keys.map((k) => ({ key: cache.key(type, k), field })),
      async (missing) => {
        const wanted = missing.map((i) => keys[i]!);
        return groupRows(wanted, await fetch(wanted, args), keyOf);
      },
    );
    return lists.flat().map(own);
  };
}
