// Works out, from an operation and its result, which sections of which residents were returned
// (or refused, or could not be shown) to the caller: the access events of one request. Pure, so
// it is unit-tested apart from the gateway. Why the audit is derived this way, and what a client
// can and cannot influence: docs/adr/0004-audit-derivation.md.
import {
  GraphQLError,
  Kind,
  TypeInfo,
  getNamedType,
  getOperationAST,
  isInterfaceType,
  isObjectType,
  isUnionType,
  visit,
  visitWithTypeInfo,
  type ASTVisitor,
  type DocumentNode,
  type FieldNode,
  type GraphQLInterfaceType,
  type GraphQLObjectType,
  type GraphQLSchema,
  type GraphQLUnionType,
  type SelectionSetNode,
  type ValidationContext,
} from "graphql";
import type { Section } from "../../platform/access/sections.js";
import { RESIDENT_FIELD_SECTIONS } from "../../subgraphs/registry.js";
import { DENIAL_MESSAGES } from "../../platform/access/rules.js";
import { isValidNhsNumber, normaliseNhsNumber } from "../../platform/graphql/nhs-number.js";
import { fragmentsOf, selectedFields } from "../selections.js";
import { ENTRY_FIELDS, isSectionWrapper } from "../sections.js";
import { AUDIT_KEY_ALIAS, RESERVED_PREFIX, SECTION_REFUSAL_ALIAS, SECTION_STATUS_ALIAS } from "./reserved-names.js";

export { AUDIT_KEY_ALIAS } from "./reserved-names.js";

/**
 * Validation rule: refuses client documents that use the gateway's reserved response keys
 * (reserved-names.ts), as an alias or a field name, so nothing a client writes can collide with,
 * replace or hide what the audit reads.
 */
export function ReservedNamesRule(context: ValidationContext): ASTVisitor {
  return {
    Field(node) {
      const responseKey = node.alias?.value ?? node.name.value;
      if (responseKey.startsWith(RESERVED_PREFIX) || node.name.value.startsWith(RESERVED_PREFIX))
        context.reportError(
          new GraphQLError(`Names starting with "${RESERVED_PREFIX}" are reserved for the care record and cannot be used in a query.`, {
            nodes: node,
            extensions: { code: "GRAPHQL_VALIDATION_FAILED" },
          }),
        );
    },
  };
}

const name = (value: string) => ({ kind: Kind.NAME, value }) as const;
const field = (alias: string, fieldName: string, selectionSet?: SelectionSetNode): FieldNode => ({
  kind: Kind.FIELD,
  alias: name(alias),
  name: name(fieldName),
  ...(selectionSet ? { selectionSet } : {}),
});
const AUDIT_KEY = field(AUDIT_KEY_ALIAS, "nhsNumber");
// A section wrapper's status and refusal code, whatever the client selected of it (ADR 0005).
const SECTION_STATUS = field(SECTION_STATUS_ALIAS, "status");
const SECTION_REFUSAL = field(SECTION_REFUSAL_ALIAS, "refusal", { kind: Kind.SELECTION_SET, selections: [field("code", "code")] });

/**
 * The types whose objects carry the audit key: a Resident (its sections are the events), and a
 * CarePlan, which a care plan mutation returns outside any Resident (ADR 0004).
 */
const KEYED_TYPES: ReadonlySet<string> = new Set(["Resident", "CarePlan"]);

/** Adds `<AUDIT_KEY_ALIAS>: nhsNumber` to every selection of a Resident or CarePlan, and the reserved status and refusal to every section wrapper's. */
export function withAuditKeys(document: DocumentNode, schema: GraphQLSchema): DocumentNode {
  const typeInfo = new TypeInfo(schema);
  return visit(
    document,
    visitWithTypeInfo(typeInfo, {
      SelectionSet(node) {
        const parent = typeInfo.getParentType();
        if (parent && KEYED_TYPES.has(parent.name)) return { ...node, selections: [...node.selections, AUDIT_KEY] };
        if (isSectionWrapper(parent)) return { ...node, selections: [...node.selections, SECTION_STATUS, SECTION_REFUSAL] };
        return undefined;
      },
    }),
  );
}

const auditedTypesBySchema = new WeakMap<GraphQLSchema, ReadonlySet<string>>();
/**
 * The types whose values can hold, at any depth, an object the audit reads (a keyed type) or
 * cleans (a section wrapper, carrying the reserved status): the walk never descends into any other,
 * so a section's entries (a lab report's results, a medicine's dispensings) are not visited
 * object by object. Computed once per schema, to a fixed point over fields and possible types.
 */
