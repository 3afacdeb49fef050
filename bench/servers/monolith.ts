// Benchmark target: the same record without federation. One Apollo Server over a hand-written
// schema (monolith.graphql: exactly what the three scenarios select), resolved by the subgraphs'
// own resolvers, repositories and per-request DataLoaders, with the same access decision (user
// token -> residents/access.ts grant -> section rules). No gateway hop, no cache, no audit.
// Prints READY when listening.
import { readFileSync } from "node:fs";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { buildSchema, isEnumType, isObjectType, type GraphQLField, type GraphQLSchema } from "graphql";
import { env } from "../../platform/config/env.js";
import { formatError } from "../../platform/errors/errors.js";
import { openDatabase } from "../../app/database.js";
import { attachResolvers, createMonolithData, type MonolithContext } from "./monolith-resolvers.js";
import { serveApollo } from "./apollo-http.js";
import { reportStatsOnSignal } from "./stats.js";

const signature = (f: GraphQLField<unknown, unknown>) =>
  `${String(f.type)}(${f.args.map((a) => `${a.name}: ${String(a.type)} = ${JSON.stringify(a.defaultValue)}`).join(", ")})`;

/** Every type, field, argument and enum value here must be exactly as in the client schema. */
function assertSubsetOf(schema: GraphQLSchema, api: GraphQLSchema): void {
  const drift: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith("__")) continue;
    const other = api.getType(type.name);
    if (isObjectType(type)) {
      const fields = isObjectType(other) ? other.getFields() : {};
      for (const f of Object.values(type.getFields())) if (!fields[f.name] || signature(fields[f.name]!) !== signature(f)) drift.push(`${type.name}.${f.name}`);
    } else if (isEnumType(type)) {
      const values = (t: unknown) =>
        isEnumType(t)
          ? t
              .getValues()
              .map((v) => v.name)
              .join(" ")
          : "";
      if (values(type) !== values(other)) drift.push(`enum ${type.name}`);
    } else if (!other) drift.push(type.name);
  }
  if (drift.length) throw new Error(`bench/servers/monolith.graphql differs from schema/api.graphql: ${drift.join(", ")}`);
}

const config = env();
if (!config.DATABASE_URL) {
  console.error("the monolith needs DATABASE_URL");
  process.exit(78);
}
const schema = buildSchema(readFileSync(new URL("./monolith.graphql", import.meta.url), "utf8"));
assertSubsetOf(schema, buildSchema(readFileSync(new URL("../../schema/api.graphql", import.meta.url), "utf8")));
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
