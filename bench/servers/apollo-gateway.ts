// Benchmark target: the stock Apollo Gateway (@apollo/gateway + @apollo/server) over the same
// committed supergraph and the same subgraphs: the "peer" our gateway is compared with. It does
// only what the subgraphs need to answer at all: verify the user token and sign the identity into
// the internal header (as gateway/plugins/authenticate.ts + forward-identity.ts do). No cache, no
// audit, no request limits, no scopes. Prints READY when listening.
import { subgraphUrls, type SubgraphName } from "../../subgraphs/registry.js";
import { readFileSync } from "node:fs";
import { ApolloServer } from "@apollo/server";
import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from "@apollo/gateway";
import { configOrExit, env } from "../../platform/config/env.js";
import type { Identity } from "../../platform/identity/identity.js";
import { INTERNAL_HEADER, signInternalIdentity } from "../../platform/identity/internal-auth.js";
import { serveApollo } from "./apollo-http.js";

interface Context {
  identity: Identity;
  /** One internal signature per client request, shared by all its subgraph fetches. */
  signature?: Promise<string>;
}

// Not imported from gateway/server.ts: that would load the Hive runtime into this process too.
const SUPERGRAPH_PATH = new URL("../../schema/supergraph.graphql", import.meta.url);
const config = env();
const urls = configOrExit(() => subgraphUrls(config));

class SignedDataSource extends RemoteGraphQLDataSource<Context> {
  override async willSendRequest(options: GraphQLDataSourceProcessOptions<Context>) {
    const context = options.context as Partial<Context>;
    if (!context.identity) return; // not a client operation: no header, the subgraph refuses it
    context.signature ??= signInternalIdentity(context.identity, config.INTERNAL_SECRET);
    options.request.http?.headers.set(INTERNAL_HEADER, await context.signature);
  }
}

// Apollo Gateway refuses to start on a supergraph that links a SECURITY feature it cannot enforce
// ("feature https://specs.apollo.dev/requiresScopes/v0.1 is for: SECURITY but is unsupported").
// Dropping the purpose from that one @link makes the scopes plain metadata it ignores; the
// subgraphs still decide every resident and section.
const REQUIRES_SCOPES_LINK = /(@link\(url: "https:\/\/specs\.apollo\.dev\/requiresScopes\/v0\.1"), for: SECURITY\)/;
const sdl = readFileSync(SUPERGRAPH_PATH, "utf8");
if (!REQUIRES_SCOPES_LINK.test(sdl)) throw new Error("supergraph no longer links requiresScopes as expected; revisit bench/servers/apollo-gateway.ts");

const gateway = new ApolloGateway({
  supergraphSdl: sdl.replace(REQUIRES_SCOPES_LINK, "$1)"),
  // The supergraph names the default ports; the bench subgraphs listen where SUBGRAPH_BASE_PORT says.
  buildService: ({ name }) => new SignedDataSource({ url: urls[name as SubgraphName] }),
});
const apollo = new ApolloServer<Context>({ gateway, stopOnTerminationSignals: false, includeStacktraceInErrorResponses: false });
await apollo.start();
const server = await serveApollo(apollo, {
  host: config.HOST,
  port: config.PORT ?? 4100,
  tokens: { secret: config.JWT_SECRET, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE },
  context: (identity) => ({ identity }),
});
console.log("READY");

for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.once(
    signal,
    () =>
      void server
        .close()
        .then(() => apollo.stop())
        .finally(() => process.exit(0)),
  );
