// A subgraph's Prisma schema as Prisma's DMMF (models, fields, enums, indexes), read with the
// schema engine's wasm build (the native engine cannot be downloaded here).
import { readFileSync } from "node:fs";
import wasm from "@prisma/prisma-schema-wasm";
import type { SubgraphName } from "../../subgraphs/registry.js";

export interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: "scalar" | "enum" | "object";
  type: string;
  isRequired: boolean;
  isList: boolean;
  hasDefaultValue: boolean;
  nativeType?: [string, string[]] | null;
  relationFromFields?: string[];
  relationToFields?: string[];
}
export interface DmmfModel {
  name: string;
  dbName: string | null;
  schema: string | null;
  fields: DmmfField[];
}
export interface DmmfIndex {
  model: string;
  type: "id" | "unique" | "normal" | "fulltext";
  dbName?: string | null;
  fields: { name: string }[];
}
export interface Dmmf {
  datamodel: { models: DmmfModel[]; enums: { name: string; dbName: string | null; values: { name: string; dbName: string | null }[] }[]; indexes: DmmfIndex[] };
}

export function dmmfOf(subgraph: SubgraphName): Dmmf {
  const schema = readFileSync(new URL(`../../subgraphs/${subgraph}/prisma/schema.prisma`, import.meta.url), "utf8");
  return JSON.parse(wasm.get_dmmf(JSON.stringify({ prismaSchema: schema })));
}
