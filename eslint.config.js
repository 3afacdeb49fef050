// Lint for the TypeScript sources (typescript-eslint's recommended rules) and for every
// subgraph's SDL (@graphql-eslint: a schema that parses, known types, no duplicate names, no
// unreachable or deprecated-without-reason parts, a description on everything). `npm run lint` runs both; CI runs it.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import graphqlPlugin from "@graphql-eslint/eslint-plugin";

export default [
  { ignores: ["node_modules/", "**/prisma/generated/", "**/generated/", "schema/", ".data/", "coverage/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    rules: {
      // `_`-prefixed parameters are the unused positions of a resolver's (parent, args, ctx).
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
    },
  },
  {
    files: ["**/*.{js,mjs}"],
    languageOptions: { globals: { process: "readonly", console: "readonly", URL: "readonly" } },
  },
  {
    files: ["subgraphs/*/schema.graphql", "platform/graphql/shared.graphql"],
    languageOptions: { parser: graphqlPlugin.parser },
    plugins: { "@graphql-eslint": graphqlPlugin },
    rules: {
      "@graphql-eslint/no-duplicate-fields": "error",
      "@graphql-eslint/unique-enum-value-names": "error",
      "@graphql-eslint/no-hashtag-description": "error",
      "@graphql-eslint/require-deprecation-reason": "error",
      // The client schema is read by developers building clinical screens: everything is described.
      "@graphql-eslint/require-description": [
        "error",
        { types: true, FieldDefinition: true, InputValueDefinition: true, EnumValueDefinition: true, DirectiveDefinition: true },
      ],
      "@graphql-eslint/naming-convention": [
        "error",
        { types: "PascalCase", FieldDefinition: "camelCase", EnumValueDefinition: "UPPER_CASE", allowLeadingUnderscore: true },
      ],
    },
  },
];
