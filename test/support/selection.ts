// Builds "every field" selection sets from the published client schema, so tests ask for the
// whole resident view without a hand-kept list that could silently miss a new section.
import { ENTRY_FIELDS, isSectionWrapper } from "../../gateway/sections.js";
import { readFileSync } from "node:fs";
import {
  buildSchema,
  getNamedType,
  isInterfaceType,
  isLeafType,
  isObjectType,
  isUnionType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
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
  return isSectionWrapper(named) ? [...ENTRY_FIELDS].find((f) => named.getFields()[f]) : undefined;
}

/** `sectionEntries` of the type of `typeName.field`: e.g. "items" for Resident.allergies. */
export function sectionEntriesOf(typeName: string, field: string): string | undefined {
  return sectionEntries(getNamedType((apiSchema.getType(typeName) as GraphQLObjectType).getFields()[field]!.type));
}
