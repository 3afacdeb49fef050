// Runs any subgraph module as an HTTP service: Apollo Server over node:http, the gateway
// signature checked before anything else, errors masked, and a /healthz probe for containers.
import http from "node:http";
import { readFileSync } from "node:fs";
import { ApolloServer } from "@apollo/server";
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
  ApolloServerPluginSchemaReportingDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from "@apollo/server/plugin/disabled";
import { buildSubgraphSchema } from "@apollo/subgraph";
import type { GraphQLResolverMap } from "@apollo/subgraph/dist/schema-helper/index.js";
import { parse, type DocumentNode } from "graphql";
import type { IRules } from "graphql-shield";
import { applyPermissions, sectionWrapperFields } from "../access/rules.js";
import { SECTION_FIELD } from "../access/section-field.js";
import type { Identity } from "../identity/identity.js";
import type { OrganisationFacts } from "../access/policy.js";
import { INTERNAL_HEADER, verifyInternalIdentity } from "../identity/internal-auth.js";
import { formatError } from "../errors/errors.js";
import { apolloLogger, logger } from "../observability/logger.js";
import { closeGracefully, listen } from "../http/listen.js";
import { metricsAuthorized, metricsResponse } from "../observability/metrics.js";
import { apolloRequest, sendApolloResponse, sendBadJson } from "./apollo-http.js";
import { PayloadTooLargeError, sendPayloadTooLarge } from "../http/body-limit.js";
import { checkResidentFields, type SubgraphDescription } from "./manifest.js";
import { createJitExecutor, executorGateway } from "./jit-executor.js";
import type { FhirStages } from "../ingest/stages.js";

/** The organisation registry as a subgraph reads it (subgraphs/residents/registry.ts). */
export interface OrganisationRegistry {
  organisation(odsCode: string): Promise<OrganisationFacts | null>;
  close(): Promise<void>;
}

export interface BaseContext {
  identity: Identity;
  /** The caller's organisation in the registry, once per request (the preconditions rule on every root field reads it). */
  organisation?: () => Promise<OrganisationFacts | null>;
}

/**
 * A subgraph's resolvers by GraphQL type name: its generated `Resolvers` type
 * (subgraphs/<name>/generated/resolvers-types.ts) checks every resolver's arguments, parent, context
 * and result against the SDL where the map is written (resolvers/index.ts); here it is only a map.
 */
export type ResolverMap = Readonly<Record<string, object | undefined>>;

/** A built subgraph. Its context type shows only in createContext, so any subgraph is a SubgraphModule. */
export interface SubgraphModule<C extends BaseContext = BaseContext> {
  name: string;
  typeDefs: DocumentNode;
  resolvers: ResolverMap;
  /** graphql-shield middleware: who may resolve which field (deny by default). */
  permissions?: IRules;
  /** Per-request state (DataLoaders) for an authenticated caller. */
  createContext(identity: Identity): C;
  /** Resolves when the data store answers; used by /healthz. */
  ping(): Promise<void>;
  close(): Promise<void>;
  /** What it runs for FHIR ingestion (platform/ingest/stages.ts), if anything. */
  fhir?: FhirStages;
}

interface Lifecycle {
  ping(): Promise<void>;
  close(): Promise<unknown>;
}

/** Assembles a subgraph module from its parts; every subgraph's manifest builds one with this. */
export function defineSubgraph<C extends BaseContext, R extends Lifecycle>(def: {
  /** Its manifest: name, schema and the Resident fields it contributes (checked against the schema here). */
  about: Pick<SubgraphDescription, "name" | "schema" | "residentFields">;
  resolvers: ResolverMap;
  repo: R;
  context: (repo: R, identity: Identity) => Omit<C, "identity">;
  permissions?: IRules;
  /** Where the caller's organisation facts come from; needed by a subgraph with root fields. */
  registry?: OrganisationRegistry;
  /** Its FHIR ingestion stages, built on its repository. */
  fhir?: (repo: R) => FhirStages;
}): SubgraphModule<C> {
  const typeDefs = loadTypeDefs(def.about.schema);
  checkResidentFields(def.about, typeDefs);
  // A section wrapper must be answered by sectionField, which decides access and says what the
  // section holds (ADR 0005): a resolver of its own could hand out entries without either.
  for (const field of sectionWrapperFields(typeDefs)) {
    const resolver = (def.resolvers.Resident as Record<string, unknown> | undefined)?.[field];
    if (typeof resolver !== "function" || !(SECTION_FIELD in resolver))
      throw new Error(`Resident.${field} is a section wrapper: resolve it with sectionField (platform/access/section-field.ts)`);
  }
  return {
    name: def.about.name,
    typeDefs,
    resolvers: def.resolvers,
    permissions: def.permissions,
    createContext: (identity) => {
      let org: Promise<OrganisationFacts | null> | undefined;
      const registry = def.registry;
      const organisation = registry ? () => (org ??= registry.organisation(identity.orgCode)) : undefined;
      return { identity, organisation, ...def.context(def.repo, identity) } as C;
    },
    fhir: def.fhir?.(def.repo),
    ping: () => def.repo.ping(),
    close: async () => {
      await def.registry?.close();
      await def.repo.close();
    },
  };
}

