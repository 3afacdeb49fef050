// The served schema's enum values keep @inaccessible and nothing else, so the runtime's per-value
// question ("is it @inaccessible?") gets the same answer without evaluating join directives.
import { readFileSync } from "node:fs";
import { buildASTSchema, isEnumType, parse, type GraphQLEnumType, type GraphQLSchema } from "graphql";
import { getDirective } from "@graphql-tools/utils";
import { filterInternalFieldsAndTypes } from "@graphql-tools/federation";
import { servedSupergraph } from "./served-supergraph.js";
import { SUPERGRAPH_PATH } from "./server.js";
import { keepOnlyInaccessibleOnEnumValues } from "./enum-projection.js";

const build = (sdl: string) => filterInternalFieldsAndTypes(buildASTSchema(parse(sdl), { assumeValidSDL: true }));
const enumValues = (schema: GraphQLSchema) =>
  Object.values(schema.getTypeMap())
    .filter((t): t is GraphQLEnumType => isEnumType(t) && !t.name.startsWith("__"))
    .flatMap((t) => t.getValues().map((v) => ({ key: `${t.name}.${v.name}`, value: v })));
const inaccessible = (schema: GraphQLSchema) => enumValues(schema).map(({ key, value }) => [key, Boolean(getDirective(schema, value, "inaccessible")?.length)]);

it("the supergraph's enum values lose their join directives and answer @inaccessible as before", () => {
  const schema = build(servedSupergraph(readFileSync(SUPERGRAPH_PATH, "utf8")));
  const before = inaccessible(schema);
  expect(enumValues(schema).some(({ value }) => value.astNode?.directives?.some((d) => d.name.value === "join__enumValue"))).toBe(true);
  keepOnlyInaccessibleOnEnumValues(schema);
  expect(
    enumValues(schema)
      .flatMap(({ value }) => value.astNode?.directives?.map((d) => d.name.value) ?? [])
      .filter((n) => n !== "inaccessible"),
  ).toEqual([]);
  expect(inaccessible(schema)).toEqual(before);
  // Values and their lookup by name are untouched.
  expect(enumValues(schema).length).toBe(before.length);
});

it("an @inaccessible enum value stays @inaccessible", () => {
  const schema = buildASTSchema(
    parse(`
      directive @inaccessible on ENUM_VALUE
      directive @tag(name: String!) on ENUM_VALUE
      enum Status { SHOWN @tag(name: "a") HIDDEN @inaccessible @tag(name: "b") }
      type Query { status: Status }
    `),
  );
  keepOnlyInaccessibleOnEnumValues(schema);
  const status = schema.getType("Status") as GraphQLEnumType;
  expect(getDirective(schema, status.getValue("HIDDEN")!, "inaccessible")?.length).toBe(1);
  expect(getDirective(schema, status.getValue("SHOWN")!, "inaccessible")).toBeUndefined();
  expect(getDirective(schema, status.getValue("HIDDEN")!, "tag")).toBeUndefined();
  expect(status.getValue("SHOWN")!.value).toBe("SHOWN");
});
