// What an operation costs, computed from the document with its variables applied: the number of
// objects it can make the subgraphs produce. Every object (composite value) costs 1, scalars 0,
// and a list multiplies everything below it by its size:
// - a field with a `first` argument (a paged connection) multiplies its `edges` by `first` as the
//   caller sent it, inline or as a variable, or by the argument's default when absent (so `first:
//   $n` with n = 1000 costs what `first: 1000` costs; an explicit null costs the page maximum);
//   a connection that also pages backwards prices `last` exactly like `first` (both sent: the
//   larger, though the subgraph refuses that), and with neither sent the page size the subgraph
//   uses then (DEFAULT_PAGE_SIZE, unless `first` has a default of its own);
// - a section wrapper that holds a connection (`dischargeSummaries(first: 5) { status page { edges } }`,
//   ADR 0005) passes its field's page size on through `page` to `edges`, priced as without it;
// - a list without `first` multiplies by its assumed size (ASSUMED_LIST_SIZES, else
//   DEFAULT_LIST_SIZE): these lists are a resident's own records and are not paged.
// @skip/@include are honoured, fragments are followed, the selected operation is the one priced.
// Why not graphql-armor's cost limit: it reads `first` only when it is a literal. Why not Hive
// Gateway's demandControl: it prices each subgraph call as the plan runs, so a refusal can come
// after the first subgraph has already answered; this prices the whole operation before any call.
import {
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  Kind,
  getArgumentValues,
  getDirectiveValues,
  getNamedType,
  getNullableType,
  getOperationAST,
  getVariableValues,
  isCompositeType,
  isInterfaceType,
  isListType,
  isObjectType,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type SelectionSetNode,
} from "graphql";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "../platform/graphql/paging.js";
import { fragmentsOf } from "./selections.js";
import { isSectionWrapper } from "./sections.js";

/**
 * Sizes assumed for the lists that take no `first`, per `Type.field`: generous upper ends of what
 * one resident (or one record) has in the demo data and in practice, so the estimate errs high.
 */
export const ASSUMED_LIST_SIZES: Readonly<Record<string, number>> = {
  "PlacementsSection.items": 5,
  "AllergiesSection.items": 10,
  "ConditionsSection.items": 20,
  "MedicationsSection.items": 20,
  "CarePlanHistorySection.items": 10,
  "MedicationRequest.dispenses": 5,
  "DiagnosticReport.observations": 12,
  // "What's new" (ADR 0006): one entry per section that can change, at most 20 changes listed in each.
  "ResidentUnseen.sections": 6,
  "UnseenSection.changes": 20,
  "CareHomeUnseen.sections": 6,
};
/** Any other list without `first` (a record's own short lists: reactions, diagnoses, goals...). */
export const DEFAULT_LIST_SIZE = 5;
/** A mutation writes; it costs this on top of what it selects. */
export const MUTATION_COST = 10;

type Variables = Record<string, unknown>;

/**
 * The cost of the operation `operationName` selects in `document`, or null when the variables do
 * not coerce (execution refuses those itself, before any subgraph is called).
 */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  rawVariables: Variables | null | undefined,
): number | null {
  const operation = getOperationAST(document, operationName);
  if (!operation) return 0;
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], rawVariables ?? {});
  if (coerced.errors) return null;
  const root = schema.getRootType(operation.operation);
  if (!root) return 0;
  const walker = new CostWalker(schema, fragmentsOf(document), coerced.coerced);
  return (operation.operation === "mutation" ? MUTATION_COST : 0) + walker.selectionCost(operation.selectionSet, root, undefined);
}

class CostWalker {
  constructor(
    private readonly schema: GraphQLSchema,
    private readonly fragments: ReadonlyMap<string, FragmentDefinitionNode>,
    private readonly variables: Variables,
  ) {}

  /** `edgesSize`: the page size a connection field passes down to its `edges` list. */
  selectionCost(set: SelectionSetNode, type: GraphQLCompositeType, edgesSize: number | undefined): number {
    let total = 0;
    for (const selection of set.selections) {
      if (!this.included(selection)) continue;
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const on = selection.typeCondition ? this.schema.getType(selection.typeCondition.name.value) : type;
        if (on && isCompositeType(on)) total += this.selectionCost(selection.selectionSet, on, edgesSize);
        continue;
      }
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        // Validation has already refused unknown and cyclic fragments.
        const fragment = this.fragments.get(selection.name.value);
        const on = fragment && this.schema.getType(fragment.typeCondition.name.value);
        if (fragment && on && isCompositeType(on)) total += this.selectionCost(fragment.selectionSet, on, edgesSize);
        continue;
      }
      if (!isObjectType(type) && !isInterfaceType(type)) continue; // only __typename on a union
      const field = type.getFields()[selection.name.value];
      if (!field) continue; // __typename and introspection: answered by the gateway itself
      const args = getArgumentValues(field, selection, this.variables);
      const named = getNamedType(field.type);
      const paged = field.args.find((a) => a.name === "first");
      const pagesBack = field.args.some((a) => a.name === "last");
      const pageSize = paged ? this.pageSizeOf(args, paged.defaultValue, pagesBack) : undefined;
      let size = 1;
      if (isListType(getNullableType(field.type))) {
        size = pageSize ?? (selection.name.value === "edges" ? edgesSize : undefined) ?? ASSUMED_LIST_SIZES[`${type.name}.${field.name}`] ?? DEFAULT_LIST_SIZE;
      }
      if (!isCompositeType(named)) continue; // scalars and enums cost nothing of their own
      // A section wrapper's `page` is the connection its field's `first` sized (ADR 0005).
      const passedDown = pageSize ?? (field.name === "page" && isSectionWrapper(type) ? edgesSize : undefined);
      const below = selection.selectionSet
        ? this.selectionCost(selection.selectionSet, named, isListType(getNullableType(field.type)) ? undefined : passedDown)
        : 0;
      total += size * (1 + below);
    }
    return total;
  }

  /**
   * The page size a caller asked for with `first` (and `last`, where the connection takes it): the
   * value sent, the page maximum when null; when neither is sent, `first`'s default, or where it
   * has none (a two-way connection) the size the subgraph pages by then.
   */
  private pageSizeOf(args: Record<string, unknown>, firstDefault: unknown, pagesBack: boolean): number {
    const sent = [args.first, pagesBack ? args.last : undefined].filter((v) => v !== undefined);
    if (sent.length === 0) return typeof firstDefault === "number" ? Math.max(1, firstDefault) : pagesBack ? DEFAULT_PAGE_SIZE : MAX_PAGE_SIZE;
    // A zero or negative page is refused by the subgraph; it must never lower the estimate.
    return Math.max(...sent.map((v) => (typeof v === "number" ? Math.max(1, v) : MAX_PAGE_SIZE)));
  }

  private included(node: Parameters<typeof getDirectiveValues>[1]): boolean {
    if (getDirectiveValues(GraphQLSkipDirective, node, this.variables)?.if === true) return false;
    return getDirectiveValues(GraphQLIncludeDirective, node, this.variables)?.if !== false;
  }
}
