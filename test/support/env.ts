// Test configuration, applied before any module reads the environment. Tests always run against
// real PostgreSQL; TEST_DATABASE_URL points them at another server.
process.env.NODE_ENV = "test";
process.env.DATABASE_URL = process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/carerecord_test";
// Real Redis too (database 1, so a developer's own data in database 0 is left alone).
process.env.REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379/1";
process.env.LOG_LEVEL = process.env.TEST_LOG_LEVEL ?? "error";
process.env.HOST = "127.0.0.1";
// Subgraph calls on a cold stack (first query compiles, connects, fills caches) can take over a
// second on a busy 2-core machine: the suite allows more than the production default so a healthy
// but slow subgraph is never reported unavailable. Tests of the timeouts themselves set their own.
process.env.UPSTREAM_TIMEOUT_MS ??= "10000";
process.env.REQUEST_DEADLINE_MS ??= "30000";
