// When the gateway gives up on a subgraph call. A frozen subgraph (alive, answering nothing) must
// cost only its own sections, and quickly: a call is given up after UPSTREAM_TIMEOUT_MS. But a
// subgraph that is merely busy (answering other calls, slower than usual because the machine is
// saturated, say with a cold cache) is not frozen: giving up on it turns a slow answer into
// "unavailable, retry" for every section, and the retries add load. So a call whose subgraph has
// answered another call since this one was sent keeps waiting, one UPSTREAM_TIMEOUT_MS at a time,
// for as long as answers keep arriving, up to UPSTREAM_BUSY_TIMEOUT_MS in all. A subgraph that
// freezes during the wait is noticed within one more UPSTREAM_TIMEOUT_MS. The calls are made, and
// their answers reported here, by subgraph-fetch.ts; a call given up on fails there like a refused
// connection, which plugins/source-errors.ts turns into SOURCE_UNAVAILABLE at the sections' paths.
import { metrics } from "../platform/observability/metrics.js";

export interface UpstreamTimeouts {
  /** UPSTREAM_TIMEOUT_MS: a call with no answer from its subgraph in this long is given up. */
  upstreamMs: number;
  /** UPSTREAM_BUSY_TIMEOUT_MS: the longest a call waits while its subgraph answers others (never below upstreamMs). */
  busyMs: number;
}

export class UpstreamPatience {
  private readonly step: number;
  private readonly limit: number;
  /** When each subgraph last sent an HTTP answer (performance.now()): evidence that it is alive. */
  private readonly lastAnswer = new Map<string, number>();

  constructor(timeouts: UpstreamTimeouts) {
    this.step = timeouts.upstreamMs;
    this.limit = Math.max(timeouts.upstreamMs, timeouts.busyMs);
  }

  /** An answer (its status and headers) arrived from this subgraph. */
  answered(subgraph: string): void {
    this.lastAnswer.set(subgraph, performance.now());
  }

  /** Aborts `call` when it is to be given up; the returned function stops watching. */
  watch(subgraph: string, call: AbortController): () => void {
    const started = performance.now();
    let checkedAt = started;
    const check = () => {
      const now = performance.now();
      const answeredSince = (this.lastAnswer.get(subgraph) ?? -Infinity) > checkedAt;
      const left = this.limit - (now - started);
      if (answeredSince && left > 0) {
        if (checkedAt === started) metrics.upstreamWaitsExtended.inc({ subgraph });
        checkedAt = now;
        timer = setTimeout(check, Math.min(this.step, left));
        return;
      }
      call.abort(new Error(`${subgraph} did not answer in time`));
    };
    let timer = setTimeout(check, Math.min(this.step, this.limit));
    return () => clearTimeout(timer);
  }
}
