// Bulk loading for the seeder and ingestion batches. Prisma's createMany managed ~2,000 rows/s
// and close to 1 GB of memory for a 23,000-row batch here; one `INSERT ... SELECT FROM unnest(...)`
// per table per batch, with one array parameter per column, is two orders of magnitude faster and
// works the same on PostgreSQL and PGlite. Row objects use the Prisma field names; each maps to
// its snake_case column (the naming rule every schema.prisma follows, checked here at run time).
import type { SqlRunner } from "./database.js";

interface Column {
  name: string;
  type: string;
}

const columnCache = new Map<string, Promise<Map<string, Column>>>();

function columnsOf(sql: SqlRunner, schema: string, table: string): Promise<Map<string, Column>> {
  const key = `${schema}.${table}`;
  let cached = columnCache.get(key);
  if (!cached) {
    cached = sql
      .query<{ name: string; type: string }>(
        // The array type with the column's modifier (character(10)[], not character[] = char(1)[]).
        `SELECT a.attname AS name, format_type(t.typarray, a.atttypmod) AS type
           FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
           JOIN pg_type t ON t.oid = a.atttypid
          WHERE n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped`,
        [schema, table],
      )
      .then((rows) => {
        if (rows.length === 0) throw new Error(`bulk insert: no table ${key}`);
        return new Map(rows.map((r) => [r.name, r]));
      });
    cached.catch(() => columnCache.delete(key));
    columnCache.set(key, cached);
  }
  return cached;
}

const snake = (field: string) => field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const quote = (ident: string) => `"${ident.replace(/"/g, '""')}"`;

const NEEDS_ESCAPE = /[\\"]/;
const ESCAPED = /[\\"]/g;

function element(value: unknown): string {
  if (value === undefined || value === null) return "NULL";
  const text = value instanceof Date ? value.toISOString() : typeof value === "object" ? JSON.stringify(value) : String(value);
  // Backslash and double quote escaped with a backslash, in one pass, and only when present: the
  // audit writes thousands of ids, codes and NHS numbers a second, which never hold either.
  return NEEDS_ESCAPE.test(text) ? `"${text.replace(ESCAPED, "\\$&")}"` : `"${text}"`;
}

/**
 * One column as a PostgreSQL array literal. Drivers serialise JS arrays differently (PGlite
 * cannot for enum arrays), so every column travels as text and the server parses it with the
 * column's own array type.
 */
const arrayLiteral = (values: unknown[]) => `{${values.map(element).join(",")}}`;

/** Inserts rows (Prisma field names as keys) into schema.table; returns the number of rows. */
export async function bulkInsert(sql: SqlRunner, schema: string, table: string, rows: object[], chunk = 20_000): Promise<number> {
  if (rows.length === 0) return 0;
  const columns = await columnsOf(sql, schema, table);
  const fields = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const mapped = fields.map((field) => {
    const column = columns.get(snake(field)) ?? columns.get(field);
    if (!column) throw new Error(`bulk insert: ${schema}.${table} has no column for field ${field}`);
    return { field, column };
  });
  const target = `${quote(schema)}.${quote(table)} (${mapped.map((m) => quote(m.column.name)).join(", ")})`;
  const arrays = mapped.map((m, i) => `$${i + 1}::${m.column.type}`).join(", ");
  for (let start = 0; start < rows.length; start += chunk) {
    const slice = rows.slice(start, start + chunk) as Record<string, unknown>[];
    const params = mapped.map((m) => arrayLiteral(slice.map((r) => r[m.field])));
    await sql.query(`INSERT INTO ${target} SELECT * FROM unnest(${arrays})`, params);
  }
  return rows.length;
}
