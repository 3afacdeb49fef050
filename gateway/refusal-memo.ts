// Refusals remembered at the door. A client told "429, retry after N s" that keeps sending anyway
// (a script on 16 connections sent 1,150 requests a second in bench:fairness) would otherwise make
// every one of those requests cost a full trip through the GraphQL server (body, parse, token,
// limiter round trip) only to be refused again, and that CPU is taken from every other user. So the
// gateway remembers, per bearer token, until when it has told it to wait, and answers the same 429
// before reading the request, in microseconds. Only what the limiter already decided is repeated:
// the token is the exact string that was refused for its request rate, and the memo lasts as long
// as its Retry-After.
import type http from "node:http";
import { LRUCache } from "lru-cache";
import { bearerToken } from "./tokens.js";

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => unknown;

export class RefusalMemo {
  // Bounded: a flood of distinct tokens can only evict memos, never grow the process.
  private readonly until = new LRUCache<string, number>({ max: 10_000 });

  /**
   * Remembers a request-rate refusal: until its Retry-After the same token would be refused again
   * whatever it sent (the limiter's fixed one-minute window cannot free a slot sooner). Refusals for requests in
   * flight or for the cost budget are not remembered: a slot or a cheaper operation can fit sooner.
   */
  remember(token: string, retryAfterSeconds: number): void {
    this.until.set(token, Date.now() + retryAfterSeconds * 1000);
  }

  /** Wraps the HTTP handler: a remembered token is answered 429 at once, its body left unread. */
  wrap(handler: Handler): Handler {
    return (req, res) => {
      const token = bearerToken(req.headers.authorization);
      const until = token ? this.until.get(token) : undefined;
      if (until === undefined) return handler(req, res);
      const left = until - Date.now();
      if (left <= 0) {
        this.until.delete(token!);
        return handler(req, res);
      }
      const retryAfterSeconds = Math.ceil(left / 1000);
      req.resume();
      res.writeHead(429, { "content-type": "application/json; charset=utf-8", "retry-after": String(retryAfterSeconds) });
      res.end(
        JSON.stringify({
          errors: [{ message: "Too many requests from this user; retry later", extensions: { code: "RATE_LIMITED", retryAfterSeconds } }],
        }),
      );
    };
  }
}
