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

/** A section wrapper: an object type with `status: SectionStatus!`. */
export function isSectionWrapper(type: GraphQLNamedType | null | undefined): type is GraphQLObjectType {
  if (!isObjectType(type)) return false;
  const status = type.getFields().status;
  return !!status && isNonNullType(status.type) && getNamedType(status.type).name === "SectionStatus";
}

/** The fields a wrapper holds its entries in: a list, a page of a connection, one record. */
export const ENTRY_FIELDS: ReadonlySet<string> = new Set(["items", "page", "item"]);

/** Field names selected unconditionally in a selection set, through fragments (each fragment once). */
function unconditionalNames(
  set: SelectionSetNode,
  fragment: (name: string) => FragmentDefinitionNode | null | undefined,
  seen = new Set<string>(),
): Set<string> {
  const names = new Set<string>();
  for (const s of set.selections) {
    // A selection under @skip/@include may not be there: it does not count.
    if (s.directives?.some((d) => d.name.value === "skip" || d.name.value === "include")) continue;
    if (s.kind === Kind.FIELD) names.add(s.name.value);
    else if (s.kind === Kind.INLINE_FRAGMENT) for (const n of unconditionalNames(s.selectionSet, fragment, seen)) names.add(n);
    else if (!seen.has(s.name.value)) {
      seen.add(s.name.value);
      const def = fragment(s.name.value);
      if (def) for (const n of unconditionalNames(def.selectionSet, fragment, seen)) names.add(n);
    }
  }
  return names;
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
      const all = new Set<string>();
      const collectAll = (set: SelectionSetNode, seen: Set<string>) => {
        for (const s of set.selections) {
          if (s.kind === Kind.FIELD) all.add(s.name.value);
          else if (s.kind === Kind.INLINE_FRAGMENT) collectAll(s.selectionSet, seen);
          else if (!seen.has(s.name.value)) {
            seen.add(s.name.value);
            const def = context.getFragment(s.name.value);
            if (def) collectAll(def.selectionSet, seen);
          }
        }
      };
      collectAll(node.selectionSet, new Set());
      if (![...all].some((n) => ENTRY_FIELDS.has(n))) return;
      if (unconditionalNames(node.selectionSet, (n) => context.getFragment(n)).has("status")) return;
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
  selectedFields: (set: SelectionSetNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>) => FieldNode[],
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
