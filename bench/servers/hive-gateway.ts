// Benchmark target: our gateway alone, exactly as `npm run start:gateway` runs it (PORT,
// SUBGRAPH_BASE_PORT / SUBGRAPH_URL_<NAME>, DATABASE_URL for the audit store). Importing the
// script awaits its top-level start-up, so once the import resolves the gateway listens; the
// script installs its own SIGTERM handling (flush the audit, close the database).
await import("../../scripts/gateway.js");
console.log("READY");
