// The committed schema artifacts must be exactly what composing today's subgraph SDL produces.
import { readFileSync } from "node:fs";
import { buildSchema, lexicographicSortSchema, printSchema } from "graphql";
import { composeSupergraph, SCHEMA_FILES } from "../scripts/compose.js";

describe("schema/ artifacts", () => {
  const fresh = composeSupergraph();

  it("supergraph.graphql matches a fresh composition (run `npm run compose`)", () => {
    expect(readFileSync(SCHEMA_FILES.supergraph, "utf8")).toBe(fresh.supergraph);
  });

  it("api.graphql (the client schema) matches a fresh composition", () => {
    expect(readFileSync(SCHEMA_FILES.api, "utf8")).toBe(fresh.api);
  });

  it("api.graphql is printed sorted, so a change in a subgraph is the same few lines in the diff", () => {
    expect(fresh.api).toBe(`${printSchema(lexicographicSortSchema(buildSchema(fresh.api))).trimEnd()}\n`);
  });

  it("the client schema hides federation internals", () => {
    expect(fresh.api).not.toMatch(/_entities|_service|join__|link__/);
    expect(fresh.api).toMatch(/type Resident\b/);
  });
});
