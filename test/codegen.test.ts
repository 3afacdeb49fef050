// The committed resolver types (subgraphs/<name>/generated/resolvers-types.ts) must be what
// codegen.ts makes of today's SDL: a schema changed without `npm run codegen` fails here, before
// resolvers are type-checked against stale types. Generated in memory; nothing is written.
import { readFileSync } from "node:fs";
import { generate } from "@graphql-codegen/cli";
import type { CodegenPlugin } from "@graphql-codegen/plugin-helpers";
import config, { subgraphNames } from "../codegen.js";

const root = new URL("../", import.meta.url);

describe("generated resolver types", () => {
  it("are generated for every subgraph with a schema", () => {
    expect(Object.keys(config.generates).sort()).toEqual(subgraphNames().map((n) => `subgraphs/${n}/generated/resolvers-types.ts`));
  });

  it("match the committed files (run `npm run codegen` after changing a schema)", async () => {
    // Plugins through Jest's ESM loader, one at a time: the CLI's own loader would require() them
    // (which fails here on their ESM-only dependencies) or import them at once (Jest's loader fails
    // to link overlapping module graphs concurrently).
    const plugins = new Map<string, CodegenPlugin>();
    for (const name of ["add", "typescript", "typescript-resolvers"])
      plugins.set(`@graphql-codegen/${name}`, (await import(`@graphql-codegen/${name}`)) as CodegenPlugin);
    const pluginLoader = async (name: string) => {
      const plugin = plugins.get(name);
      if (!plugin) throw new Error(`plugin ${name} not preloaded`);
      return plugin;
    };
    const outputs = await generate({ ...config, pluginLoader }, false);
    expect(outputs.length).toBe(subgraphNames().length);
    for (const { filename, content } of outputs) expect({ filename, content }).toEqual({ filename, content: readFileSync(new URL(filename, root), "utf8") });
  });
});
