// node:http in front of an Apollo Server, shared by the Apollo Gateway and monolith targets so
// they are served exactly as the subgraphs are (the same platform/subgraph/apollo-http.ts glue and
// platform/http/listen.ts keep-alive settings), with the caller's bearer token verified once per request
// before execution (401 when missing or invalid, as our gateway answers).
import http from "node:http";
import { GraphQLError } from "graphql";
import type { ApolloServer, BaseContext } from "@apollo/server";
import { apolloRequest, sendApolloResponse, sendBadJson } from "../../platform/subgraph/apollo-http.js";
import { PayloadTooLargeError, sendPayloadTooLarge } from "../../platform/http/body-limit.js";
import type { Identity } from "../../platform/identity/identity.js";
import { closeGracefully, listen } from "../../platform/http/listen.js";
import { bearerToken, verifyUserToken, type TokenSettings } from "../../gateway/tokens.js";

const unauthenticated = (message: string) => new GraphQLError(message, { extensions: { code: "UNAUTHENTICATED", http: { status: 401 } } });

export async function serveApollo<C extends BaseContext>(
  apollo: ApolloServer<C>,
  opts: { host: string; port: number; tokens: TokenSettings; context: (identity: Identity) => C },
): Promise<{ close(): Promise<void> }> {
  const server = http.createServer(async (req, res) => {
    try {
      const request = await apolloRequest(req, new URL(req.url ?? "/", "http://bench"));
      if (!request) return sendBadJson(res);
      const response = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: request,
        context: async () => {
          const token = bearerToken(request.headers.get("authorization"));
          if (!token) throw unauthenticated("A bearer token is required (Authorization: Bearer <token>)");
          let identity: Identity;
          try {
            identity = await verifyUserToken(token, opts.tokens);
          } catch {
            throw unauthenticated("The token is invalid or has expired");
          }
          return opts.context(identity);
        },
      });
      await sendApolloResponse(res, response);
    } catch (error) {
      if (error instanceof PayloadTooLargeError) return sendPayloadTooLarge(res, error);
      if (!res.headersSent) res.writeHead((error as { status?: number }).status ?? 503, { "content-type": "application/json" });
      res.end(JSON.stringify({ status: "unavailable" }));
    }
  });
  await listen(server, opts.host, opts.port);
  return { close: () => closeGracefully(server) };
}
