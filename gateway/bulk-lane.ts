// The bulk lane: costly operations run on other processes than short look-ups.
//
// Node runs one request's GraphQL work at a time per process. The costliest operation the cost
// limit allows (two 44-resident pages with every section, a 2 MiB answer) keeps the gateway and the
// subgraphs busy for close to a second in stretches that nothing else interleaves with, so an
// ambulance clinician's urgent-care look-up arriving meanwhile waits for all of it
// (bench/RESULTS.md "Fairness": others' p99 10-20x). Per-user budgets bound how often that
// happens, not how long each one blocks. With BULK_LANE_URL set, the gateway looks at each
// request before its GraphQL server does: an operation whose cost (gateway/cost.ts, variables
// applied, persisted and trusted documents resolved) is at least BULK_LANE_MIN_COST is passed,
// untouched, to the bulk lane: a complete second stack (gateway and subgraphs in one process,
// `npm run start:bulk-lane`, at a lower CPU priority) on the same database and Redis. The
// operating system then shares the cores between the lanes, and a look-up never queues behind a
// dashboard's execution.
//
// Nothing is trusted to the router: the bulk lane is a whole gateway that authenticates, limits
// (the budgets live in Redis, shared by both lanes), audits and answers by itself; the router only
// chooses where a request goes, and a request it cannot read goes to the interactive lane, whose
// cost check refuses anything at or above the lane threshold (useCostLimit), so no costly
// operation can run next to the look-ups whatever form it is sent in.
import http from "node:http";
import { parse, type DocumentNode } from "graphql";
import { LRUCache } from "lru-cache";
import { operationCost } from "./cost.js";
import { clientSchema } from "./client-schema.js";
import { isPersistedQueryHash, persistedDocument, type PersistedOperationSettings } from "./plugins/persisted-queries.js";
import { bearerToken, type TokenSettings } from "./tokens.js";
import { authenticate } from "./plugins/authenticate.js";
import { SERVICE_UNAVAILABLE } from "./plugins/source-errors.js";
import { logger } from "../platform/observability/logger.js";

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => unknown;

export interface BulkLaneSettings {
  /** The bulk lane's GraphQL endpoint (BULK_LANE_URL). */
  url: string;
  /** Operations costing at least this run there (BULK_LANE_MIN_COST). */
  minCost: number;
  /** The bulk lane must answer within this (the request deadline and some margin). */
  timeoutMs: number;
}

/** The response header that says a request was answered by the bulk lane (for operators and tests). */
export const LANE_HEADER = "x-carerecord-lane";

/** Request headers the bulk lane needs to answer as this gateway would; nothing else is passed on. */
const FORWARDED_REQUEST_HEADERS = ["authorization", "content-type", "accept", "origin", "traceparent", "x-request-id"] as const;
/** Response headers passed back to the client. */
const FORWARDED_RESPONSE_HEADERS = [
  "content-type",
  "retry-after",
  "cache-control",
  "vary",
  "access-control-allow-origin",
  "access-control-allow-methods",
  "access-control-allow-headers",
  "access-control-max-age",
];

interface OperationParams {
  query?: unknown;
  operationName?: unknown;
  variables?: unknown;
  documentId?: unknown;
  extensions?: unknown;
}

/** The request's GraphQL parameters, from a JSON body or a GET's query string; null when neither. */
function paramsOf(req: http.IncomingMessage): OperationParams | null {
  try {
    if (req.method === "GET") {
      const search = new URL(req.url ?? "/", "http://gateway").searchParams;
      const json = (name: string) => (search.has(name) ? JSON.parse(search.get(name)!) : undefined);
      return {
        query: search.get("query") ?? undefined,
        operationName: search.get("operationName") ?? undefined,
        variables: json("variables"),
        documentId: search.get("documentId") ?? undefined,
        extensions: json("extensions"),
      };
    }
    const body = (req as http.IncomingMessage & { body?: Buffer }).body;
    if (req.method !== "POST" || !body || !/json/i.test(req.headers["content-type"] ?? "")) return null;
    const parsed: unknown = JSON.parse(body.toString("utf8"));
    return parsed !== null && typeof parsed === "object" && !Array.isArray(parsed) ? (parsed as OperationParams) : null;
  } catch {
    return null; // unreadable: the GraphQL server gives the client its own error
  }
}

