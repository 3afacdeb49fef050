// Apollo Server over node:http: turning a node request into Apollo's request and Apollo's response
// back into a node response. Used by every subgraph server (and the benchmark's Apollo targets, so
// they are served the same way).
import type http from "node:http";
import { HeaderMap, type HTTPGraphQLRequest, type HTTPGraphQLResponse } from "@apollo/server";
import { readBodyWithin } from "../http/body-limit.js";

/**
 * Above the largest request the gateway can send under its cost limit: the `_entities` call for
 * every resident such an operation can name (test/body-limits.test.ts computes it).
 */
export const SUBGRAPH_MAX_BODY_BYTES = 16 * 1024 * 1024;

/**
 * The request as Apollo Server takes it, or null when a POST body is not JSON (answer it with
 * `sendBadJson`). Rejects with a PayloadTooLargeError (answer it with `sendPayloadTooLarge`) when
 * the body is over `maxBodyBytes`.
 */
export async function apolloRequest(req: http.IncomingMessage, url: URL, maxBodyBytes = SUBGRAPH_MAX_BODY_BYTES): Promise<HTTPGraphQLRequest | null> {
  const headers = new HeaderMap();
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(", ") : v);
  const raw = req.method === "POST" ? (await readBodyWithin(req, maxBodyBytes)).toString("utf8") : "";
  let body: unknown = undefined;
  if (raw) {
    try {
      body = JSON.parse(raw);
    } catch {
      return null;
    }
  }
  return { method: req.method ?? "GET", headers, search: url.search, body };
}

export function sendBadJson(res: http.ServerResponse): void {
  res
    .writeHead(400, { "content-type": "application/json" })
    .end(JSON.stringify({ errors: [{ message: "Body is not JSON", extensions: { code: "BAD_REQUEST" } }] }));
}

export async function sendApolloResponse(res: http.ServerResponse, response: HTTPGraphQLResponse): Promise<void> {
  const headers: Record<string, string> = {};
  for (const [k, v] of response.headers) headers[k] = v;
  res.writeHead(response.status ?? 200, headers);
  if (response.body.kind === "complete") res.end(response.body.string);
  else {
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  }
}
