// How the gateway sends its calls to the subgraphs: undici's connection pools (one per subgraph
// origin, kept alive, no pipelining) instead of the runtime's fetch ponyfill over node:http. The
// call is the same (method, headers, body, abort signal; our onFetch hooks still run around it);
// what changes is the cost: on this machine the ponyfill spent 125-140 us of the gateway's CPU per
// call and undici 42-46 (bench/PROFILE.md), and a warm resident view makes five calls.
// The answer is read whole as text, which is all the runtime's HTTP executor does with a
// subgraph's JSON answer; streamed answers (multipart, event streams) are not used by this product
// and are not offered here.
import { STATUS_CODES } from "node:http";
import { Pool } from "undici";
import type { GatewayPlugin } from "@graphql-hive/gateway-runtime";

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
    private readonly body: { text(): Promise<string> },
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
    return this.body.text();
  }
  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }
}

interface CallOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

/** Sends the calls to these subgraph URLs over pooled connections; `close()` ends the pools. */
export function useSubgraphTransport(subgraphUrls: readonly string[]): GatewayPlugin {
  const targets = new Map<string, { pool: Pool; path: string }>();
  const pools = new Map<string, Pool>();
  for (const url of subgraphUrls) {
    const u = new URL(url);
    let pool = pools.get(u.origin);
    if (!pool) pools.set(u.origin, (pool = new Pool(u.origin, { keepAliveTimeout: KEEP_ALIVE_MS, pipelining: 1 })));
    targets.set(url, { pool, path: u.pathname + u.search });
  }

  const send = async (target: { pool: Pool; path: string }, options: CallOptions) => {
    const method = (options.method ?? "GET").toUpperCase() as "GET" | "POST";
    const answer = await target.pool.request({ path: target.path, method, headers: options.headers, body: options.body, signal: options.signal });
    return new SubgraphAnswer(answer.statusCode, answer.headers, answer.body);
  };

  return {
    onFetch({ url, setFetchFn }) {
      const target = targets.get(url);
      // Anything else the runtime fetches (there is nothing else today) keeps the default fetch.
      if (!target) return;
      setFetchFn(((_: string, options: CallOptions) => send(target, options)) as never);
    },
    // By now the server has stopped and its requests are answered: a call still open is one nobody
    // waits for (a frozen subgraph), so the connections are dropped rather than drained.
    async onDispose() {
      await Promise.all([...pools.values()].map((pool) => pool.destroy()));
    },
  };
}
