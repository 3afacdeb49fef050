// The client schema is governed: a breaking change to schema/api.graphql since the released schema
// fails the build unless schema/CHANGELOG.md announces it, and the schema the gateway serves is the
// one published in the file.
import { readFileSync } from "node:fs";
import { buildClientSchema, getIntrospectionQuery, lexicographicSortSchema, printSchema, type IntrospectionQuery } from "graphql";
import { GOVERNANCE_FILES, announcedBreaking, releaseChangelog, schemaChanges, unannounced } from "../scripts/schema-changes.js";
import { gatewayQuery, startTestStack, type Stack } from "./support/stack.js";

const read = (u: URL) => readFileSync(u, "utf8");
const current = read(GOVERNANCE_FILES.current);
const changelog = read(GOVERNANCE_FILES.changelog);
const announce = (...coordinates: string[]) =>
  changelog.replace(/^### Breaking\n/m, `### Breaking\n\n${coordinates.map((c) => `- \`${c}\`: changed.`).join("\n")}\n`);

describe("schema governance", () => {
  it("every breaking change since the last release is announced in schema/CHANGELOG.md", () => {
    const missing = unannounced(schemaChanges(read(GOVERNANCE_FILES.released), current), changelog);
    expect(missing.map((c) => `${c.coordinate}: ${c.description}`)).toEqual([]);
  });

  // Deliberately breaking edits of the published schema, each found with its coordinate.
  const BREAKING: [string, (sdl: string) => string, string][] = [
    ["a removed field", (s) => s.replace(/^ {2}allergies: \[Allergy!\]\n/m, ""), "Resident.allergies"],
    ["a field's type changed", (s) => s.replace(/^ {2}sex: Sex\n/m, "  sex: String\n"), "Resident.sex"],
    [
      "a removed enum value",
      // The value and its description, inside its own enum (other enums have an ENTERED_IN_ERROR too).
      (s) => s.replace(/^(enum MedicationRequestStatus \{\n[^}]*?)(?:^ {2}"""(?:(?!""")[^])*"""\n)?^ {2}ENTERED_IN_ERROR\n/m, "$1"),
      "MedicationRequestStatus.ENTERED_IN_ERROR",
    ],
    [
      "a required argument added",
      (s) => s.replace(/medications\(status: \[MedicationRequestStatus!\]\)/, "medications(status: [MedicationRequestStatus!], since: DateTime!)"),
      "Resident.medications(since:)",
    ],
    [
      "a removed type",
      (s) => s.replace(/^ {2}sharingObjection: SharingObjection\n/m, "").replace(/^(?:"""[^"]*"""\n)?type SharingObjection \{[^}]*\}\n\n/m, ""),
      "SharingObjection",
    ],
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
    expect(unannounced(changes, announce("Resident"))).toEqual([]);
    expect(unannounced(changes, announce("Resident.medications")).map((c) => c.coordinate)).toEqual(["Resident.allergies"]);
    expect(unannounced(changes, announce("Residents")).length).toBe(2);
    // Named under Added, or under an already released version: not an announcement.
    const elsewhere = changelog
      .replace(/^### Added\n/m, "### Added\n\n- `Resident.allergies`\n")
      .replace(/^(## 0\.1\.0.*\n)/m, "$1\n- `Resident.medications(since:)`\n");
    expect(unannounced(changes, elsewhere).length).toBe(2);
  });

  it("additions are not breaking; an optional argument or enum value is listed as dangerous, not failed", () => {
    const added = current
      .replace(/medications\(status: \[MedicationRequestStatus!\]\)/, "medications(status: [MedicationRequestStatus!], since: DateTime)")
      .replace(/^type Resident \{\n/m, "type Resident {\n  preferredName: String\n");
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
