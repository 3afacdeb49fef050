// The client schema is governed: a breaking change to schema/api.graphql since the released schema
// fails the build unless schema/CHANGELOG.md announces it, and the schema the gateway serves is the
// one published in the file.
import { readFileSync } from "node:fs";
import { buildClientSchema, getIntrospectionQuery, lexicographicSortSchema, printSchema, type IntrospectionQuery } from "graphql";
import { GOVERNANCE_FILES, announcedBreaking, releaseChangelog, schemaChanges, unannounced } from "../scripts/schema-changes.js";
import { Kind, parse, print, visit, type FieldDefinitionNode, type TypeNode } from "graphql";
import { gatewayQuery, startTestStack, type Stack } from "./support/stack.js";

const read = (u: URL) => readFileSync(u, "utf8");
const current = read(GOVERNANCE_FILES.current);
const changelog = read(GOVERNANCE_FILES.changelog);
const named = (name: string): TypeNode => ({ kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: name } });
const nonNull = (name: string): TypeNode => ({ kind: Kind.NON_NULL_TYPE, type: named(name) as never });
const withArg =
  (name: string, type: TypeNode) =>
  (f: FieldDefinitionNode): FieldDefinitionNode => ({
    ...f,
    arguments: [...(f.arguments ?? []), { kind: Kind.INPUT_VALUE_DEFINITION, name: { kind: Kind.NAME, value: name }, type }],
  });
/** One edit of the SDL's AST: a field replaced or removed, an enum value or a type removed, a field added. */
function edit(
  sdl: string,
  change: {
    field?: [string, string, (f: FieldDefinitionNode) => FieldDefinitionNode | null];
    enumValue?: [string, string];
    removeType?: string;
    addField?: [string, string, TypeNode];
  },
): string {
  const edited = visit(parse(sdl), {
    ObjectTypeDefinition(node) {
      if (change.removeType === node.name.value) return null;
      const [type, field, make] = change.field ?? [];
      const fields = (node.fields ?? []).flatMap((f) => (node.name.value === type && f.name.value === field ? [make!(f)].filter((x) => x !== null) : [f]));
      const [addTo, name, addType] = change.addField ?? [];
      if (node.name.value === addTo) fields.push({ kind: Kind.FIELD_DEFINITION, name: { kind: Kind.NAME, value: name! }, type: addType! });
      return { ...node, fields };
    },
    EnumTypeDefinition(node) {
      const [type, value] = change.enumValue ?? [];
      return node.name.value === type ? { ...node, values: node.values?.filter((v) => v.name.value !== value) } : undefined;
    },
  });
  return print(edited);
}
/** The changelog with a "### Breaking" list naming `coordinates` at the top of its Unreleased section. */
const announce = (...coordinates: string[]) =>
  changelog.replace(/^## Unreleased\n/m, `## Unreleased\n\n### Breaking\n\n${coordinates.map((c) => `- \`${c}\`: changed.`).join("\n")}\n`);

describe("schema governance", () => {
  it("every breaking change since the last release is announced in schema/CHANGELOG.md", () => {
    const missing = unannounced(schemaChanges(read(GOVERNANCE_FILES.released), current), changelog);
    expect(missing.map((c) => `${c.coordinate}: ${c.description}`)).toEqual([]);
  });

  // Deliberately breaking edits of the published schema, each found with its coordinate. Made on
  // the parsed schema, so descriptions and formatting never get in the way.
  const BREAKING: [string, (sdl: string) => string, string][] = [
    ["a removed field", (s) => edit(s, { field: ["GpPractice", "borough", () => null] }), "GpPractice.borough"],
    ["a field's type changed", (s) => edit(s, { field: ["Resident", "sex", (f) => ({ ...f, type: named("String") })] }), "Resident.sex"],
    ["a removed enum value", (s) => edit(s, { enumValue: ["MedicationRequestStatus", "ENTERED_IN_ERROR"] }), "MedicationRequestStatus.ENTERED_IN_ERROR"],
    ["a required argument added", (s) => edit(s, { field: ["Query", "careHome", withArg("region", nonNull("String"))] }), "Query.careHome(region:)"],
    ["a removed type", (s) => edit(edit(s, { field: ["Resident", "sharingObjection", () => null] }), { removeType: "SharingObjection" }), "SharingObjection"],
  ];

  it.each(BREAKING)("fails on %s that the changelog does not announce, and passes once it does", (_, edit, coordinate) => {
    const changed = edit(current);
    expect(changed).not.toBe(current);
    const changes = schemaChanges(current, changed);
    const missing = unannounced(changes, changelog);
    expect(missing.length).toBeGreaterThan(0);
    expect(missing.map((c) => c.coordinate)).toContain(coordinate);
    expect(unannounced(changes, announce(...missing.map((c) => c.coordinate)))).toEqual([]);
  });

  it("a type announces the changes inside it, a field its arguments; a coordinate elsewhere in the file does not count", () => {
    const changed = BREAKING[3]![1](BREAKING[0]![1](current));
    const changes = schemaChanges(current, changed);
    expect(unannounced(changes, announce("GpPractice", "Query"))).toEqual([]);
    expect(unannounced(changes, announce("Query.careHome")).map((c) => c.coordinate)).toEqual(["GpPractice.borough"]);
    expect(unannounced(changes, announce("GpPractices", "Query.careHom")).length).toBe(2);
    // Named under Added, or under an already released version: not an announcement.
    const elsewhere = changelog
      .replace(/^### Added\n/m, "### Added\n\n- `GpPractice.borough`\n")
      .replace(/^(## 0\.1\.0.*\n)/m, "$1\n- `Query.careHome(region:)`\n");
    expect(unannounced(changes, elsewhere).length).toBe(2);
  });

  it("additions are not breaking; an optional argument or enum value is listed as dangerous, not failed", () => {
    const withOptional = edit(current, { field: ["Resident", "medications", withArg("since", named("DateTime"))] });
    const added = edit(withOptional, { addField: ["Resident", "preferredName", named("String")] });
    const changes = schemaChanges(current, added);
    expect(changes.filter((c) => c.breaking)).toEqual([]);
    expect(changes.map((c) => c.coordinate)).toEqual(["Resident.medications(since:)"]);
    expect(unannounced(changes, changelog)).toEqual([]);
  });

  it("a release turns Unreleased into the version and starts a new one; a version is released once", () => {
    const released = releaseChangelog(announce("Resident.allergies"), "0.2.0", "2026-12-03");
    expect(released).toMatch(/## Unreleased\n\n## 0\.2\.0 \(2026-12-03\)\n\n### Breaking\n\n- `Resident\.allergies`/);
    expect(announcedBreaking(released)).toEqual([]);
    expect(() => releaseChangelog(released, "0.2.0")).toThrow(/already released/);
    expect(() => releaseChangelog(changelog, "v1")).toThrow(/MAJOR\.MINOR\.PATCH/);
  });
});

describe("the served schema", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(() => stack.close());

  it("introspection of the running gateway gives exactly schema/api.graphql (no federation internals leak)", async () => {
    const res = await gatewayQuery(stack, getIntrospectionQuery({ specifiedByUrl: true, inputValueDeprecation: true }));
    expect(res.errors).toBeUndefined();
    const served = printSchema(lexicographicSortSchema(buildClientSchema(res.data as IntrospectionQuery)));
    expect(`${served.trimEnd()}\n`).toBe(current);
  });
});
