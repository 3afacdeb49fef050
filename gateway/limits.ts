// Bounds on what one request may ask for, so a single query cannot exhaust the subgraphs or the
// database. Numbers sized for the deepest legitimate query (a care home dashboard with every section).
import { maxDepthPlugin } from "@escape.tech/graphql-armor-max-depth";
import { maxAliasesPlugin } from "@escape.tech/graphql-armor-max-aliases";
import { maxTokensPlugin } from "@escape.tech/graphql-armor-max-tokens";
import { costLimitPlugin } from "@escape.tech/graphql-armor-cost-limit";

export const LIMITS = { depth: 12, aliases: 15, tokens: 4000, cost: 25_000 } as const;

export function limitPlugins() {
  return [
    maxDepthPlugin({ n: LIMITS.depth, flattenFragments: true, exposeLimits: true }),
    maxAliasesPlugin({ n: LIMITS.aliases, exposeLimits: true }),
    maxTokensPlugin({ n: LIMITS.tokens, exposeLimits: true }),
    costLimitPlugin({ maxCost: LIMITS.cost, exposeLimits: true }),
  ];
}
