// GraphQL Code Generator for client apps, run on the published client schema only
// (schema/api.graphql): the recipe the README gives integrators, and the typed client this
// repository tests against the running stack (test/typed-client.test.ts).
//   npm run codegen:client     regenerate clients/generated/ from clients/operations/*.graphql
import type { CodegenConfig } from "@graphql-codegen/cli";

const config: CodegenConfig = {
  silent: true,
  schema: "schema/api.graphql",
  documents: "clients/operations/*.graphql",
  generates: {
    "clients/generated/": {
      preset: "client",
      presetConfig: {
        // Operation results typed whole, without fragment masking: a screen reads what it asked for.
        fragmentMasking: false,
        // persisted-documents.json: operation hash -> document, the gateway's trusted documents.
        persistedDocuments: { mode: "embedHashInDocument", hashAlgorithm: "sha256" },
      },
      config: {
        // NodeNext ESM: type-only imports, and `.js` endings on the preset's relative imports.
        useTypeImports: true,
        emitLegacyCommonJSImports: false,
        // Every custom scalar must be mapped; these are the JSON forms the gateway sends and takes.
        strictScalars: true,
        scalars: { NhsNumber: "string", Date: "string", DateTime: "string" },
        // String unions rather than TypeScript enums: nothing to import to compare a status.
        enumsAsTypes: true,
        // No `__typename` in every result type unless the operation asks for it.
        skipTypename: true,
        avoidOptionals: { field: true, inputValue: false, object: false, defaultValue: false },
      },
    },
  },
};

export default config;