/** A bulk-lane 429 kept for its token: until when, its answer, and the request it answered. */
interface Refusal {
  until: number;
  answer: string;
  /** The refused request exactly (method, URL and body): sent again, it is answered before it is parsed. */
  request: string;
}

const requestKey = (req: http.IncomingMessage) =>
  `${req.method} ${req.url}\u0000${(req as http.IncomingMessage & { body?: Buffer }).body?.toString("latin1") ?? ""}`;

export class BulkLaneRouter {
  // Parsed documents by text, and costs by operation and variables: a client repeats the same few
  // operations, and pricing the costliest one takes ~7 ms, too much to repeat for every request
  // of a client that keeps sending it. Bounded, like every cache here.
  private readonly documents = new LRUCache<string, DocumentNode | false>({ max: 1000 });
  private readonly costs = new LRUCache<string, number | false>({ max: 5000 });
  /**
   * Costly operations refused by the bulk lane (429), by bearer token, until their Retry-After: a
   * client that ignores the answer and keeps sending gets the same one at once, instead of making
   * this process pass every attempt on (the router's own CPU is the interactive lane's).
   */
  private readonly refused = new LRUCache<string, Refusal>({ max: 10_000 });

  constructor(
    private readonly lane: BulkLaneSettings,
    private readonly persisted: PersistedOperationSettings,
    private readonly tokens: TokenSettings,
  ) {}

  /** The operation's cost when it can be told before execution, else null (the interactive lane decides). */
  async costOf(params: OperationParams): Promise<number | null> {
    const query = await this.documentText(params);
    if (query === null) return null;
    // "" names no operation, as for the GraphQL server.
    const operationName = typeof params.operationName === "string" && params.operationName !== "" ? params.operationName : undefined;
    const variables = params.variables !== null && typeof params.variables === "object" ? (params.variables as Record<string, unknown>) : undefined;
    const key = `${operationName ?? ""}\u0000${variables ? JSON.stringify(variables) : ""}\u0000${query}`;
    const known = this.costs.get(key);
    if (known !== undefined) return known === false ? null : known;
    const cost = this.price(query, operationName, variables);
    this.costs.set(key, cost ?? false);
    return cost;
  }

  private price(query: string, operationName: string | undefined, variables: Record<string, unknown> | undefined): number | null {
    let document = this.documents.get(query);
    if (document === undefined) {
      try {
        document = parse(query);
      } catch {
        document = false;
      }
      this.documents.set(query, document);
    }
    if (document === false) return null;
    try {
      return operationCost(clientSchema(), document, operationName, variables);
    } catch {
      return null;
    }
  }

  /** The text of the operation a request runs: sent as text, or named by a trusted or persisted hash. */
  private async documentText(params: OperationParams): Promise<string | null> {
    if (typeof params.query === "string" && params.query !== "") return params.query;
    if (typeof params.documentId === "string") return this.persisted.trusted.get(params.documentId) ?? null;
    const hash = (params.extensions as { persistedQuery?: { sha256Hash?: unknown } } | undefined)?.persistedQuery?.sha256Hash;
    if (!isPersistedQueryHash(hash)) return null;
    return (await persistedDocument(this.persisted, hash))?.query ?? null;
  }

