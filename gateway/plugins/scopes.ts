// Coarse authorisation at the edge: root fields declare the scopes they need (@requiresScopes in
// the subgraph SDL, carried into the supergraph) and the token's role decides which scopes the
// caller holds (kernel/access/scopes.ts). An operation that asks for a field outside the caller's
// scopes is refused whole, before planning, so no subgraph is called. Placed after the audit
// plugin: the audit sees the refusal and records it.
import { useGenericAuth, type ValidateUserFnParams } from "@envelop/generic-auth";
import type { GatewayPlugin } from "@graphql-hive/gateway-runtime";
import type { Identity } from "../../subgraphs/kernel/identity.js";
import { domainError, ErrorCode } from "../../subgraphs/kernel/errors.js";
import { GraphQLError } from "graphql";
import { DENIAL_MESSAGES } from "../../subgraphs/kernel/access/rules.js";
import { scopesOf } from "../../subgraphs/kernel/access/scopes.js";

function validate({ user, fieldNode, fieldScopes, typeScopes, userScopes, path }: ValidateUserFnParams<Identity>) {
  const required = [...(typeScopes ?? []), ...(fieldScopes ?? [])];
  if (required.length === 0) return undefined;
  if (!user) return domainError(ErrorCode.Unauthenticated, "A bearer token is required (Authorization: Bearer <token>)");
  // Each entry is an alternative (OR) of scope sets that must all be held (AND), as in the spec.
  const holds = (alternatives: string[][]) => alternatives.some((set) => set.every((s) => userScopes.includes(s)));
  if ((typeScopes && !holds(typeScopes)) || (fieldScopes && !holds(fieldScopes)))
    return new GraphQLError(DENIAL_MESSAGES.ROLE_NOT_PERMITTED, { nodes: fieldNode, path, extensions: { code: "ROLE_NOT_PERMITTED" } });
  return undefined;
}

export function useScopes(): GatewayPlugin<{ identity?: Identity }> {
  return useGenericAuth<Identity, { identity?: Identity }, "identity">({
    mode: "protect-granular",
    contextFieldName: "identity",
    resolveUserFn: (context) => context.identity ?? null,
    extractScopes: (identity) => scopesOf(identity.role),
    validateUser: validate,
  }) as GatewayPlugin<{ identity?: Identity }>;
}
