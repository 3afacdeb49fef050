// The monolith benchmark target's schema (monolith.graphql: exactly what the three scenarios
// select), checked to be a subset of the client schema, so the monolith answers the same
// operations the federated stack does. A test runs the check (test/bench-monolith-schema.test.ts):
// the schema moved on twice without it and the benchmark's monolith refused to start.
import { readFileSync } from "node:fs";
import { buildSchema, isEnumType, isObjectType, type GraphQLField, type GraphQLSchema } from "graphql";

// Order carries no meaning in GraphQL for arguments (passed by name) or enum values, and the
// published schema is printed sorted (npm run compose): compared as sets.
const signature = (f: GraphQLField<unknown, unknown>) =>
  `${String(f.type)}(${f.args
    .map((a) => `${a.name}: ${String(a.type)} = ${JSON.stringify(a.defaultValue)}`)
    .sort()
    .join(", ")})`;

/** Every type, field, argument and enum value here must be exactly as in the client schema. */
export function assertSubsetOf(schema: GraphQLSchema, api: GraphQLSchema): void {
  const drift: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith("__")) continue;
    const other = api.getType(type.name);
    if (isObjectType(type)) {
      const fields = isObjectType(other) ? other.getFields() : {};
      for (const f of Object.values(type.getFields())) if (!fields[f.name] || signature(fields[f.name]!) !== signature(f)) drift.push(`${type.name}.${f.name}`);
    } else if (isEnumType(type)) {
      const values = (t: unknown) =>
        isEnumType(t)
          ? t
              .getValues()
              .map((v) => v.name)
              .sort()
              .join(" ")
          : "";
      if (values(type) !== values(other)) drift.push(`enum ${type.name}`);
    } else if (!other) drift.push(type.name);
  }
  if (drift.length) throw new Error(`bench/servers/monolith.graphql differs from schema/api.graphql: ${drift.join(", ")}`);
}

/** The monolith's schema, refused when it is not exactly a subset of schema/api.graphql. */
export function monolithSchema(): GraphQLSchema {
  const schema = buildSchema(readFileSync(new URL("./monolith.graphql", import.meta.url), "utf8"));
  assertSubsetOf(schema, buildSchema(readFileSync(new URL("../../schema/api.graphql", import.meta.url), "utf8")));
  return schema;
}