  /** Wraps the gateway's HTTP handler (after the body limit, which has read the body). */
  wrap(handler: Handler): Handler {
    return (req, res) => {
      // The same request again from a token the bulk lane has told to wait: the same answer, unparsed.
      const refusal = this.refusalFor(req);
      if (refusal && refusal.request === requestKey(req)) return this.refuse(res, refusal);
      const params = req.method === "GET" || req.method === "POST" ? paramsOf(req) : null;
      if (!params) return handler(req, res);
      // Only a verified user's request is priced (and a persisted one looked up): pricing a large
      // document takes milliseconds, which nobody without a token may make this process spend.
      // Without one, the GraphQL server answers 401 as always.
      authenticate(req.headers.authorization, this.tokens)
        .then(() => this.costOf(params))
        .then(
          (cost) => (cost !== null && cost >= this.lane.minCost ? this.forward(req, res) : handler(req, res)),
          () => handler(req, res),
        );
    };
  }

  /** The bulk lane's refusal still in force for this request's token, if any. */
  private refusalFor(req: http.IncomingMessage): Refusal | undefined {
    const token = bearerToken(req.headers.authorization);
    const refusal = token ? this.refused.get(token) : undefined;
    return refusal && refusal.until > Date.now() ? refusal : undefined;
  }

  private refuse(res: http.ServerResponse, refusal: Refusal): void {
    res.writeHead(429, {
      "content-type": "application/json; charset=utf-8",
      "retry-after": String(Math.ceil((refusal.until - Date.now()) / 1000)),
      [LANE_HEADER]: "bulk",
    });
    res.end(refusal.answer);
  }

  private forward(req: http.IncomingMessage, res: http.ServerResponse): void {
    const token = bearerToken(req.headers.authorization);
    const refusal = this.refusalFor(req);
    if (refusal) return this.refuse(res, refusal);
    const target = new URL(this.lane.url);
    if (req.method === "GET") target.search = new URL(req.url ?? "/", "http://gateway").search;
    const headers: Record<string, string | string[] | number> = {};
    for (const name of FORWARDED_REQUEST_HEADERS) {
      const value = req.headers[name];
      if (value !== undefined) headers[name] = value;
    }
    const body = (req as http.IncomingMessage & { body?: Buffer }).body;
    if (body) headers["content-length"] = body.length;
    const upstream = http.request(target, { method: req.method, headers, timeout: this.lane.timeoutMs }, (answer) => {
      const status = answer.statusCode ?? 502;
      const out: http.OutgoingHttpHeaders = { [LANE_HEADER]: "bulk" };
      for (const name of FORWARDED_RESPONSE_HEADERS) if (answer.headers[name] !== undefined) out[name] = answer.headers[name];
      if (status === 429 && token) {
        // Kept whole (a refusal is a few hundred bytes) to be answered again until its Retry-After.
        const chunks: Buffer[] = [];
        answer.on("data", (c: Buffer) => chunks.push(c));
        answer.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          const seconds = Number(answer.headers["retry-after"]);
          if (seconds > 0) this.refused.set(token, { until: Date.now() + seconds * 1000, answer: text, request: requestKey(req) });
          res.writeHead(status, out);
          res.end(text);
        });
        return;
      }
      res.writeHead(status, out);
      answer.pipe(res);
    });
    const unavailable = (why: string) => {
      logger.warn({ why }, "bulk lane did not answer");
      if (res.destroyed) return; // the client left first
      if (res.headersSent) return void res.destroy();
      res.writeHead(503, { "content-type": "application/json; charset=utf-8", [LANE_HEADER]: "bulk" });
      res.end(
        JSON.stringify({
          errors: [
            {
              message: "The care record could not run this large request right now. Try again shortly.",
              extensions: { code: SERVICE_UNAVAILABLE, retryable: true },
            },
          ],
        }),
      );
    };
    upstream.on("timeout", () => upstream.destroy(new Error("timeout")));
    upstream.on("error", (error: NodeJS.ErrnoException) => unavailable(error.code ?? error.message));
    // A client that leaves stops the work it asked for.
    res.on("close", () => {
      if (!res.writableFinished) upstream.destroy();
    });
    upstream.end(body);
  }
}
