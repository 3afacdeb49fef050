// When the gateway gives up on a subgraph call. A frozen subgraph (alive, answering nothing) must
// cost only its own sections, and quickly: a call is given up after UPSTREAM_TIMEOUT_MS. But a
// subgraph that is merely busy (answering other calls, slower than usual because the machine is
// saturated, say with a cold cache) is not frozen: giving up on it turns a slow answer into
// "unavailable, retry" for every section, and the retries add load. So a call whose subgraph has
// answered another call since this one was sent (an HTTP response arrived) keeps waiting, one
// UPSTREAM_TIMEOUT_MS at a time, for as long as answers keep arriving, up to UPSTREAM_BUSY_TIMEOUT_MS
// in all. A subgraph that freezes during the wait is noticed within one more UPSTREAM_TIMEOUT_MS.
// Replaces the runtime's fixed `upstreamTimeout` and makes the same error (GATEWAY_TIMEOUT, which
// plugins/source-errors.ts turns into SOURCE_UNAVAILABLE at the sections' paths).
import type { GatewayPlugin } from "@graphql-hive/gateway-runtime";
import { GraphQLError } from "graphql";
import { metrics } from "../../platform/observability/metrics.js";

export interface UpstreamTimeouts {
  /** UPSTREAM_TIMEOUT_MS: a call with no answer from its subgraph in this long is given up. */
  upstreamMs: number;
  /** UPSTREAM_BUSY_TIMEOUT_MS: the longest a call waits while its subgraph answers others (never below upstreamMs). */
  busyMs: number;
}

class UpstreamTimeoutError extends Error {}

export function useUpstreamTimeout(timeouts: UpstreamTimeouts): GatewayPlugin {
  const step = timeouts.upstreamMs;
  const limit = Math.max(timeouts.upstreamMs, timeouts.busyMs);
  // When each subgraph last sent an HTTP response (performance.now()): evidence that it is alive.
  const lastAnswer = new Map<string, number>();
  return {
    onFetch({ executionRequest }) {
      const subgraph = executionRequest?.subgraphName;
      if (!subgraph) return;
      return () => {
        lastAnswer.set(subgraph, performance.now());
      };
    },
    onSubgraphExecute({ subgraphName, executor, setExecutor }) {
      setExecutor((request) => {
        const started = performance.now();
        // The client request's signal (the client left, or the request deadline passed:
        // plugins/request-deadline.ts) and the call's own abort it too, so nothing keeps waiting on a
        // subgraph for an answer nobody will read. Relayed by hand: cheaper per call than AbortSignal.any.
        const giveUp = new AbortController();
        const parents = [request.signal, (request.context as { request?: Request } | undefined)?.request?.signal].filter(
          (s): s is AbortSignal => s !== undefined,
        );
        const relay = (event?: Event) => giveUp.abort((event?.target as AbortSignal | undefined)?.reason);
        for (const parent of parents) {
          if (parent.aborted) giveUp.abort(parent.reason);
          else parent.addEventListener("abort", relay, { once: true });
        }
        let timer: NodeJS.Timeout | undefined;
        const timedOut = new Promise<never>((_, reject) => {
          let checkedAt = started;
          const check = () => {
            const now = performance.now();
            const answeredSince = (lastAnswer.get(subgraphName) ?? -Infinity) > checkedAt;
            const left = limit - (now - started);
            if (answeredSince && left > 0) {
              if (checkedAt === started) metrics.upstreamWaitsExtended.inc({ subgraph: subgraphName });
              checkedAt = now;
              timer = setTimeout(check, Math.min(step, left));
              return;
            }
            const error = new UpstreamTimeoutError(`${subgraphName} did not answer in time`);
            giveUp.abort(error);
            reject(error);
          };
          timer = setTimeout(check, Math.min(step, limit));
        });
        // Never unhandled: the race below is the only reader, and it may have settled already.
        timedOut.catch(() => undefined);
        return Promise.race([Promise.resolve(executor({ ...request, signal: giveUp.signal })), timedOut])
          .catch((error: unknown) => {
            if (!(error instanceof UpstreamTimeoutError)) throw error;
            throw new GraphQLError("The subgraph did not answer in time.", {
              extensions: { code: "GATEWAY_TIMEOUT", serviceName: subgraphName, http: { status: 504 } },
            });
          })
          .finally(() => {
            clearTimeout(timer);
            for (const parent of parents) parent.removeEventListener("abort", relay);
          });
      });
    },
  };
}
