// The configurations the federation benchmark compares: which server processes each one starts,
// with which settings. Everything under test answers on GATEWAY_PORT; bench subgraphs listen on
// 4101..4106, away from a developer's stack on 4000..4006.
import type { ProcessSpec } from "./processes.js";

export const GATEWAY_PORT = 4100;
export const SUBGRAPH_BASE_PORT = 4101;
/** Where federated-redis-down looks for Redis: nothing may listen here. */
export const CLOSED_REDIS_PORT = 6390;

export const TARGETS = [
  "federated-warm",
  "federated-cache-off",
  "apollo-gateway-peer",
  "monolith",
  "bare",
  "federated-redis-down",
  "federated-shield-off",
] as const;
export type TargetName = (typeof TARGETS)[number];

/** The target every other target's answers must equal: the federated stack with no cache. */
export const REFERENCE: TargetName = "federated-cache-off";

export const DESCRIPTIONS: Record<TargetName, string> = {
  "federated-warm": "subgraphs (CACHE=on, Redis) + our Hive gateway, cache warmed for 2 s",
  "federated-cache-off": "subgraphs (CACHE=off) + our Hive gateway (the reference answers)",
  "apollo-gateway-peer": "subgraphs (CACHE=off) + stock Apollo Gateway 2.14 (token check + identity signing only)",
  monolith: "one Apollo Server, no federation: the subgraphs' resolvers, repositories and loaders, same access rules, no cache",
  bare: "node:http returning the reference answer string: the HTTP + JSON ceiling",
  "federated-redis-down": `subgraphs (CACHE=on, REDIS_URL to closed port ${CLOSED_REDIS_PORT}) + our Hive gateway`,
  "federated-shield-off": "subgraphs (CACHE=on, Redis, SHIELD=off) + our Hive gateway: federated-warm without graphql-shield",
};

export interface TargetSettings {
  databaseUrl: string;
  redisUrl: string;
  /** JSON file of { operationName: reference body } for the bare server. */
  bareResponses: string;
}

/** Inherited settings that would point a child somewhere else than the bench says. */
const OVERRIDDEN = /^(SUBGRAPH_URL_|PORT$|GATEWAY_PORT$|REDIS_URL$|CACHE$|SHIELD$|DATABASE_URL$|BARE_RESPONSES$)/;

function baseEnv(settings: TargetSettings, extra: Record<string, string>): NodeJS.ProcessEnv {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !OVERRIDDEN.test(k)));
  return {
    ...inherited,
    DATABASE_URL: settings.databaseUrl,
    HOST: "127.0.0.1",
    SUBGRAPH_BASE_PORT: String(SUBGRAPH_BASE_PORT),
    PORT: String(GATEWAY_PORT),
    // The same for every target: request logging must not be what is measured.
    LOG_LEVEL: "warn",
    ...extra,
  };
}

/** Subgraphs and the Hive gateway share the cache settings (the gateway's audit reads residents). */
function federated(settings: TargetSettings, cache: Record<string, string>, gateway: "hive" | "apollo" = "hive"): ProcessSpec[] {
  return [
    { name: "subgraphs", file: "bench/servers/subgraphs.ts", env: baseEnv(settings, cache), stats: true },
    gateway === "hive"
      ? { name: "gateway", file: "bench/servers/hive-gateway.ts", env: baseEnv(settings, cache) }
      : { name: "apollo", file: "bench/servers/apollo-gateway.ts", env: baseEnv(settings, { CACHE: "off" }) },
  ];
}

export function processesFor(target: TargetName, settings: TargetSettings): ProcessSpec[] {
  const off = { CACHE: "off", SHIELD: "on" };
  switch (target) {
    case "federated-warm":
      return federated(settings, { CACHE: "on", SHIELD: "on", REDIS_URL: settings.redisUrl });
    case "federated-cache-off":
      return federated(settings, off);
    case "apollo-gateway-peer":
      return federated(settings, off, "apollo");
    case "monolith":
      return [{ name: "monolith", file: "bench/servers/monolith.ts", env: baseEnv(settings, off), stats: true }];
    case "bare":
      return [{ name: "bare", file: "bench/servers/bare.ts", env: baseEnv(settings, { BARE_RESPONSES: settings.bareResponses }) }];
    case "federated-redis-down":
      return federated(settings, { CACHE: "on", SHIELD: "on", REDIS_URL: `redis://127.0.0.1:${CLOSED_REDIS_PORT}/5` });
    case "federated-shield-off":
      // Compared with federated-warm: with the cache off PostgreSQL dominates and hides the
      // CPU the shield layer costs.
      return federated(settings, { CACHE: "on", SHIELD: "off", REDIS_URL: settings.redisUrl });
  }
}
