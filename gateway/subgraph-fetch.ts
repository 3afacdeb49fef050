// How the gateway makes its calls to the subgraphs: undici's connection pools (one per subgraph
// origin, kept alive, no pipelining) instead of the runtime's fetch ponyfill over node:http, and
// when it gives up on one (upstream-timeout.ts). Our onFetch hooks still run around each call.
//
// Why here and not in the runtime's options: the ponyfill spent 125-140 us of the gateway's CPU per
// call and undici 42-46 on this machine (bench/PROFILE.md), and a warm resident view makes five
// calls. And a cancellation signal handed to the runtime's HTTP executor is combined with the
// executor's own long-lived one by adding a listener to it that stays until garbage collection, so
// the listener list grows with every call and each addition walks it (4 % of the gateway's CPU). So
// no signal goes through the executor: a call is cancelled here, when the client request's signal
// aborts (the client left, or the request deadline passed: plugins/request-deadline.ts) or when it
// is given up on, and every listener is removed when the call ends.
//
// The answer is read whole before it is handed on, so the time limit covers the body too; streamed
// answers (multipart, event streams) are not used by this product and are not offered here.
import { STATUS_CODES } from "node:http";
import { Pool } from "undici";
import type { GatewayPlugin } from "@graphql-hive/gateway-runtime";
import { UpstreamPatience, type UpstreamTimeouts } from "./upstream-timeout.js";

/** Above undici's 4 s default; below the subgraphs' server keep-alive (platform/http/listen.ts), so the client closes first. */
const KEEP_ALIVE_MS = 30_000;

type RawHeaders = Record<string, string | string[] | undefined>;

/** The part of the Fetch API's Headers that callers of a subgraph answer read. */
class AnswerHeaders {
  constructor(private readonly raw: RawHeaders) {}
  get(name: string): string | null {
    const v = this.raw[name.toLowerCase()];
    return v === undefined ? null : Array.isArray(v) ? v.join(", ") : v;
  }
  has(name: string): boolean {
    return this.raw[name.toLowerCase()] !== undefined;
  }
  *entries(): IterableIterator<[string, string]> {
    for (const name of Object.keys(this.raw)) {
      const v = this.get(name);
      if (v !== null) yield [name, v];
    }
  }
  [Symbol.iterator]() {
    return this.entries();
  }
  forEach(fn: (value: string, name: string) => void): void {
    for (const [name, value] of this.entries()) fn(value, name);
  }
}

/** The part of the Fetch API's Response that the runtime's HTTP executor and our hooks read. */
class SubgraphAnswer {
  readonly headers: AnswerHeaders;
  constructor(
    readonly status: number,
    raw: RawHeaders,
    private readonly body: string,
  ) {
    this.headers = new AnswerHeaders(raw);
  }
  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }
  get statusText(): string {
    return STATUS_CODES[this.status] ?? "";
  }
  text(): Promise<string> {
    return Promise.resolve(this.body);
  }
  json(): Promise<unknown> {
    return Promise.resolve().then(() => JSON.parse(this.body));
  }
}

interface CallOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

interface Target {
  subgraph: string;
  pool: Pool;
  path: string;
}

/** The runtime's fetch signature, as far as a subgraph call uses it. */
type SubgraphFetch = (url: string, options: CallOptions, context?: { request?: Request }) => Promise<SubgraphAnswer>;

/** Makes the calls to these subgraphs (name -> URL); the pools end with the gateway. */
export function useSubgraphCalls(subgraphUrls: Record<string, string>, timeouts: UpstreamTimeouts): GatewayPlugin {
  const patience = new UpstreamPatience(timeouts);
  const pools = new Map<string, Pool>();
  const send = async (target: Target, options: CallOptions, client: AbortSignal | undefined) => {
    if (client?.aborted) throw client.reason;
    const call = new AbortController();
    const relay = () => call.abort(client?.reason);
    client?.addEventListener("abort", relay, { once: true });
    const stopWatching = patience.watch(target.subgraph, call);
    try {
      const method = (options.method ?? "GET").toUpperCase() as "GET" | "POST";
      const answer = await target.pool.request({ path: target.path, method, headers: options.headers, body: options.body, signal: call.signal });
      patience.answered(target.subgraph);
      return new SubgraphAnswer(answer.statusCode, answer.headers, await answer.body.text());
    } finally {
      stopWatching();
      client?.removeEventListener("abort", relay);
    }
  };

  // One fetch function per subgraph URL, made once: the runtime is handed it on every call.
  const fetches = new Map<string, SubgraphFetch>();
  for (const [subgraph, url] of Object.entries(subgraphUrls)) {
    const u = new URL(url);
    let pool = pools.get(u.origin);
    if (!pool) pools.set(u.origin, (pool = new Pool(u.origin, { keepAliveTimeout: KEEP_ALIVE_MS, pipelining: 1 })));
    const target: Target = { subgraph, pool, path: u.pathname + u.search };
    fetches.set(url, (_, options, context) => send(target, options, context?.request?.signal));
  }

  return {
    onFetch({ url, setFetchFn }) {
      const fetch = fetches.get(url);
      // Anything else the runtime fetches (there is nothing else today) keeps the default fetch.
      if (fetch) setFetchFn(fetch as never);
    },
    // By now the server has stopped and its requests are answered: a call still open is one nobody
    // waits for (a frozen subgraph), so the connections are dropped rather than drained.
    async onDispose() {
      await Promise.all([...pools.values()].map((pool) => pool.destroy()));
    },
  };
}
