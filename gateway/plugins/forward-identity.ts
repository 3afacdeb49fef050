// Signs the caller's identity into the internal header on every subgraph fetch. One signature per
// client request, shared by all the fetches its query plan makes.
import type { GatewayPlugin } from "@graphql-hive/gateway-runtime";
import { INTERNAL_HEADER, signInternalIdentity } from "../../platform/identity/internal-auth.js";
import type { IdentityContext } from "./authenticate.js";

export function useForwardIdentity(internalSecret: string): GatewayPlugin<IdentityContext> {
  const signatures = new WeakMap<object, Promise<string>>();
  return {
    async onFetch({ context, options, setOptions }) {
      const identity = context && "identity" in context ? (context.identity as IdentityContext["identity"] | undefined) : undefined;
      if (!context || !identity) return; // no identity, no header: the subgraph refuses the call
      let signature = signatures.get(context);
      if (!signature) {
        signature = signInternalIdentity(identity, internalSecret);
        signatures.set(context, signature);
      }
      setOptions({ ...options, headers: { ...(options.headers as Record<string, string>), [INTERNAL_HEADER]: await signature } });
    },
  };
}