const SHARED_SDL = readFileSync(new URL("../graphql/shared.graphql", import.meta.url), "utf8");

/** A subgraph's SDL: its own schema.graphql with the shared definitions appended. */
export function loadTypeDefs(schemaFileUrl: URL): DocumentNode {
  return parse(`${readFileSync(schemaFileUrl, "utf8")}\n${SHARED_SDL}`);
}

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

export async function startSubgraphServer<C extends BaseContext>(
  module: SubgraphModule<C>,
  opts: {
    host: string;
    port: number;
    internalSecret: string;
    metricsToken: string;
    /** false only in benchmarks (env SHIELD=off) */
    shield?: boolean;
    /** What executes operations (env SUBGRAPH_EXECUTOR): graphql-js unless told otherwise. */
    executor?: "jit" | "graphql-js";
  },
): Promise<RunningServer> {
  const subgraphSchema = buildSubgraphSchema({
    typeDefs: module.typeDefs,
    // The generated types describe the same resolvers more precisely than Apollo's map type can.
    resolvers: module.resolvers as GraphQLResolverMap<unknown>,
  });
  const schema = module.permissions && opts.shield !== false ? applyPermissions(subgraphSchema, module.permissions) : subgraphSchema;
  const apollo = new ApolloServer<C>({
    // Apollo Server takes an executor of our own only from a gateway (platform/subgraph/jit-executor.ts).
    ...(opts.executor === "jit" ? { gateway: executorGateway(schema, createJitExecutor(schema)) } : { schema }),
    formatError,
    includeStacktraceInErrorResponses: false,
    logger: apolloLogger,
    // The process that runs the server owns the signals (scripts/start.ts, scripts/subgraph.ts):
    // Apollo's own SIGINT/SIGTERM handler would stop this server under the app's shutdown and then
    // re-raise the signal, racing the app's orderly close (`npm start` hung 2 runs in 3).
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      // No Apollo Studio: inline traces and reports would only add cost to every response.
      ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginUsageReportingDisabled(),
      ApolloServerPluginSchemaReportingDisabled(),
      // Nothing reads a subgraph's cache hints or the cache-control header they set (no code in
      // gateway/ or test/ does). The plugin's per-field hook makes Apollo wrap every resolver of
      // the schema: a quarter of the subgraphs' busy time on the costliest operation
      // (bench/RESULTS.md), and graphql-jit cannot inline a field that has a resolver.
      ApolloServerPluginCacheControlDisabled(),
    ],
  });
  await apollo.start();

  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? "/", "http://subgraph");
      if (url.pathname === "/healthz") {
        await module.ping();
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ status: "ok", subgraph: module.name }));
        return;
      }
      if (url.pathname === "/metrics") {
        if (!metricsAuthorized(req.headers.authorization, opts.metricsToken)) {
          res.writeHead(401, { "www-authenticate": "Bearer" }).end();
          return;
        }
        const { body, contentType } = await metricsResponse();
        res.writeHead(200, { "content-type": contentType }).end(body);
        return;
      }
      if (url.pathname !== "/graphql") {
        res.writeHead(404).end();
        return;
      }
      const request = await apolloRequest(req, url);
      if (!request) return sendBadJson(res);
      const response = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: request,
        context: async () => {
          const identity = await verifyInternalIdentity(request.headers.get(INTERNAL_HEADER), opts.internalSecret);
          return module.createContext(identity);
        },
      });
      await sendApolloResponse(res, response);
    } catch (error) {
      if (error instanceof PayloadTooLargeError) return sendPayloadTooLarge(res, error);
      const status = (error as { status?: number }).status ?? 503;
      logger.warn({ subgraph: module.name, err: { name: (error as Error).name } }, "subgraph request failed outside GraphQL");
      if (!res.headersSent) res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify({ status: "unavailable" }));
    }
  });
  const port = await listen(server, opts.host, opts.port);
  return {
    url: `http://${opts.host}:${port}/graphql`,
    close: async () => {
      await closeGracefully(server);
      await apollo.stop();
    },
  };
}
