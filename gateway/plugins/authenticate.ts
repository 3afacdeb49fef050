// Every request needs a valid user token. The verified identity is put on the context for the
// forwarding plugin; nothing reaches a subgraph without it.
import type { GatewayPlugin } from "@graphql-hive/gateway-runtime";
import type { Identity } from "../../subgraphs/kernel/identity.js";
import { domainError, ErrorCode } from "../../subgraphs/kernel/errors.js";
import { bearerToken, verifyUserToken, type TokenSettings } from "../tokens.js";

export interface IdentityContext {
  identity: Identity;
}

export function useAuthentication(settings: TokenSettings): GatewayPlugin<IdentityContext> {
  return {
    async onContextBuilding({ context, extendContext }) {
      const token = bearerToken(context.request?.headers.get("authorization"));
      if (!token) throw domainError(ErrorCode.Unauthenticated, "A bearer token is required (Authorization: Bearer <token>)");
      try {
        extendContext({ identity: await verifyUserToken(token, settings) });
      } catch {
        throw domainError(ErrorCode.Unauthenticated, "The token is invalid or has expired");
      }
    },
  };
}
