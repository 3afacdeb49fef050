// `npm run start:bulk-lane`: the bulk lane (gateway/bulk-lane.ts), where a gateway started with
// BULK_LANE_URL sends its costly operations. A whole stack in one process: its own gateway, which
// authenticates, limits and audits like any other, in front of every subgraph on ephemeral
// loopback ports, on the same PostgreSQL and Redis as the interactive lane. It lowers its own CPU
// priority (BULK_LANE_NICE), so that when both lanes want the cores, look-ups come first.
// Listens on PORT (else GATEWAY_PORT).
import os from "node:os";
import { existsSync, readdirSync } from "node:fs";
import { stopOnSignals } from "../app/shutdown.js";
import { env } from "../platform/config/env.js";
import { logger } from "../platform/observability/logger.js";
import { startStack } from "../app/stack.js";

// A bulk lane never passes work on to another one.
const config = { ...env(), BULK_LANE_URL: undefined };
if (!config.DATABASE_URL) {
  console.error("The bulk lane shares the record with the interactive lane: set DATABASE_URL (the embedded database is for `npm start`).");
  process.exit(78);
}
// On Linux a priority belongs to each thread: the main thread's, and those already started (the
// garbage collector's helpers, libuv's pool); threads started later inherit it.
try {
  const threads = existsSync("/proc/self/task") ? readdirSync("/proc/self/task").map(Number) : [0];
  for (const thread of threads) os.setPriority(thread, config.BULK_LANE_NICE);
} catch (error) {
  logger.warn({ err: { message: (error as Error).message } }, "could not lower the bulk lane's CPU priority");
}
const stack = await startStack(config, { ephemeralPorts: true, gatewayPort: config.PORT ?? config.GATEWAY_PORT, ingestion: false });
stopOnSignals(() => stack.close());
logger.info({ url: stack.gatewayUrl }, "bulk lane listening");
