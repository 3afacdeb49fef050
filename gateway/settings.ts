// The gateway's options that come from configuration, built in one place for every way the
// gateway is started (all-in-one stack, the gateway alone, tests with a second gateway).
import { configOrExit, type Env } from "../platform/config/env.js";
import { loadTrustedDocuments } from "./trusted-documents.js";
import type { CacheHub } from "../platform/cache/hub.js";
import { createPersistedQueryStore } from "./persisted-query-store.js";
import { gatewayLimits } from "./limits.js";
import type { GatewayOptions } from "./server.js";

export type GatewaySettings = Omit<GatewayOptions, "host" | "port" | "subgraphUrls" | "audit">;

export function gatewaySettings(env: Env, caches: Pick<CacheHub, "link" | "keyPrefix">): GatewaySettings {
  return {
    tokens: { secret: env.JWT_SECRET, issuer: env.JWT_ISSUER, audience: env.JWT_AUDIENCE },
    internalSecret: env.INTERNAL_SECRET,
    logLevel: env.LOG_LEVEL,
    persistedOperations: {
      store: createPersistedQueryStore(caches),
      trusted: configOrExit(() => loadTrustedDocuments(env.TRUSTED_DOCUMENTS)),
      // Production runs only the operations of registered client apps unless told otherwise.
      allowArbitrary: env.ALLOW_ARBITRARY_DOCUMENTS ? env.ALLOW_ARBITRARY_DOCUMENTS === "true" : env.NODE_ENV !== "production",
    },
    limits: gatewayLimits(env, caches),
    bulkLane: env.BULK_LANE_URL
      ? // The lane's own request deadline bounds its answer; the margin covers sending 2 MiB back.
        { url: env.BULK_LANE_URL, minCost: env.BULK_LANE_MIN_COST, timeoutMs: env.REQUEST_DEADLINE_MS + 5000 }
      : null,
    timeouts: { upstreamMs: env.UPSTREAM_TIMEOUT_MS, busyMs: env.UPSTREAM_BUSY_TIMEOUT_MS, requestDeadlineMs: env.REQUEST_DEADLINE_MS },
    maxInFlight: env.MAX_IN_FLIGHT,
    metricsToken: env.METRICS_TOKEN,
    exposeSchema: env.NODE_ENV !== "production",
    corsOrigins: env.CORS_ORIGINS,
  };
}
