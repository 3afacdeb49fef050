// Prometheus at /metrics (cache, Redis and process metrics share the registry with the subgraphs in
// all-in-one mode) and the latency of every gateway -> subgraph request, by subgraph. Metrics carry
// counts and timings only, never request content, and are served only to the scraper's bearer token.
import type { GatewayPlugin } from "@graphql-hive/gateway-runtime";
import { metrics, metricsAuthorized, metricsResponse } from "../../platform/observability/metrics.js";

export function useMetrics(subgraphUrls: Record<string, string>, metricsToken: string): GatewayPlugin {
  const nameOf = new Map(Object.entries(subgraphUrls).map(([name, url]) => [url, name]));
  return {
    async onRequest({ url, request, endResponse, fetchAPI }) {
      if (url.pathname !== "/metrics") return;
      if (!metricsAuthorized(request.headers.get("authorization"), metricsToken))
        return endResponse(new fetchAPI.Response(null, { status: 401, headers: { "www-authenticate": "Bearer" } }));
      const { body, contentType } = await metricsResponse();
      endResponse(new fetchAPI.Response(body, { status: 200, headers: { "content-type": contentType } }));
    },
    onFetch({ url }) {
      const started = performance.now();
      const subgraph = nameOf.get(url) ?? "unknown";
      return () => metrics.subgraphLatency.observe({ subgraph }, (performance.now() - started) / 1000);
    },
  };
}