export function auditedTypes(schema: GraphQLSchema): ReadonlySet<string> {
  let holds = auditedTypesBySchema.get(schema) as Set<string> | undefined;
  if (holds) return holds;
  holds = new Set<string>();
  const composite = Object.values(schema.getTypeMap()).filter(
    (t): t is GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType =>
      !t.name.startsWith("__") && (isObjectType(t) || isInterfaceType(t) || isUnionType(t)),
  );
  for (const t of composite) if (KEYED_TYPES.has(t.name) || isSectionWrapper(t)) holds.add(t.name);
  const children = (t: GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType): { name: string }[] =>
    isUnionType(t)
      ? [...t.getTypes()]
      : [...Object.values(t.getFields()).map((f) => getNamedType(f.type)), ...(isInterfaceType(t) ? schema.getPossibleTypes(t) : [])];
  for (let changed = true; changed;) {
    changed = false;
    for (const t of composite)
      if (!holds.has(t.name) && children(t).some((c) => holds!.has(c.name))) {
        holds.add(t.name);
        changed = true;
      }
  }
  auditedTypesBySchema.set(schema, holds);
  return holds;
}

/**
 * ALLOWED: the section was served (possibly empty). DENIED: an access rule refused it.
 * UNAVAILABLE: it was asked for but not shown because its source failed (or another fault).
 */
export type AccessOutcome = "ALLOWED" | "DENIED" | "UNAVAILABLE";

export interface SectionEvent {
  nhsNumber: string;
  /** A section, or RECORD for a refused look-up of the resident as a whole. */
  section: Section | "RECORD";
  outcome: AccessOutcome;
  /** The error code behind a DENIED or UNAVAILABLE outcome. */
  denialCode: string | null;
}

/** A Resident came back without the key the audit needs: the response must be withheld. */
export class AuditIntegrityError extends Error {
  override name = "AuditIntegrityError";
}

interface ResultError {
  path?: readonly (string | number)[];
  extensions?: Record<string, unknown>;
}

/** Codes an access rule gives (the policy's own list); any other error on a section means it could not be shown. */
const DENIAL_CODES: ReadonlySet<string> = new Set(Object.keys(DENIAL_MESSAGES));

/**
 * A section wrapper's status and refusal code as the gateway asked for them, removed from the
 * answer as they are read (null for a section that is not a wrapper, or is null).
 */
function sectionStatusOf(value: unknown): { status: string; refusalCode: string | null } | null {
  if (!value || typeof value !== "object" || Array.isArray(value) || !(SECTION_STATUS_ALIAS in value)) return null;
  const object = value as Record<string, unknown>;
  const status = String(object[SECTION_STATUS_ALIAS]);
  const refusal = object[SECTION_REFUSAL_ALIAS] as { code?: unknown } | null | undefined;
  delete object[SECTION_STATUS_ALIAS];
  delete object[SECTION_REFUSAL_ALIAS];
  return { status, refusalCode: typeof refusal?.code === "string" ? refusal.code : null };
}

const codeOf = (error: ResultError | undefined) => (typeof error?.extensions?.code === "string" ? error.extensions.code : null);

/**
 * Walks the (rewritten) document's executed operation alongside the result. Each Resident object
 * yields one event per section whose response key is present in the result (or has an error at
 * or below it): what was served decides, so `@skip` / `@include`, fragments and aliases count
 * exactly as the plain form. A section with a denial at or below it is DENIED; a section that is
 * null because of any other error is UNAVAILABLE; otherwise ALLOWED (an empty section was still
 * looked at). The audit key is removed from the result as it is read.
 */
