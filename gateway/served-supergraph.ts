// The supergraph the runtime serves, without the authorization spec's traces. `@requiresScopes`
// is enforced by this gateway's own plugin, which reads the committed supergraph
// (plugins/scopes.ts); left in, the runtime's introspection would publish the directive and its
// `requiresScopes__Scope` scalar, which are not part of the client schema (schema/api.graphql).
import { Kind, parse, print, visit, type ConstDirectiveNode } from "graphql";

const SPEC = "requiresScopes";
const isSpecLink = (d: ConstDirectiveNode) =>
  d.name.value === "link" && d.arguments?.some((a) => a.name.value === "url" && a.value.kind === Kind.STRING && a.value.value.includes(`/${SPEC}/`)) === true;

export function servedSupergraph(supergraph: string): string {
  const stripped = visit(parse(supergraph), {
    Directive: (node) => (node.name.value === SPEC || isSpecLink(node as ConstDirectiveNode) ? null : undefined),
    DirectiveDefinition: (node) => (node.name.value === SPEC ? null : undefined),
    ScalarTypeDefinition: (node) => (node.name.value.startsWith(`${SPEC}__`) ? null : undefined),
  });
  return print(stripped);
}
