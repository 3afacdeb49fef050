// Prometheus metrics of the process (gateway and subgraphs share one registry in all-in-one mode;
// each container exposes its own). Served at /metrics by the gateway and every subgraph server.
import { timingSafeEqual } from "node:crypto";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: "carerecord_" });

export const metrics = {
  cacheHits: new Counter({
    name: "carerecord_cache_hits_total",
    help: "Cache reads answered from memory (l1) or Redis (l2)",
    labelNames: ["cache", "layer"],
    registers: [registry],
  }),
  cacheMisses: new Counter({
    name: "carerecord_cache_misses_total",
    help: "Cache reads that went to PostgreSQL",
    labelNames: ["cache"],
    registers: [registry],
  }),
  cacheEvictions: new Counter({ name: "carerecord_cache_evictions_total", help: "L1 entries evicted for space", labelNames: ["cache"], registers: [registry] }),
  cachePurges: new Counter({
    name: "carerecord_cache_purges_total",
    help: "Keys purged after writes (local) or on a message from another instance (remote)",
    labelNames: ["origin"],
    registers: [registry],
  }),
  redisErrors: new Counter({
    name: "carerecord_redis_errors_total",
    help: "Redis commands that failed or timed out",
    labelNames: ["operation"],
    registers: [registry],
  }),
  redisCircuitOpen: new Gauge({
    name: "carerecord_redis_circuit_open",
    help: "1 while the Redis circuit breaker is open (reads go straight to PostgreSQL)",
    registers: [registry],
  }),
  singleFlightJoins: new Counter({
    name: "carerecord_cache_single_flight_joins_total",
    help: "Misses that waited for a database read already under way for the same key",
    labelNames: ["cache"],
    registers: [registry],
  }),
  subgraphLatency: new Histogram({
    name: "carerecord_subgraph_request_duration_seconds",
    help: "Gateway to subgraph request latency",
    labelNames: ["subgraph"],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  }),
  upstreamWaitsExtended: new Counter({
    name: "carerecord_gateway_upstream_waits_extended_total",
    help: "Subgraph calls that outlived UPSTREAM_TIMEOUT_MS and kept waiting because their subgraph was answering other calls (busy, not frozen)",
    labelNames: ["subgraph"],
    registers: [registry],
  }),
  gatewayInFlight: new Gauge({
    name: "carerecord_gateway_requests_in_flight",
    help: "Client requests executing in the gateway (at most MAX_IN_FLIGHT)",
    registers: [registry],
  }),
  gatewayQueued: new Gauge({
    name: "carerecord_gateway_requests_queued",
    help: "Client requests waiting for one of the gateway's MAX_IN_FLIGHT places",
    registers: [registry],
  }),
  persistedQueries: new Counter({
    name: "carerecord_persisted_queries_total",
    help: "Persisted operation look-ups: trusted documents and automatic persisted queries",
    labelNames: ["result"],
    registers: [registry],
  }),
  storedEntriesDropped: new Counter({
    name: "carerecord_stored_entries_dropped_total",
    help: "Entries of a stored list (JSONB as the source sent it) left out because they do not fit their shape",
    labelNames: ["field"],
    registers: [registry],
  }),
};

/** The /metrics response body and content type. */
export async function metricsResponse(): Promise<{ body: string; contentType: string }> {
  return { body: await registry.metrics(), contentType: registry.contentType };
}

/**
 * /metrics is for the scraper only (it names subgraphs, cache sizes and traffic): the request must
 * carry `Authorization: Bearer <METRICS_TOKEN>`. Compared in constant time.
 */
export function metricsAuthorized(authorization: string | null | undefined, token: string): boolean {
  const sent = /^Bearer\s+(\S+)$/i.exec(authorization ?? "")?.[1];
  if (!sent) return false;
  const a = Buffer.from(sent);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}
