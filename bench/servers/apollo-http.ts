// node:http in front of an Apollo Server, shared by the Apollo Gateway and monolith targets so
// they are served the same way as the subgraphs (kernel/subgraph-server.ts): one plain HTTP
// server, keep-alive settings from kernel/http.ts, and the caller's bearer token verified once per
// request before execution (401 when missing or invalid, as our gateway answers).
import http from "node:http";
import { GraphQLError } from "graphql";
import { HeaderMap, type ApolloServer, type BaseContext } from "@apollo/server";
import type { Identity } from "../../subgraphs/kernel/identity.js";
import { closeGracefully, listen } from "../../subgraphs/kernel/http.js";
import { verifyUserToken, type TokenSettings } from "../../gateway/tokens.js";

const unauthenticated = (message: string) =>
  new GraphQLError(message, { extensions: { code: "UNAUTHENTICATED", http: { status: 401 } } });

export async function serveApollo<C extends BaseContext>(
  apollo: ApolloServer<C>,
  opts: { host: string; port: number; tokens: TokenSettings; context: (identity: Identity) => C },
): Promise<{ close(): Promise<void> }> {
  const server = http.createServer(async (req, res) => {
    try {
      const headers = new HeaderMap();
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(", ") : v);
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const raw = Buffer.concat(chunks).toString("utf8");
      const response = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: req.method ?? "GET", headers, search: new URL(req.url ?? "/", "http://x").search, body: raw ? JSON.parse(raw) : undefined },
        context: async () => {
          const match = /^Bearer\s+(\S+)$/i.exec(headers.get("authorization") ?? "");
          if (!match) throw unauthenticated("A bearer token is required (Authorization: Bearer <token>)");
          let identity: Identity;
          try {
            identity = await verifyUserToken(match[1]!, opts.tokens);
          } catch {
            throw unauthenticated("The token is invalid or has expired");
          }
          return opts.context(identity);
        },
      });
      const out: Record<string, string> = {};
      for (const [k, v] of response.headers) out[k] = v;
      res.writeHead(response.status ?? 200, out);
      if (response.body.kind === "complete") res.end(response.body.string);
      else {
        for await (const chunk of response.body.asyncIterator) res.write(chunk);
        res.end();
      }
    } catch {
      // Only a body that is not JSON gets here; Apollo answers everything else itself.
      if (!res.headersSent) res.writeHead(400, { "content-type": "application/json" });
      res.end(JSON.stringify({ errors: [{ message: "Body is not JSON", extensions: { code: "BAD_REQUEST" } }] }));
    }
  });
  await listen(server, opts.host, opts.port);
  return { close: () => closeGracefully(server) };
}
