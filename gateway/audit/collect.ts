// Works out, from an operation and its result, which sections of which residents were returned
// (or refused) to the caller: the access events of one request. Pure, so it is unit-tested apart
// from the gateway.
import {
  Kind, TypeInfo, getNamedType, isObjectType, visit, visitWithTypeInfo,
  type DocumentNode, type FieldNode, type GraphQLSchema, type SelectionSetNode,
} from "graphql";
import { RESIDENT_FIELD_SECTIONS, type Section } from "../../subgraphs/kernel/access/sections.js";
import { normaliseNhsNumber } from "../../subgraphs/kernel/nhs-number.js";
import { fragmentsOf, selectedFields } from "../selections.js";

/** Alias under which the gateway asks for every Resident's key, so events can name the resident. */
export const AUDIT_KEY_ALIAS = "_auditNhsNumber";

/** Adds `_auditNhsNumber: nhsNumber` to every selection of a Resident. */
export function withAuditKeys(document: DocumentNode, schema: GraphQLSchema): DocumentNode {
  const typeInfo = new TypeInfo(schema);
  return visit(
    document,
    visitWithTypeInfo(typeInfo, {
      SelectionSet(node) {
        const parent = typeInfo.getParentType();
        if (parent?.name !== "Resident") return undefined;
        if (node.selections.some((s) => s.kind === Kind.FIELD && s.alias?.value === AUDIT_KEY_ALIAS)) return undefined;
        const key: FieldNode = { kind: Kind.FIELD, alias: { kind: Kind.NAME, value: AUDIT_KEY_ALIAS }, name: { kind: Kind.NAME, value: "nhsNumber" } };
        return { ...node, selections: [...node.selections, key] };
      },
    }),
  );
}

export interface SectionEvent {
  nhsNumber: string;
  /** A section, or RECORD for a refused look-up of the resident as a whole. */
  section: Section | "RECORD";
  outcome: "ALLOWED" | "DENIED";
  denialCode: string | null;
}

interface ResultError {
  path?: readonly (string | number)[];
  extensions?: Record<string, unknown>;
}

/**
 * Walks the (rewritten) document alongside the result. Each Resident object yields one event per
 * section it selected: DENIED with the error's code when an error sits at or below that field,
 * ALLOWED otherwise (an empty section was still looked at). The audit key is removed from the
 * result as it is read.
 */
export function collectSectionEvents(
  document: DocumentNode,
  schema: GraphQLSchema,
  data: Record<string, unknown> | null | undefined,
  errors: readonly ResultError[] = [],
  variables: Record<string, unknown> = {},
): SectionEvent[] {
  const fragments = fragmentsOf(document);
  const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION);
  if (!operation || operation.kind !== Kind.OPERATION_DEFINITION) return [];
  const root = schema.getRootType(operation.operation);
  if (!root) return [];

  const events = new Map<string, SectionEvent>();
  const errorAt = (path: (string | number)[]) =>
    errors.find((e) => e.path && path.every((p, i) => e.path![i] === p));

  const fieldsOf = (set: SelectionSetNode) => selectedFields(set, fragments);

  const walk = (typeName: string, set: SelectionSetNode, value: unknown, path: (string | number)[]) => {
    if (value == null || typeof value !== "object") return;
    if (Array.isArray(value)) {
      value.forEach((item, i) => walk(typeName, set, item, [...path, i]));
      return;
    }
    const object = value as Record<string, unknown>;
    const type = schema.getType(typeName);
    if (!isObjectType(type)) return;
    const fields = fieldsOf(set);
    if (typeName === "Resident") {
      const nhsNumber = object[AUDIT_KEY_ALIAS];
      delete object[AUDIT_KEY_ALIAS];
      if (typeof nhsNumber === "string") {
        for (const f of fields) {
          const section = RESIDENT_FIELD_SECTIONS[f.name.value];
          if (!section) continue;
          const key = f.alias?.value ?? f.name.value;
          const error = errorAt([...path, key]);
          const code = typeof error?.extensions?.code === "string" ? error.extensions.code : null;
          const id = `${nhsNumber}:${section}`;
          const previous = events.get(id);
          // One event per resident and section; a denial anywhere in the section wins.
          if (!previous || (error && previous.outcome === "ALLOWED"))
            events.set(id, { nhsNumber, section, outcome: error ? "DENIED" : "ALLOWED", denialCode: error ? code : null });
        }
      }
    }
    for (const f of fields) {
      if (!f.selectionSet) continue;
      const fieldDef = type.getFields()[f.name.value];
      if (!fieldDef) continue;
      const key = f.alias?.value ?? f.name.value;
      walk(getNamedType(fieldDef.type).name, f.selectionSet, object[key], [...path, key]);
    }
  };

  // A refused `resident(nhsNumber:)` look-up returns null with the denial (or, refused by scope at
  // the gateway, no data at all): record it against the NHS number that was asked for.
  for (const f of fieldsOf(operation.selectionSet)) {
    if (f.name.value !== "resident") continue;
    const key = f.alias?.value ?? f.name.value;
    const error = errorAt([key]);
    if (data?.[key] != null || !error) continue;
    const arg = f.arguments?.find((a) => a.name.value === "nhsNumber")?.value;
    const raw = arg?.kind === Kind.STRING ? arg.value : arg?.kind === Kind.VARIABLE ? variables[arg.name.value] : null;
    const nhsNumber = typeof raw === "string" ? normaliseNhsNumber(raw) : null;
    const code = typeof error.extensions?.code === "string" ? error.extensions.code : null;
    if (nhsNumber) events.set(`${nhsNumber}:RECORD`, { nhsNumber, section: "RECORD", outcome: "DENIED", denialCode: code });
  }
  if (data) walk(root.name, operation.selectionSet, data, []);
  return [...events.values()];
}
