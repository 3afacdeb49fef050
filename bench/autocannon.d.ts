// autocannon 9 ships no types and @types/autocannon is not installed; this declares only the
// programmatic API the federation benchmark uses.
declare module "autocannon" {
  interface Options {
    url: string;
    method?: "GET" | "POST";
    headers?: Record<string, string>;
    body?: string;
    connections?: number;
    /** Requests per second over all connections (bench/fairness.ts: the others' steady load). */
    overallRate?: number;
    duration?: number;
    timeout?: number;
    /** Counts a "mismatch" for every response whose body this returns false for. */
    verifyBody?: (body: string) => boolean;
    /** Called before every request; may change its headers or body. */
    requests?: { setupRequest?: (request: RequestData) => RequestData }[];
  }
  interface RequestData {
    method?: string;
    headers: Record<string, string>;
    body?: string | Buffer;
  }
  interface Histogram {
    average: number;
    mean: number;
    stddev: number;
    min: number;
    max: number;
    total: number;
    p50: number;
    p90: number;
    p99: number;
  }
  interface Result {
    duration: number;
    errors: number;
    timeouts: number;
    mismatches: number;
    non2xx: number;
    "2xx": number;
    latency: Histogram;
    /** `sent` counts requests sent, including those still in flight when the run ended. */
    requests: Histogram & { sent: number };
    throughput: Histogram;
  }
  function autocannon(options: Options): Promise<Result>;
  export default autocannon;
  export type { Options, Result, RequestData };
}
