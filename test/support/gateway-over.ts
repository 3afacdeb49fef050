// A second gateway in front of a stack's subgraphs with some of them replaced (e.g. by a child
// process a test can freeze or kill) or other settings, sharing the stack's database, audit and caches.
import { type SubgraphName } from "../../subgraphs/registry.js";
import { env, type Env } from "../../platform/config/env.js";
import { startGateway } from "../../gateway/server.js";
import { gatewaySettings } from "../../gateway/settings.js";
import { createAudit } from "../../app/audit.js";
import type { Stack } from "../../app/stack.js";

export async function startGatewayOver(
  stack: Stack,
  replace: Partial<Record<SubgraphName, string>>,
  overrides: Partial<Env> = {},
): Promise<{ stack: Stack; close(): Promise<void> }> {
  const e = { ...env(), ...overrides };
  const audit = createAudit(stack.db, stack.caches);
  const gateway = await startGateway({
    host: e.HOST,
    port: 0,
    subgraphUrls: { ...stack.subgraphUrls, ...replace },
    audit,
    ...gatewaySettings(e, stack.caches),
  });
  return {
    stack: { ...stack, gatewayUrl: gateway.url, subgraphUrls: { ...stack.subgraphUrls, ...replace } },
    close: async () => {
      await gateway.close();
      await audit.close();
    },
  };
}
