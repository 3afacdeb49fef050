// Jest runs the TypeScript sources as ESM through swc (no type-checking here: `npm test` runs
// `tsc --noEmit` first). Integration tests talk to real PostgreSQL (TEST_DATABASE_URL).
export default {
  testEnvironment: "node",
  extensionsToTreatAsEsm: [".ts"],
  transform: {
    "^.+\\.ts$": ["@swc/jest", { jsc: { parser: { syntax: "typescript" }, target: "es2022" }, module: { type: "es6" } }],
  },
  moduleNameMapper: { "^(\\.{1,2}/.*)\\.js$": "$1" },
  testMatch: [
    "<rootDir>/test/**/*.test.ts",
    "<rootDir>/platform/**/*.test.ts",
    "<rootDir>/subgraphs/**/*.test.ts",
    "<rootDir>/gateway/**/*.test.ts",
    "<rootDir>/ingest/**/*.test.ts",
  ],
  setupFiles: ["<rootDir>/test/support/env.ts"],
  globalSetup: "<rootDir>/test/support/global-setup.mjs",
  testTimeout: 60_000,
  maxWorkers: 2,
};
