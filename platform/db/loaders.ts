// DataLoader builders shared by every subgraph. Each loader is created per request so nothing
// leaks between callers; each batch is one SQL statement, and results come back in key order.
import DataLoader from "dataloader";

/** One row (or null) per key, looked up by a unique key. */
export function uniqueLoader<V>(fetch: (keys: string[]) => Promise<V[]>, keyOf: (row: V) => string) {
  return new DataLoader<string, V | null>(async (keys) => {
    const rows = await fetch([...new Set(keys)]);
    const byKey = new Map(rows.map((r) => [keyOf(r), r]));
    return keys.map((k) => byKey.get(k) ?? null);
  });
}

/** All rows for each key (a one-to-many relation), in the order the fetch returned them. */
export function manyLoader<V>(fetch: (keys: string[]) => Promise<V[]>, keyOf: (row: V) => string) {
  return new DataLoader<string, V[]>(async (keys) => groupRows(keys, await fetch([...new Set(keys)]), keyOf));
}

/**
 * One-to-many with arguments (filters, page size). Keys sharing the same arguments are fetched in
 * one statement; distinct argument sets in one statement each.
 */
export function manyWithArgsLoader<A, V>(fetch: (keys: string[], args: A) => Promise<V[]>, keyOf: (row: V) => string) {
  return new DataLoader<{ key: string; args: A }, V[], string>(
    async (requests) => {
      const byArgs = new Map<string, { args: A; keys: string[] }>();
      for (const r of requests) {
        const sig = JSON.stringify(r.args);
        const group = byArgs.get(sig) ?? { args: r.args, keys: [] };
        group.keys.push(r.key);
        byArgs.set(sig, group);
      }
      const results = new Map<string, Map<string, V[]>>();
      await Promise.all(
        [...byArgs].map(async ([sig, { args, keys }]) => {
          const unique = [...new Set(keys)];
          const grouped = groupRows(unique, await fetch(unique, args), keyOf);
          results.set(sig, new Map(unique.map((k, i) => [k, grouped[i]!])));
        }),
      );
      return requests.map((r) => results.get(JSON.stringify(r.args))?.get(r.key) ?? []);
    },
    { cacheKeyFn: (r) => `${r.key}\u0000${JSON.stringify(r.args)}` },
  );
}

export function groupRows<V>(keys: readonly string[], rows: V[], keyOf: (row: V) => string): V[][] {
  const groups = new Map<string, V[]>(keys.map((k) => [k, []]));
  for (const row of rows) groups.get(keyOf(row))?.push(row);
  return keys.map((k) => groups.get(k) ?? []);
}
