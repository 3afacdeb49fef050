// The gateway: Hive Gateway runtime serving the committed supergraph, with authentication,
// identity forwarding, edge validation of custom scalars and request limits.
import type { SubgraphName } from "../subgraphs/registry.js";
import http from "node:http";
import { readFileSync } from "node:fs";
import { createGatewayRuntime } from "@graphql-hive/gateway-runtime";
import type { RunningServer } from "../platform/subgraph/server.js";
import { closeGracefully, listen } from "../platform/http/listen.js";
import { useAuthentication } from "./plugins/authenticate.js";
import { useForwardIdentity } from "./plugins/forward-identity.js";
import { useEdgeScalars } from "./plugins/edge-scalars.js";
import { useErrorContract, useRequestContract } from "./plugins/error-contract.js";
import { engineLogger } from "./engine-logger.js";
import { useAudit } from "./plugins/audit.js";
import type { BreakGlassLookup } from "./audit/event.js";
import { useSourceErrors } from "./plugins/source-errors.js";
import { useRequestDeadline } from "./plugins/request-deadline.js";
import { useSubgraphCalls } from "./subgraph-fetch.js";
import type { UpstreamTimeouts } from "./upstream-timeout.js";
import { AdmissionGate } from "./admission.js";
import { useScopes } from "./plugins/scopes.js";
import { servedSupergraph } from "./served-supergraph.js";
import { unifiedGraphHandler } from "./enum-projection.js";
import { useSectionStatus } from "./sections.js";
import { useMetrics } from "./plugins/metrics.js";
import { usePersistedQueries, type PersistedOperationSettings } from "./plugins/persisted-queries.js";
import { useNoFieldSuggestions } from "./plugins/field-suggestions.js";
import type { AuditWriter } from "./audit/writer.js";
import { limitPlugins, type GatewayLimits } from "./limits.js";
import { useRateLimit } from "./plugins/rate-limit.js";
import { withBodyLimit } from "./body-limit.js";
import type { TokenSettings } from "./tokens.js";
import { BulkLaneRouter, type BulkLaneSettings } from "./bulk-lane.js";

export const SUPERGRAPH_PATH = new URL("../schema/supergraph.graphql", import.meta.url);

export interface GatewayOptions {
  host: string;
  port: number;
  subgraphUrls: Record<SubgraphName, string>;
  tokens: TokenSettings;
  internalSecret: string;
  logLevel: string;
  audit: { writer: AuditWriter; breakGlass: BreakGlassLookup };
  /** Automatic persisted queries and trusted documents (plugins/persisted-queries.ts). */
  persistedOperations: PersistedOperationSettings;
  limits: GatewayLimits;
  /** Where costly operations run (BULK_LANE_URL, gateway/bulk-lane.ts); null: all run here. */
  bulkLane: BulkLaneSettings | null;
  /** UPSTREAM_TIMEOUT_MS and UPSTREAM_BUSY_TIMEOUT_MS per subgraph call, REQUEST_DEADLINE_MS per client request. */
  timeouts: UpstreamTimeouts & { requestDeadlineMs: number };
  /** MAX_IN_FLIGHT: client requests executing at once; the rest wait within the deadline (admission.ts). */
  maxInFlight: number;
  /** false in production: no introspection, no "Did you mean" suggestions (the schema is published as a file). */
  exposeSchema: boolean;
  /** Origins allowed to call from a browser (env CORS_ORIGINS); none by default. */
  corsOrigins: readonly string[];
  /** Bearer token required on /metrics (env METRICS_TOKEN). */
  metricsToken: string;
}

