// The committed schema artifacts must be exactly what composing today's subgraph SDL produces.
import { readFileSync } from "node:fs";
import { composeSupergraph, SCHEMA_FILES } from "../scripts/compose.js";

describe("schema/ artifacts", () => {
  const fresh = composeSupergraph();

  it("supergraph.graphql matches a fresh composition (run `npm run compose`)", () => {
    expect(readFileSync(SCHEMA_FILES.supergraph, "utf8")).toBe(fresh.supergraph);
  });

  it("api.graphql (the client schema) matches a fresh composition", () => {
    expect(readFileSync(SCHEMA_FILES.api, "utf8")).toBe(fresh.api);
  });

  it("the client schema hides federation internals", () => {
    expect(fresh.api).not.toMatch(/_entities|_service|join__|link__/);
    expect(fresh.api).toMatch(/type Resident\b/);
  });
});
