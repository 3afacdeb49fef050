// Code-like text stored as plain text (not a Prisma enum: written by other systems, or before the
// list existed) reaches clients as a GraphQL enum through one table per enum. Text the table does
// not know becomes the enum's explicit UNKNOWN/OTHER value, never an error: an old or foreign row
// must not fail a query.

/** Maps stored text onto an enum's values by `table`; anything else (null included) is `fallback`. */
export function enumMapping<E extends string>(table: Readonly<Record<string, E>>, fallback: E): (stored: string | null | undefined) => E {
  const known = new Map(Object.entries(table));
  return (stored) => (stored == null ? undefined : known.get(stored)) ?? fallback;
}

/**
 * `true` only when A and B are the same union: `const _x: SameValues<A, B> = true` fails to
 * type-check when a schema enum (generated) and the values the code can store drift apart.
 */
export type SameValues<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
