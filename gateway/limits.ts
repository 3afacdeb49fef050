// Bounds on what one request may ask for, so a single query cannot exhaust the subgraphs or the
// database. Depth, aliases and tokens are checked while parsing and validating (graphql-armor);
// the cost (gateway/cost.ts) is checked after authentication with the variables applied, before
// any subgraph is called. Calibration (README "Limits"): the costliest real screen, a 40-resident
// dashboard with every section, costs 66,602; the default limit leaves 2.25x that.
import type { GatewayPlugin } from "@graphql-hive/gateway-runtime";
import { GraphQLError, type DocumentNode } from "graphql";
import { maxDepthPlugin } from "@escape.tech/graphql-armor-max-depth";
import { maxAliasesPlugin } from "@escape.tech/graphql-armor-max-aliases";
import { maxTokensPlugin } from "@escape.tech/graphql-armor-max-tokens";
import { operationCost } from "./cost.js";
import type { CacheHub } from "../platform/cache/hub.js";
import type { Env } from "../platform/config/env.js";
import { createRateLimiter, type RateLimiter, type RateLimitSettings } from "./rate-limiter.js";
import { rateLimited } from "./plugins/rate-limit.js";
import { RefusalMemo } from "./refusal-memo.js";
import type { Identity } from "../platform/identity/identity.js";

export const LIMITS = { depth: 12, aliases: 15, tokens: 4000 } as const;

export interface GatewayLimits {
  maxCost: number;
  /** Request bodies over this are refused (413) before anything parses them. */
  maxBodyBytes: number;
  rateLimiter: RateLimiter;
  /** 429s already given, answered again at the door until their Retry-After (gateway/refusal-memo.ts). */
  refusals: RefusalMemo;
}

export function rateLimitSettings(env: Env): RateLimitSettings {
  return {
    perMinute: env.RATE_LIMIT_PER_MINUTE,
    maxConcurrent: env.MAX_CONCURRENT_PER_USER,
    costPerMinute: env.COST_PER_MINUTE_PER_USER,
    // Room for two of the costliest operations in a row (four full dashboards), then the budget's pace.
    costBurst: 2 * env.MAX_QUERY_COST,
  };
}

/** The limits from the environment; the rate limits are shared through Redis when the hub has it. */
export function gatewayLimits(env: Env, caches: Pick<CacheHub, "link" | "keyPrefix">): GatewayLimits {
  return {
    maxCost: env.MAX_QUERY_COST,
    maxBodyBytes: env.MAX_BODY_BYTES,
    rateLimiter: createRateLimiter(rateLimitSettings(env), caches),
    refusals: new RefusalMemo(),
  };
}

/** `interactiveCeiling`: with a bulk lane, its threshold (operations at or above it run there only). */
export function limitPlugins(limits: GatewayLimits, interactiveCeiling?: number) {
  return [
    maxDepthPlugin({ n: LIMITS.depth, flattenFragments: true, exposeLimits: true }),
    maxAliasesPlugin({ n: LIMITS.aliases, exposeLimits: true }),
    maxTokensPlugin({ n: LIMITS.tokens, exposeLimits: true }),
    useCostLimit(limits.maxCost, limits.rateLimiter, interactiveCeiling),
  ];
}

/** COST_LIMIT_EXCEEDED, with the computed cost and the limit it is over, for every refusal by cost. */
function costRefusal(message: string, cost: number, limit: number): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "COST_LIMIT_EXCEEDED", cost, limit } });
}

export function costLimitExceeded(cost: number, limit: number): GraphQLError {
  return costRefusal(`The operation is too expensive (cost ${cost}, limit ${limit}): ask for fewer items per page or fewer sections`, cost, limit);
}

export function bulkLaneRequired(cost: number, threshold: number): GraphQLError {
  return costRefusal(
    `The operation is large (cost ${cost}); large operations must be sent as a POST with a JSON body, or a GET with its parameters in the URL`,
    cost,
    threshold - 1,
  );
}

/**
 * Refuses an operation whose cost, with its variables, is over `maxCost`, and one whose cost the
 * user's budget (rate-limiter.ts) no longer holds, before any subgraph call.
 */
export function useCostLimit(maxCost: number, limiter: RateLimiter, interactiveCeiling?: number): GatewayPlugin<{ identity?: Identity }> {
  // Operations without variables cost the same every time: priced once per parsed document.
  const fixed = new WeakMap<DocumentNode, Map<string, number | null>>();
  return {
    async onExecute({ args, setResultAndStopExecution }) {
      const variables = args.variableValues as Record<string, unknown> | null | undefined;
      const hasVariables = variables != null && Object.keys(variables).length > 0;
      let cost: number | null | undefined;
      if (!hasVariables) cost = fixed.get(args.document)?.get(args.operationName ?? "");
      if (cost === undefined) {
        cost = operationCost(args.schema, args.document, args.operationName, variables);
        if (!hasVariables) {
          let byName = fixed.get(args.document);
          if (!byName) fixed.set(args.document, (byName = new Map()));
          byName.set(args.operationName ?? "", cost);
        }
      }
      if (cost === null) return;
      if (cost > maxCost) return setResultAndStopExecution({ errors: [costLimitExceeded(cost, maxCost)] });
      // Only reached when the bulk lane router could not read the request (gateway/bulk-lane.ts):
      // a costly operation is refused rather than run beside the short look-ups.
      if (interactiveCeiling !== undefined && cost >= interactiveCeiling)
        return setResultAndStopExecution({ errors: [bulkLaneRequired(cost, interactiveCeiling)] });
      const identity = args.contextValue.identity;
      if (!identity) return; // the authentication plugin has refused the request already
      const charge = await limiter.charge(identity.userId, cost);
      if (!charge.admitted) setResultAndStopExecution({ errors: [rateLimited(charge.reason, charge.retryAfterSeconds)] });
    },
  };
}
