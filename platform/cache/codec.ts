// Cached values are database rows: plain objects with Dates and JSON columns. JSON alone would turn
// a Date into a string and a resolver would then serialise it differently from a fresh read, so
// Dates travel tagged under a key no clinical JSON uses.
const DATE_TAG = "\u0000date";

export function encode(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key, v) {
    const raw = this[key];
    return raw instanceof Date ? { [DATE_TAG]: raw.toISOString() } : v;
  });
}

export function decode<T>(text: string): T {
  return JSON.parse(text, (_key, v) => (v && typeof v === "object" && !Array.isArray(v) && typeof v[DATE_TAG] === "string" ? new Date(v[DATE_TAG]) : v)) as T;
}

/**
 * Cached rows are shared by every request of the process. Freezing them makes a resolver that
 * tried to change one fail loudly instead of corrupting what the next caller sees.
 */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    if (!(value instanceof Date)) for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