export function collectSectionEvents(
  document: DocumentNode,
  schema: GraphQLSchema,
  data: Record<string, unknown> | null | undefined,
  errors: readonly ResultError[] = [],
  variables: Record<string, unknown> = {},
  operationName?: string | null,
): SectionEvent[] {
  const fragments = fragmentsOf(document);
  const operation = getOperationAST(document, operationName);
  if (!operation) return [];
  const root = schema.getRootType(operation.operation);
  if (!root) return [];
  const audited = auditedTypes(schema);
  // One list of fields per selection set, however many objects of a list share it.
  const fieldLists = new Map<SelectionSetNode, FieldNode[]>();
  const fieldsOf = (set: SelectionSetNode) => {
    let fields = fieldLists.get(set);
    if (!fields) fieldLists.set(set, (fields = selectedFields(set, fragments)));
    return fields;
  };

  const events = new Map<string, SectionEvent>();
  const errorsAt = (path: (string | number)[]) => errors.filter((e) => e.path && path.every((p, i) => e.path![i] === p));
  // A Resident reached through two selections (two fragments asking for the same list) is walked
  // twice; its key is removed on the first visit and remembered here for the next.
  const keys = new WeakMap<object, string>();

  const record = (event: SectionEvent) => {
    const id = `${event.nhsNumber}:${event.section}`;
    const previous = events.get(id);
    // One event per resident and section; a denial wins, then not shown, then allowed.
    const rank = { DENIED: 2, UNAVAILABLE: 1, ALLOWED: 0 } as const;
    if (!previous || rank[event.outcome] > rank[previous.outcome]) events.set(id, event);
  };

  const auditKey = (object: Record<string, unknown>, typeName: string): string => {
    const remembered = keys.get(object);
    if (remembered) return remembered;
    const key = object[AUDIT_KEY_ALIAS];
    delete object[AUDIT_KEY_ALIAS];
    if (typeof key !== "string" || !isValidNhsNumber(key)) throw new AuditIntegrityError(`a ${typeName} was returned without a valid key`);
    keys.set(object, key);
    return key;
  };

  /** `withinResident`: the object was reached through a Resident, whose section events cover it. */
  const walk = (typeName: string, set: SelectionSetNode, value: unknown, path: (string | number)[], withinResident: boolean) => {
    if (value == null || typeof value !== "object") return;
    if (Array.isArray(value)) {
      value.forEach((item, i) => walk(typeName, set, item, [...path, i], withinResident));
      return;
    }
    const object = value as Record<string, unknown>;
    const type = schema.getType(typeName);
    if (!isObjectType(type)) return;
    const fields = fieldsOf(set);
    if (typeName === "CarePlan") {
      // Within a Resident, the resident's key and its section's event cover the plan (its own key is
      // only removed). Outside (a care plan mutation's payload) it is a view of the plan's versions,
      // the CARE_PLAN_HISTORY section, attributed by the plan's own key.
      if (withinResident) delete object[AUDIT_KEY_ALIAS];
      else record({ nhsNumber: auditKey(object, typeName), section: "CARE_PLAN_HISTORY", outcome: "ALLOWED", denialCode: null });
    }
    if (typeName === "Resident") {
      const nhsNumber = auditKey(object, typeName);
      for (const f of fields) {
        const section = Object.hasOwn(RESIDENT_FIELD_SECTIONS, f.name.value) ? RESIDENT_FIELD_SECTIONS[f.name.value] : undefined;
        if (!section) continue;
        const key = f.alias?.value ?? f.name.value;
        const sectionErrors = errorsAt([...path, key]);
        // Skipped by a directive (or never resolved): not served, not an event.
        if (!(key in object) && sectionErrors.length === 0) continue;
        const denial = sectionErrors.find((e) => DENIAL_CODES.has(codeOf(e) ?? ""));
        const wrapper = sectionStatusOf(object[key]);
        // A wrapper whose entries are null because of an error below it showed nothing of them; an
        // error deeper inside entries that were served (one field of one entry) still left them shown.
        const entriesLost =
          !!wrapper &&
          sectionErrors.length > 0 &&
          (!f.selectionSet ||
            selectedFields(f.selectionSet, fragments).some(
              (e) => ENTRY_FIELDS.has(e.name.value) && (object[key] as Record<string, unknown> | null)?.[e.alias?.value ?? e.name.value] == null,
            ) ||
            sectionErrors.some((e) => e.path!.length <= path.length + 2));
        if (denial) record({ nhsNumber, section, outcome: "DENIED", denialCode: codeOf(denial) });
        else if (wrapper?.status === "REFUSED") record({ nhsNumber, section, outcome: "DENIED", denialCode: wrapper.refusalCode ?? "ROLE_NOT_PERMITTED" });
        else if (wrapper?.status === "UNAVAILABLE" || entriesLost)
          record({ nhsNumber, section, outcome: "UNAVAILABLE", denialCode: codeOf(sectionErrors[0]) ?? "SOURCE_UNAVAILABLE" });
        else if (sectionErrors.length > 0 && object[key] == null)
          record({ nhsNumber, section, outcome: "UNAVAILABLE", denialCode: codeOf(sectionErrors[0]) ?? "INTERNAL_SERVER_ERROR" });
        else record({ nhsNumber, section, outcome: "ALLOWED", denialCode: null });
      }
    }
    for (const f of fields) {
      if (!f.selectionSet) continue;
      const fieldDef = type.getFields()[f.name.value];
      if (!fieldDef) continue;
      const fieldType = getNamedType(fieldDef.type).name;
      if (!audited.has(fieldType)) continue;
      const key = f.alias?.value ?? f.name.value;
      walk(fieldType, f.selectionSet, object[key], [...path, key], withinResident || typeName === "Resident");
    }
  };

  // A refused `resident(nhsNumber:)` look-up returns null with the denial (or, refused by scope at
  // the gateway, no data at all): record it against the NHS number that was asked for.
  for (const f of selectedFields(operation.selectionSet, fragments)) {
    if (f.name.value !== "resident") continue;
    const key = f.alias?.value ?? f.name.value;
    const error = errorsAt([key])[0];
    if (data?.[key] != null || !error) continue;
    const arg = f.arguments?.find((a) => a.name.value === "nhsNumber")?.value;
    const raw = arg?.kind === Kind.STRING ? arg.value : arg?.kind === Kind.VARIABLE ? variables[arg.name.value] : null;
    const nhsNumber = typeof raw === "string" ? normaliseNhsNumber(raw) : null;
    const code = codeOf(error);
    if (nhsNumber)
      record({ nhsNumber, section: "RECORD", outcome: code && DENIAL_CODES.has(code) ? "DENIED" : "UNAVAILABLE", denialCode: code ?? "INTERNAL_SERVER_ERROR" });
  }
  if (data) walk(root.name, operation.selectionSet, data, [], false);
  return [...events.values()];
}
