// How every entry point (npm start, a gateway alone, a subgraph alone) stops on SIGINT/SIGTERM.
// The process owns these signals: Apollo Server's handlers are off (subgraph-server.ts) and Hive
// Gateway's runtime installs one when it is created that disposes the gateway at once, aborting
// requests in flight ("server is shutting down") before a graceful close could let them finish,
// so every handler installed before this call is removed.
import { logger } from "../platform/observability/logger.js";

/** Requests in flight get a grace period inside `close`; a shutdown stuck longer than this exits 1. */
const STUCK_AFTER_MS = 5_000;

export function stopOnSignals(close: () => Promise<unknown>): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
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
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    const ours = () => stop(signal);
    // Ours goes on before the others come off. Node stops watching a signal when its last
    // listener is removed, and a signal that had already arrived but not yet been dispatched is
    // then dropped: removing the others first lost a SIGTERM sent right after start-up, and the
    // process kept serving (test/shutdown.test.ts, "arrives while the handlers are swapped").
    process.on(signal, ours);
    for (const other of process.listeners(signal)) if (other !== ours) process.removeListener(signal, other);
  }
}
