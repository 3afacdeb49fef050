// Builds "every field" selection sets from the published client schema, so tests ask for the
// whole resident view without a hand-kept list that could silently miss a new section.
import { readFileSync } from "node:fs";
import {
  buildSchema,
  getNamedType,
  isInterfaceType,
  isLeafType,
  isObjectType,
  isUnionType,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type SelectionSetNode,
} from "graphql";

export const apiSchema: GraphQLSchema = buildSchema(readFileSync(new URL("../../schema/api.graphql", import.meta.url), "utf8"));

/**
 * Every field of `typeName`, recursing into object fields. Fields with required arguments are
 * skipped; optional arguments take their defaults. Types already on the path, and those named in
 * `shallow`, get their scalar fields only (this breaks cycles such as Placement.careHome ->
 * CareHome.residents -> Resident). A section wrapper (ADR 0005) always gets its `status` with its
 * `items`: `status` is a leaf, and every selection made here includes all the leaves of its type.
 */
export function fullSelection(typeName: string, shallow: string[] = [], depth = 6): string {
  const type = apiSchema.getType(typeName) as GraphQLObjectType;
  if (!isObjectType(type)) throw new Error(`${typeName} is not an object type`);
  return select(type, new Set([typeName, ...shallow]), depth);
}

function select(type: GraphQLObjectType, seen: Set<string>, depth: number, leavesOnly = false): string {
  const parts: string[] = [];
  for (const field of Object.values(type.getFields())) {
    if (field.args.some((a) => a.type.toString().endsWith("!") && a.defaultValue === undefined)) continue;
    const named = getNamedType(field.type);
    if (isLeafType(named)) parts.push(field.name);
    else if (leavesOnly) continue;
    else if (isObjectType(named) && depth > 0 && seen.has(named.name)) {
      const inner = select(named, seen, 0, true);
      if (inner) parts.push(`${field.name} { ${inner} }`);
    } else if (isObjectType(named) && depth > 0) {
      const inner = select(named, new Set([...seen, named.name]), depth - 1);
      if (inner) parts.push(`${field.name} { ${inner} }`);
    } else if ((isInterfaceType(named) || isUnionType(named)) && depth > 0) parts.push(`${field.name} { __typename }`);
  }
  return parts.join(" ");
}

/**
 * The least selection a field of `typeName` allows: the field itself if a leaf, else `field { __typename }`;
 * for a section wrapper (ADR 0005), `field { status items { __typename } }`: its entries, so that a
 * refusal or an outage shows as an error at them, and the `status` the gateway requires alongside.
 */
export function leastSelection(typeName: string, field: string): string {
  const named = getNamedType((apiSchema.getType(typeName) as GraphQLObjectType).getFields()[field]!.type);
  if (isLeafType(named)) return field;
  const entries = sectionEntries(named);
  return entries ? `${field} { status ${entries} { __typename } }` : `${field} { __typename }`;
}

/**
 * For a section wrapper (ADR 0005: an object type with `status: SectionStatus!`), the field that holds
 * its entries (`items` for a list, `page` for a paged section, `item` for one record); undefined for any other type.
 */
export function sectionEntries(type: GraphQLNamedType | string): string | undefined {
  const named = typeof type === "string" ? apiSchema.getType(type) : type;
  if (!isObjectType(named)) return undefined;
  const fields = named.getFields();
  if (!fields.status || String(fields.status.type) !== "SectionStatus!") return undefined;
  return ["items", "page", "item"].find((f) => fields[f]);
}

/** `sectionEntries` of the type of `typeName.field`: e.g. "items" for Resident.allergies. */
export function sectionEntriesOf(typeName: string, field: string): string | undefined {
  return sectionEntries(getNamedType((apiSchema.getType(typeName) as GraphQLObjectType).getFields()[field]!.type));
}

/**
 * The section selections in `document` that read the entries (`items`/`page`/`item`, under any alias) without
 * `status`, each as `Type.field`: what the gateway refuses with
 * SECTION_STATUS_REQUIRED (ADR 0005). Fragments are followed; each selection of a section field must
 * select `status` itself (directly or through its own fragments).
 */
export function sectionsWithoutStatus(document: DocumentNode, schema: GraphQLSchema = apiSchema): string[] {
  const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
  const missing: string[] = [];
  /** Every field selected in `set` on `type`, fragments expanded: [field name, its selection set, the type it is on]. */
  const fieldsOf = (set: SelectionSetNode, type: GraphQLNamedType, seen = new Set<string>()): [string, SelectionSetNode | undefined, GraphQLNamedType][] =>
    set.selections.flatMap((sel): [string, SelectionSetNode | undefined, GraphQLNamedType][] => {
      if (sel.kind === Kind.FIELD) return [[sel.name.value, sel.selectionSet, type]];
      if (sel.kind === Kind.INLINE_FRAGMENT)
        return fieldsOf(sel.selectionSet, (sel.typeCondition && schema.getType(sel.typeCondition.name.value)) || type, seen);
      const fragment = fragments.get(sel.name.value);
      if (!fragment || seen.has(fragment.name.value)) return [];
      return fieldsOf(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value) ?? type, new Set([...seen, fragment.name.value]));
    });
  const walk = (set: SelectionSetNode, type: GraphQLNamedType) => {
    for (const [name, inner, on] of fieldsOf(set, type)) {
      if (!inner || (!isObjectType(on) && !isInterfaceType(on))) continue;
      const field = on.getFields()[name];
      if (!field) continue;
      const named = getNamedType(field.type);
      const entries = sectionEntries(named);
      if (entries) {
        const names = fieldsOf(inner, named).map(([n]) => n);
        if (names.includes(entries) && !names.includes("status")) missing.push(`${on.name}.${name}`);
      }
      walk(inner, named);
    }
  };
  for (const d of document.definitions) {
    if (d.kind !== Kind.OPERATION_DEFINITION) continue;
    const root = schema.getRootType(d.operation);
    if (root) walk(d.selectionSet, root);
  }
  return missing;
}
