// Coarse authorisation at the edge: root fields declare the scopes they need (@requiresScopes in
// the subgraph SDL, carried into the supergraph) and the token's role decides which scopes the
// caller holds (platform/access/actions.ts). An operation that asks for a root field outside the
// caller's scopes is refused whole, before planning, so no subgraph is called. Placed after the
// audit plugin: the audit sees the refusal and records it.
//
// Why not @envelop/generic-auth: it re-walks every operation with a TypeInfo visitor on every
// request (about 5 % of the gateway's CPU here). Scopes in this schema sit on root fields only —
// enforced at start-up below — so the decision depends on the document and the caller's scopes
// alone and is computed once per pair.
import type { GatewayPlugin } from "@graphql-hive/gateway-runtime";
import { GraphQLError, Kind, getOperationAST, parse, type DocumentNode, type ObjectTypeDefinitionNode } from "graphql";
import { fragmentsOf, selectedFields } from "../selections.js";
import type { Identity } from "../../platform/identity/identity.js";
import { DENIAL_MESSAGES } from "../../platform/access/rules.js";
import { scopesOf } from "../../platform/access/actions.js";

/** Alternatives (OR) of scope sets (AND), per root type and field, read from the supergraph SDL. */
export type RootScopes = Map<string, Map<string, string[][]>>;

export function rootScopes(supergraphSdl: string): RootScopes {
  const out: RootScopes = new Map();
  for (const def of parse(supergraphSdl).definitions) {
    if (def.kind !== Kind.OBJECT_TYPE_DEFINITION && def.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    const root = ["Query", "Mutation", "Subscription"].includes(def.name.value);
    const typeLevel = def.directives?.some((d) => d.name.value === "requiresScopes" || d.name.value === "authenticated");
    if (typeLevel) throw new Error(`@requiresScopes/@authenticated on type ${def.name.value}: only root fields are supported`);
    for (const field of (def as ObjectTypeDefinitionNode).fields ?? []) {
      const directive = field.directives?.find((d) => d.name.value === "requiresScopes" || d.name.value === "authenticated");
      if (!directive) continue;
      if (!root || directive.name.value !== "requiresScopes")
        throw new Error(`@${directive.name.value} on ${def.name.value}.${field.name.value}: only @requiresScopes on root fields is supported`);
      const arg = directive.arguments?.[0]?.value;
      const sets =
        arg?.kind === Kind.LIST ? arg.values.map((set) => (set.kind === Kind.LIST ? set.values.map((s) => (s.kind === Kind.STRING ? s.value : "")) : [])) : [];
      if (!out.has(def.name.value)) out.set(def.name.value, new Map());
      out.get(def.name.value)!.set(field.name.value, sets);
    }
  }
  return out;
}

/** The refusals for one operation and one set of held scopes (empty when it may run). */
export function scopeRefusals(required: RootScopes, document: DocumentNode, operationName: string | null | undefined, held: readonly string[]): GraphQLError[] {
  const operation = getOperationAST(document, operationName);
  if (!operation) return [];
  const rootType = { query: "Query", mutation: "Mutation", subscription: "Subscription" }[operation.operation];
  const byField = required.get(rootType);
  const holds = (alternatives: string[][]) => alternatives.some((set) => set.every((s) => held.includes(s)));
  return selectedFields(operation.selectionSet, fragmentsOf(document))
    .filter((f) => {
      const sets = byField?.get(f.name.value);
      return sets !== undefined && !holds(sets);
    })
    .map(
      (f) =>
        new GraphQLError(DENIAL_MESSAGES.ROLE_NOT_PERMITTED, { nodes: f, path: [f.alias?.value ?? f.name.value], extensions: { code: "ROLE_NOT_PERMITTED" } }),
    );
}

export function useScopes(supergraphSdl: string): GatewayPlugin<{ identity?: Identity }> {
  const required = rootScopes(supergraphSdl);
  const decisions = new WeakMap<DocumentNode, Map<string, GraphQLError[]>>();
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const identity = (args.contextValue as { identity?: Identity }).identity;
      // The authentication plugin refuses every request without an identity before this point.
      const held = identity ? scopesOf(identity.role) : [];
      const key = `${args.operationName ?? ""}\u0000${held.join(" ")}`;
      let byScopes = decisions.get(args.document);
      if (!byScopes) decisions.set(args.document, (byScopes = new Map()));
      let refusals = byScopes.get(key);
      if (!refusals) byScopes.set(key, (refusals = scopeRefusals(required, args.document, args.operationName, held)));
      if (refusals.length > 0) setResultAndStopExecution({ data: null, errors: refusals });
    },
  };
}