// Parsing and validation results are cached in memory by graphql-yoga (on by default) and the
// runtime memoises its delegation plans per operation; both are cheap to rebuild per replica and
// tied to this supergraph, so they stay in process rather than in Redis.
export function createGateway(opts: Omit<GatewayOptions, "host" | "port">) {
  const supergraph = readFileSync(SUPERGRAPH_PATH, "utf8");
  // One per gateway process, whatever the runtime does with the plugin list.
  const gate = new AdmissionGate(opts.maxInFlight);
  return createGatewayRuntime({
    supergraph: servedSupergraph(supergraph),
    // Hive Router's Rust query planner and its purpose-built executor instead of the default
    // stitching runtime (see bench/RESULTS.md for what it buys on this machine), serving a schema
    // whose enum values carry only @inaccessible (enum-projection.ts).
    unifiedGraphHandler,
    transportEntries: Object.fromEntries(
      Object.entries(opts.subgraphUrls).map(([name, location]) => [
        name,
        // Never share one subgraph call between callers: the executor's in-flight deduplication
        // keys on URL and body only, not on the identity header added per request, so two users
        // sending the same query at once would both get the first user's answer
        // (test/concurrent-isolation.test.ts).
        { location, options: { deduplicateInflightRequests: false } },
      ]),
    ),
    plugins: () => [
      useRequestDeadline(opts.timeouts.requestDeadlineMs, gate),
      // How each subgraph call is made and when it is given up on (a failure source-errors sees).
      useSubgraphCalls(opts.subgraphUrls, opts.timeouts),
      // Refuses what the engine cannot plan before any other plugin sees the operation.
      useRequestContract(),
      useMetrics(opts.subgraphUrls, opts.metricsToken),
      usePersistedQueries(opts.persistedOperations, opts.tokens),
      useAuthentication(opts.tokens),
      useRateLimit(opts.limits.rateLimiter, opts.limits.refusals),
      useForwardIdentity(opts.internalSecret),
      useEdgeScalars(),
      // With a bulk lane, what costs its threshold or more never runs in this process.
      ...limitPlugins(opts.limits, opts.bulkLane?.minCost),
      // Before the audit, so it sees a failed subgraph's sections as SOURCE_UNAVAILABLE at their paths.
      useSourceErrors(supergraph),
      useAudit(opts.audit.writer, opts.audit.breakGlass),
      useSectionStatus(),
      // After the audit plugin, so a refused operation still reaches the audit as a result.
      useScopes(supergraph),
      ...(opts.exposeSchema ? [] : [useNoFieldSuggestions()]),
      // Last: every error leaves coded, scrubbed and with the status of its class.
      useErrorContract(),
    ],
    disableIntrospection: opts.exposeSchema ? undefined : {},
    // Only listed origins get CORS headers, and never Access-Control-Allow-Credentials: tokens travel
    // in the Authorization header, not in cookies (the runtime's default reflects any origin with
    // credentials allowed).
    cors: (request) => {
      const origin = request.headers.get("origin");
      if (!origin || !opts.corsOrigins.includes(origin)) return false;
      return { origin: [origin], credentials: false, methods: ["GET", "POST"], allowedHeaders: ["authorization", "content-type"], maxAge: 600 };
    },
    // isDev false: never echo original errors (bodies, stacks) back to clients, whatever NODE_ENV says.
    maskedErrors: { isDev: false },
    landingPage: false,
    graphiql: false,
    // The gateway's own messages are operational (subgraph failures); request content is never logged:
    // they go through our pino logger as JSON, scrubbed (gateway/engine-logger.ts).
    logging: engineLogger(opts.logLevel === "debug" || opts.logLevel === "trace" ? opts.logLevel : opts.logLevel === "error" ? "error" : "warn"),
  });
}

export async function startGateway(opts: GatewayOptions): Promise<RunningServer> {
  const gateway = createGateway(opts);
  const lanes = opts.bulkLane ? new BulkLaneRouter(opts.bulkLane, opts.persistedOperations, opts.tokens) : null;
  const server = http.createServer(opts.limits.refusals.wrap(withBodyLimit(lanes ? lanes.wrap(gateway) : gateway, opts.limits.maxBodyBytes)));
  const port = await listen(server, opts.host, opts.port);
  return {
    url: `http://${opts.host}:${port}/graphql`,
    // The runtime installs its own signal handlers; the HTTP server must still be closed explicitly.
    close: async () => {
      await closeGracefully(server);
      await gateway.dispose();
    },
  };
}
