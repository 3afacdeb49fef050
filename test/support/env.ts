// Test configuration, applied before any module reads the environment. Tests always run against
// real PostgreSQL; TEST_DATABASE_URL points them at another server.
process.env.NODE_ENV = "test";
process.env.DATABASE_URL = process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/carerecord_test";
process.env.LOG_LEVEL = process.env.TEST_LOG_LEVEL ?? "error";
process.env.HOST = "127.0.0.1";
