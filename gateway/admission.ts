// At most MAX_IN_FLIGHT client requests execute in this gateway at once; the rest wait in arrival
// order. Without a bound, an overloaded machine runs every request at once: each one's subgraph
// calls queue behind everyone else's, the slowest pass UPSTREAM_TIMEOUT_MS, and a view arrives with
// sections answered UNAVAILABLE although every source is up (the benchmark saw a 40-resident
// dashboard with all five sections of every resident UNAVAILABLE at 50 connections). With the
// bound, a request that has started finishes at the pace of an unloaded stack, and the wait happens
// before anything is asked of a subgraph. The wait counts towards REQUEST_DEADLINE_MS (the request
// deadline plugin holds the clock): a request still waiting then is answered 503 SERVICE_UNAVAILABLE
// (retryable) without having reached any subgraph or the audit.
import { metrics } from "../platform/observability/metrics.js";

export class AdmissionGate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error("the admission limit must be a positive integer");
  }

  /**
   * Resolves true once the request may run (it must call `leave` when done), or false when the
   * signal aborted first (the request was answered meanwhile; it never runs, and holds no place).
   */
  enter(signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) return Promise.resolve(false);
    if (this.running < this.limit && this.waiting.length === 0) {
      this.admitted();
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const admit = () => {
        signal.removeEventListener("abort", giveUp);
        this.admitted();
        resolve(true);
      };
      const giveUp = () => {
        const at = this.waiting.indexOf(admit);
        if (at >= 0) this.waiting.splice(at, 1);
        metrics.gatewayQueued.set(this.waiting.length);
        resolve(false);
      };
      signal.addEventListener("abort", giveUp, { once: true });
      this.waiting.push(admit);
      metrics.gatewayQueued.set(this.waiting.length);
    });
  }

  /** A request admitted by `enter` has finished: the longest-waiting request runs next. */
  leave(): void {
    this.running--;
    metrics.gatewayInFlight.set(this.running);
    const next = this.waiting.shift();
    metrics.gatewayQueued.set(this.waiting.length);
    next?.();
  }

  private admitted(): void {
    this.running++;
    metrics.gatewayInFlight.set(this.running);
  }
}
