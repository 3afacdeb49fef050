// SQL helpers for a subgraph's FHIR applier (repository.ts applyFhir): one transaction per call and
// a fixed number of statements, whatever the number of entries.
import type { SqlRunner } from "../db/database.js";

/** A PostgreSQL text[] literal (passed as one text parameter and cast, as bulk-insert.ts does). */
export const textArray = (values: readonly string[]) => `{${values.map((v) => `"${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`).join(",")}}`;

/** A row with its fields as column names (for jsonb_to_recordset). */
export const snakeKeys = (row: object) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), v]));

/**
 * Transaction-level advisory locks on these keys, in sorted order (so two batches sharing keys
 * cannot deadlock), in one statement: two workers applying versions of one new item queue instead of
 * racing to insert it.
 */
export async function lockKeys(sql: SqlRunner, lockClass: number, keys: Iterable<string>): Promise<void> {
  const sorted = [...new Set(keys)].sort();
  if (sorted.length === 0) return;
  await sql.query(`SELECT count(*)::int AS locked FROM (SELECT pg_advisory_xact_lock($1::int, hashtext(k)) FROM unnest($2::text[]) AS k) AS l`, [
    lockClass,
    textArray(sorted),
  ]);
}
