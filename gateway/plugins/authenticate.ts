// Every request needs a valid user token. The verified identity is put on the context for the
// forwarding plugin; nothing reaches a subgraph without it.
import type { GatewayPlugin } from "@graphql-hive/gateway-runtime";
import type { Identity } from "../../platform/identity/identity.js";
import { domainError, ErrorCode } from "../../platform/errors/errors.js";
import { bearerToken, verifyUserToken, type TokenSettings } from "../tokens.js";

export interface IdentityContext {
  identity: Identity;
}

/** The one way a request's bearer token becomes an identity (this plugin and the persisted-query plugin, which runs first). */
export async function authenticate(authorization: string | null | undefined, settings: TokenSettings): Promise<Identity> {
  const token = bearerToken(authorization);
  if (!token) throw domainError(ErrorCode.Unauthenticated, "A bearer token is required (Authorization: Bearer <token>)");
  try {
    return await verifyUserToken(token, settings);
  } catch {
    throw domainError(ErrorCode.Unauthenticated, "The token is invalid or has expired");
  }
}

export function useAuthentication(settings: TokenSettings): GatewayPlugin<IdentityContext> {
  return {
    // Checked before the operation is parsed and validated too: validation messages name the
    // schema's fields and suggest others ("Did you mean ..."), which no unauthenticated caller may
    // read. Verified tokens are remembered, so the second check below costs a map look-up.
    async onParams({ request }) {
      await authenticate(request.headers.get("authorization"), settings);
    },
    async onContextBuilding({ context, extendContext }) {
      extendContext({ identity: await authenticate(context.request?.headers.get("authorization"), settings) });
    },
  };
}
