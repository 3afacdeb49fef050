// The gateway's side of sections that say what they hold (ADR 0005): which types are section
// wrappers, the rule that a client reading a section's entries reads its status too, and the
// wrapper the gateway answers for a section whose subgraph did not answer.
import type { GatewayPlugin } from "@graphql-hive/gateway-runtime";
import {
  GraphQLError,
  Kind,
  getNamedType,
  isNonNullType,
  isObjectType,
  type ASTVisitor,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type SelectionSetNode,
  type ValidationContext,
} from "graphql";
import { SECTION_REFUSAL_ALIAS, SECTION_STATUS_ALIAS } from "./audit/reserved-names.js";
import { selectedFields } from "./selections.js";

/** A section wrapper: an object type with `status: SectionStatus!`. */
export function isSectionWrapper(type: GraphQLNamedType | null | undefined): type is GraphQLObjectType {
  if (!isObjectType(type)) return false;
  const status = type.getFields().status;
  return !!status && isNonNullType(status.type) && getNamedType(status.type).name === "SectionStatus";
}

/** The fields a wrapper holds its entries in: a list, a page of a connection, one record. */
export const ENTRY_FIELDS: ReadonlySet<string> = new Set(["items", "page", "item"]);

/**
 * The field names a selection set selects, through fragments (each fragment once: validation has not
 * yet refused cycles when this rule runs), each with whether it is selected unconditionally (not
 * under `@skip` / `@include`, which may leave it out).
 */
function selectedNames(
  set: SelectionSetNode,
  fragment: (name: string) => FragmentDefinitionNode | null | undefined,
  out = new Map<string, boolean>(),
  conditional = false,
  seen = new Set<string>(),
): Map<string, boolean> {
  for (const s of set.selections) {
    const maybe = conditional || !!s.directives?.some((d) => d.name.value === "skip" || d.name.value === "include");
    if (s.kind === Kind.FIELD) out.set(s.name.value, out.get(s.name.value) === true || !maybe);
    else if (s.kind === Kind.INLINE_FRAGMENT) selectedNames(s.selectionSet, fragment, out, maybe, seen);
    else if (!seen.has(s.name.value)) {
      seen.add(s.name.value);
      const def = fragment(s.name.value);
      if (def) selectedNames(def.selectionSet, fragment, out, maybe, seen);
    }
  }
  return out;
}

/**
 * Validation rule: a selection of a section's entries must select its `status` too, in the same
 * selection and unconditionally, so no client can render `items` without having been told whether
 * an empty list means "none known", "nothing recorded", "refused" or "unavailable".
 */
export function SectionStatusRule(context: ValidationContext): ASTVisitor {
  return {
    Field(node: FieldNode) {
      if (!node.selectionSet || !isSectionWrapper(getNamedType(context.getType() ?? undefined) ?? null)) return;
      const names = selectedNames(node.selectionSet, (n) => context.getFragment(n));
      if (![...names.keys()].some((n) => ENTRY_FIELDS.has(n)) || names.get("status") === true) return;
      context.reportError(
        new GraphQLError(
          `Ask for "status" wherever you ask for the entries of ${node.alias?.value ?? node.name.value}: an empty or missing section means different things (none known, not recorded, refused, unavailable).`,
          { nodes: node, extensions: { code: "SECTION_STATUS_REQUIRED" } },
        ),
      );
    },
  };
}

/** SectionStatusRule in the gateway's validation. */
export function useSectionStatus(): GatewayPlugin {
  return {
    onValidate({ addValidationRule }) {
      addValidationRule(SectionStatusRule);
    },
  };
}

/**
 * The wrapper the gateway answers for a section whose subgraph did not answer: UNAVAILABLE, with
 * the source and since when, in the shape the client selected (aliases, fragments).
 */
export function unavailableSection(
  wrapper: GraphQLObjectType,
  set: SelectionSetNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  outage: { sourceSystem: string; since: Date },
): { value: Record<string, unknown>; entriesKey: string | null } {
  const value: Record<string, unknown> = { [SECTION_STATUS_ALIAS]: "UNAVAILABLE", [SECTION_REFUSAL_ALIAS]: null };
  let entriesKey: string | null = null;
  for (const f of selectedFields(set, fragments)) {
    const key = f.alias?.value ?? f.name.value;
    switch (f.name.value) {
      case "__typename":
        value[key] = wrapper.name;
        break;
      case "status":
        value[key] = "UNAVAILABLE";
        break;
      case "sourceSystem":
        value[key] = outage.sourceSystem;
        break;
      case "outage":
        value[key] = Object.fromEntries(
          selectedFields(f.selectionSet!, fragments).map((o) => [
            o.alias?.value ?? o.name.value,
            o.name.value === "sourceSystem"
              ? outage.sourceSystem
              : o.name.value === "since"
                ? outage.since.toISOString()
                : o.name.value === "__typename"
                  ? "SourceOutage"
                  : null,
          ]),
        );
        break;
      default:
        if (ENTRY_FIELDS.has(f.name.value)) entriesKey ??= key;
        value[key] = null;
    }
  }
  return { value, entriesKey };
}
