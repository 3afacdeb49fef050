// Builds "every field" selection sets from the published client schema, so tests ask for the
// whole resident view without a hand-kept list that could silently miss a new section.
import { readFileSync } from "node:fs";
import { buildSchema, getNamedType, isInterfaceType, isLeafType, isObjectType, isUnionType, type GraphQLObjectType, type GraphQLSchema } from "graphql";

export const apiSchema: GraphQLSchema = buildSchema(readFileSync(new URL("../../schema/api.graphql", import.meta.url), "utf8"));

/**
 * Every field of `typeName`, recursing into object fields. Fields with required arguments are
 * skipped; optional arguments take their defaults. Types already on the path, and those named in
 * `shallow`, get their scalar fields only (this breaks cycles such as Placement.careHome ->
 * CareHome.residents -> Resident).
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

/** The least selection a field of `typeName` allows: the field itself if a leaf, else `field { __typename }`. */
export function leastSelection(typeName: string, field: string): string {
  const type = (apiSchema.getType(typeName) as GraphQLObjectType).getFields()[field]!.type;
  return isLeafType(getNamedType(type)) ? field : `${field} { __typename }`;
}
