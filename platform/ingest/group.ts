// Grouping entries by a key without copying the group on every addition (a 10,000-entry Bundle is
// grouped by mapping, patient and owner on the way in).

/** Appends `values` to the list `map` holds under `key`, creating it when absent. */
export function appendTo<K, V>(map: Map<K, V[]>, key: K, ...values: V[]): void {
  const list = map.get(key);
  if (list) list.push(...values);
  else map.set(key, values);
}
