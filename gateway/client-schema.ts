// The published client schema (schema/api.graphql), built once on first use, and the one check of
// whether a document is an operation clients may store: trusted documents at start, automatic
// persisted queries when registered.
import { readFileSync } from "node:fs";
import { buildSchema, parse, validate, type GraphQLSchema } from "graphql";

let built: GraphQLSchema | undefined;

export const clientSchema = (): GraphQLSchema => (built ??= buildSchema(readFileSync(new URL("../schema/api.graphql", import.meta.url), "utf8")));

/** Whether the text parses and validates against the client schema. */
export function isValidOperation(text: string, schema: GraphQLSchema = clientSchema()): boolean {
  try {
    return validate(schema, parse(text)).length === 0;
  } catch {
    return false; // does not parse
  }
}
