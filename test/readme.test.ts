// The README's example queries must stay valid against the published client schema, and its test
// table must list exactly the test files there are (a new test file gets a row saying what it proves).
import { readFileSync, readdirSync } from "node:fs";
import { parse, validate } from "graphql";
import { apiSchema } from "./support/selection.js";
import { SectionStatusRule } from "../gateway/sections.js";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
const blocks = [
  ...[...readme.matchAll(/```graphql\n([\s\S]*?)```/g)].map((m) => m[1]!),
  // one-line queries in tables, e.g. the query per role
  ...[...readme.matchAll(/\| `((?:\{|mutation )[^`]+)` \|/g)].map((m) => m[1]!),
];

describe("README examples", () => {
  it("has GraphQL examples", () => {
    expect(blocks.length).toBeGreaterThanOrEqual(9);
  });

  it.each(blocks.map((b, i) => [i + 1, b]))("example %i is valid against schema/api.graphql", (_i, block) => {
    expect(validate(apiSchema, parse(block as string)).map((e) => e.message)).toEqual([]);
  });

  // The gateway refuses the others (SECTION_STATUS_REQUIRED, ADR 0005).
  it.each(blocks.map((b, i) => [i + 1, b]))("example %i selects `status` wherever it selects a section's items", (_i, block) => {
    expect(validate(apiSchema, parse(block as string), [SectionStatusRule]).map((e) => e.message)).toEqual([]);
  });
});

describe("README test table", () => {
  const root = new URL("../", import.meta.url);
  // The folders jest.config.js looks in for *.test.ts, read from its testMatch so the two cannot drift.
  const jestConfig = readFileSync(new URL("jest.config.js", root), "utf8");
  const testDirs = [...jestConfig.matchAll(/"<rootDir>\/([^/*"]+)\/\*\*\/\*\.test\.ts"/g)].map((m) => m[1]!);
  const testFiles = testDirs.flatMap((dir) =>
    (readdirSync(new URL(dir, root), { recursive: true }) as string[])
      .filter((f) => f.endsWith(".test.ts") && !f.includes("node_modules"))
      .map((f) => `${dir}/${f}`),
  );
  const section = readme.slice(readme.indexOf("\n## Tests\n"), readme.indexOf("\n## ", readme.indexOf("\n## Tests\n") + 5));
  const listed = [...section.matchAll(/^\| `([^`]+\.test\.ts)` \|/gm)].map((m) => m[1]!);

  it("lists every test file, each once", () => {
    expect(testDirs).toEqual(expect.arrayContaining(["test", "platform", "subgraphs", "gateway"]));
    expect(testFiles.length).toBeGreaterThan(40);
    expect(testFiles.filter((f) => !listed.includes(f)).sort()).toEqual([]);
    expect(listed.filter((f, i) => listed.indexOf(f) !== i)).toEqual([]);
  });

  it("lists no test file that does not exist", () => {
    expect(listed.filter((f) => !testFiles.includes(f)).sort()).toEqual([]);
  });
});
