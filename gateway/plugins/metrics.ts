// Prometheus at /metrics (cache, Redis and process metrics share the registry with the subgraphs in
// all-in-one mode) and the latency of every gateway -> subgraph request, by subgraph. Metrics carry
// counts and timings only, never request content.
import type { GatewayPlugin } from "@graphql-hive/gateway-runtime";
import { metrics, metricsResponse } from "../../subgraphs/kernel/metrics.js";

export function useMetrics(subgraphUrls: Record<string, string>): GatewayPlugin {
  const nameOf = new Map(Object.entries(subgraphUrls).map(([name, url]) => [url, name]));
  return {
    async onRequest({ url, endResponse, fetchAPI }) {
      if (url.pathname !== "/metrics") return;
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
