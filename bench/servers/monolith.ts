// Benchmark target: the same record without federation. One Apollo Server over a hand-written
// schema (monolith.graphql: exactly what the three scenarios select), resolved by the subgraphs'
// own resolvers, repositories and per-request DataLoaders, with the same access decision (user
// token -> residents/access.ts grant -> section rules). No gateway hop, no cache, no audit.
// Prints READY when listening.
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { env } from "../../platform/config/env.js";
import { formatError } from "../../platform/errors/errors.js";
import { openDatabase } from "../../app/database.js";
import { attachResolvers, createMonolithData, type MonolithContext } from "./monolith-resolvers.js";
import { serveApollo } from "./apollo-http.js";
import { reportStatsOnSignal } from "./stats.js";
import { monolithSchema } from "./monolith-schema.js";

const config = env();
if (!config.DATABASE_URL) {
  console.error("the monolith needs DATABASE_URL");
  process.exit(78);
}
const schema = monolithSchema();
attachResolvers(schema);

const db = await openDatabase(config);
const data = createMonolithData(db, config);
const apollo = new ApolloServer<MonolithContext>({
  schema,
  formatError,
  includeStacktraceInErrorResponses: false,
  stopOnTerminationSignals: false,
  plugins: [ApolloServerPluginLandingPageDisabled()],
});
await apollo.start();
const server = await serveApollo(apollo, {
  host: config.HOST,
  port: config.PORT ?? 4100,
  tokens: { secret: config.JWT_SECRET, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE },
  context: (identity) => data.createContext(identity),
});
reportStatsOnSignal();
console.log("READY");

for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.once(
    signal,
    () =>
      void server
        .close()
        .then(() => apollo.stop())
        .then(() => data.close())
        .then(() => db.close())
        .finally(() => process.exit(0)),
  );
