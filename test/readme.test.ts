// The README's example queries must stay valid against the published client schema.
import { readFileSync } from "node:fs";
import { parse, validate } from "graphql";
import { apiSchema } from "./support/selection.js";

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
});
