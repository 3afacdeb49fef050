// Migrations are hand-written SQL (the Prisma migrate engine cannot be downloaded here), so this
// test is what keeps them honest: for every subgraph, the database produced by the migrations must
// match schema.prisma table by table, column by column (type, nullability, default), enum by enum,
// index by index and foreign key by foreign key.
import { SUBGRAPHS } from "../subgraphs/registry.js";
import { dmmfOf, type DmmfField, type DmmfModel } from "./support/prisma-dmmf.js";
import { type Database } from "../platform/db/database.js";
import { env } from "../platform/config/env.js";
import { openDatabase } from "../app/database.js";

/** The PostgreSQL type Prisma's migrate would create for a field. */
function expectedType(field: DmmfField): string {
  const native = field.nativeType;
  if (native) {
    const [name, args] = native;
    const map: Record<string, string> = {
      Char: `character(${args[0]})`,
      VarChar: `character varying(${args[0]})`,
      Date: "date",
      Timestamptz: `timestamp(${args[0] ?? 3}) with time zone`,
      Timestamp: `timestamp(${args[0] ?? 3}) without time zone`,
      Text: "text",
      Uuid: "uuid",
      DoublePrecision: "double precision",
      Integer: "integer",
      SmallInt: "smallint",
      Decimal: `numeric(${args.join(",")})`,
      Real: "real",
      BigInt: "bigint",
      JsonB: "jsonb",
    };
    if (!map[name]) throw new Error(`native type ${name} not handled by the drift test`);
    return map[name];
  }
  if (field.kind === "enum") return `enum:${field.type}`;
  const map: Record<string, string> = {
    String: "text",
    Int: "integer",
    BigInt: "bigint",
    Float: "double precision",
    Boolean: "boolean",
    DateTime: "timestamp(3) without time zone",
    Json: "jsonb",
    Decimal: "numeric(65,30)",
    Bytes: "bytea",
  };
  return map[field.type]!;
}

let db: Database;
beforeAll(async () => {
  db = await openDatabase(env());
});
afterAll(() => db.close());

describe.each(SUBGRAPHS)("%s: schema.prisma and the migrated database agree", (subgraph) => {
  const dmmf = dmmfOf(subgraph);
  const tableOf = (m: DmmfModel) => m.dbName ?? m.name;
  const columnOf = (f: DmmfField) => f.dbName ?? f.name;

  it("has exactly the models' tables", async () => {
    const rows = await db.sql.query<{ tablename: string }>(
      `SELECT tablename FROM pg_tables WHERE schemaname = $1 AND tablename <> '_prisma_migrations' ORDER BY 1`,
      [subgraph],
    );
    expect(rows.map((r) => r.tablename)).toEqual(dmmf.datamodel.models.map(tableOf).sort());
    for (const m of dmmf.datamodel.models) expect(m.schema).toBe(subgraph);
  });

  it("has exactly the models' columns with the same types, nullability and defaults", async () => {
    for (const model of dmmf.datamodel.models) {
      const cols = await db.sql.query<{ column_name: string; type: string; udt: string; is_nullable: string; has_default: boolean }>(
        `SELECT a.attname AS column_name, format_type(a.atttypid, a.atttypmod) AS type, t.typname AS udt,
                CASE WHEN a.attnotnull THEN 'NO' ELSE 'YES' END AS is_nullable, a.atthasdef AS has_default
           FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
           JOIN pg_type t ON t.oid = a.atttypid
          WHERE n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attname`,
        [subgraph, tableOf(model)],
      );
      const actual = Object.fromEntries(
        cols.map((c) => [
          c.column_name,
          {
            type: t(c.type, c.udt),
            nullable: c.is_nullable === "YES",
            hasDefault: c.has_default,
          },
        ]),
      );
      const expected = Object.fromEntries(
        model.fields
          .filter((f) => f.kind !== "object")
          .map((f) => [
            columnOf(f),
            {
              type: expectedType(f),
              nullable: !f.isRequired,
              hasDefault: f.hasDefaultValue,
            },
          ]),
      );
      expect({ table: tableOf(model), columns: actual }).toEqual({ table: tableOf(model), columns: expected });
    }
    function t(type: string, udt: string) {
      return dmmf.datamodel.enums.some((e) => (e.dbName ?? e.name) === udt) ? `enum:${udt}` : type;
    }
  });

  it("has the same enums with the same values in the same order", async () => {
    for (const e of dmmf.datamodel.enums) {
      const rows = await db.sql.query<{ label: string }>(
        `SELECT e.enumlabel AS label FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid JOIN pg_namespace n ON n.oid = t.typnamespace
          WHERE n.nspname = $1 AND t.typname = $2 ORDER BY e.enumsortorder`,
        [subgraph, e.dbName ?? e.name],
      );
      expect({ enum: e.name, values: rows.map((r) => r.label) }).toEqual({ enum: e.name, values: e.values.map((v) => v.dbName ?? v.name) });
    }
  });

  it("has every primary key, unique constraint and index the models declare", async () => {
    const rows = await db.sql.query<{ table: string; columns: string[]; unique: boolean; primary: boolean }>(
      `SELECT c.relname AS table, i.indisunique AS unique, i.indisprimary AS primary,
              array(SELECT a.attname FROM unnest(i.indkey) WITH ORDINALITY k(attnum, ord)
                    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum ORDER BY k.ord)::text[] AS columns
         FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relname <> '_prisma_migrations' AND i.indpred IS NULL`,
      [subgraph],
    );
    const actual = rows.map((r) => `${r.table}(${r.columns.join(",")})${r.primary ? " pk" : r.unique ? " unique" : ""}`).sort();
    const models = new Map(dmmf.datamodel.models.map((m) => [m.name, m]));
    const expected = dmmf.datamodel.indexes
      .map((ix) => {
        const model = models.get(ix.model)!;
        const cols = ix.fields.map((f) => columnOf(model.fields.find((mf) => mf.name === f.name)!));
        return `${tableOf(model)}(${cols.join(",")})${ix.type === "id" ? " pk" : ix.type === "unique" ? " unique" : ""}`;
      })
      .sort();
    expect(actual).toEqual(expected);
  });

  it("has a foreign key for every relation", async () => {
    const rows = await db.sql.query<{ table: string; columns: string[]; ref_table: string }>(
      `SELECT c.relname AS table, r.relname AS ref_table,
              array(SELECT a.attname FROM unnest(k.conkey) WITH ORDINALITY u(attnum, ord)
                    JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = u.attnum ORDER BY u.ord)::text[] AS columns
         FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class r ON r.oid = k.confrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace WHERE k.contype = 'f' AND n.nspname = $1`,
      [subgraph],
    );
    const actual = rows.map((r) => `${r.table}(${r.columns.join(",")})->${r.ref_table}`).sort();
    const models = new Map(dmmf.datamodel.models.map((m) => [m.name, m]));
    const expected = dmmf.datamodel.models
      .flatMap((m) =>
        m.fields
          .filter((f) => f.kind === "object" && f.relationFromFields?.length)
          .map(
            (f) =>
              `${tableOf(m)}(${f.relationFromFields!.map((n) => columnOf(m.fields.find((x) => x.name === n)!)).join(",")})->${tableOf(models.get(f.type)!)}`,
          ),
      )
      .sort();
    expect(actual).toEqual(expected);
  });
});
