// How every entry point (npm start, a gateway alone, a subgraph alone) stops on SIGINT/SIGTERM.
// The process owns these signals: Apollo Server's handlers are off (subgraph-server.ts) and Hive
// Gateway's runtime installs one when it is created that disposes the gateway at once, aborting
// requests in flight ("server is shutting down") before a graceful close could let them finish,
// so every handler installed before this call is removed.
import { logger } from "../subgraphs/kernel/logger.js";

/** Requests in flight get a grace period inside `close`; a shutdown stuck longer than this exits 1. */
const STUCK_AFTER_MS = 5_000;

export function stopOnSignals(close: () => Promise<unknown>): void {
  let stopping = false;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.removeAllListeners(signal);
    process.on(signal, () => {
      // A second Ctrl-C: the user does not want to wait for requests in flight.
      if (stopping) process.exit(130);
      stopping = true;
      logger.info({ signal }, "shutting down");
      // A stuck process is worse than a non-zero exit code.
      setTimeout(() => {
        logger.error({ signal }, `shutdown did not finish within ${STUCK_AFTER_MS / 1000} s; exiting`);
        process.exit(1);
      }, STUCK_AFTER_MS).unref();
      close().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
}
