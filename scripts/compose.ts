// Composes the subgraph SDL files into schema/supergraph.graphql (served by the gateway) and
// schema/api.graphql (the client schema for codegen). `--check` fails when the committed files
// differ from a fresh composition (CI runs it through the test suite).
import { readFileSync, writeFileSync } from "node:fs";
import { composeServices } from "@apollo/composition";
import { lexicographicSortSchema, printSchema } from "graphql";
import { loadTypeDefs } from "../platform/subgraph/server.js";
import { SUBGRAPH_DESCRIPTIONS, subgraphPort } from "../subgraphs/registry.js";

const root = new URL("../", import.meta.url);
export const SCHEMA_FILES = {
  supergraph: new URL("schema/supergraph.graphql", root),
  api: new URL("schema/api.graphql", root),
};

export function composeSupergraph(): { supergraph: string; api: string } {
  const result = composeServices(
    SUBGRAPH_DESCRIPTIONS.map(({ name, schema }) => ({
      name,
      // Committed default locations; the gateway overrides them at run time.
      url: `http://127.0.0.1:${subgraphPort(name, { SUBGRAPH_BASE_PORT: 4001 })}/graphql`,
      typeDefs: loadTypeDefs(schema),
    })),
  );
  if (result.errors) {
    throw new Error(`Composition failed:\n${result.errors.map((e) => `  - ${e.message}`).join("\n")}`);
  }
  // Sorted (types, fields, arguments, enum values), so the published client schema changes by
  // exactly the lines a subgraph changed, whatever order composition happens to emit.
  const api = printSchema(lexicographicSortSchema(result.schema.toAPISchema().toGraphQLJSSchema()));
  return { supergraph: `${result.supergraphSdl.trimEnd()}\n`, api: `${api.trimEnd()}\n` };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    const composed = composeSupergraph();
    if (process.argv.includes("--check")) {
      const stale = (["supergraph", "api"] as const).filter((k) => readFileSync(SCHEMA_FILES[k], "utf8") !== composed[k]);
      if (stale.length) {
        console.error(`schema/${stale.join(".graphql, schema/")}.graphql out of date: run npm run compose`);
        process.exit(1);
      }
      console.log("schema/ is up to date");
    } else {
      writeFileSync(SCHEMA_FILES.supergraph, composed.supergraph);
      writeFileSync(SCHEMA_FILES.api, composed.api);
      console.log("wrote schema/supergraph.graphql and schema/api.graphql");
    }
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
}
