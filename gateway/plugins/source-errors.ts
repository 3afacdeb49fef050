// A subgraph that times out (frozen), refuses the connection (dead) or answers garbage costs the
// sections it owns and nothing else: each of its fields in the answer becomes null with a
// SOURCE_UNAVAILABLE error at that field's own path, naming the section, instead of the runtime's
// GATEWAY_TIMEOUT without a path (with the subgraph's URL and request body, NHS numbers included,
// in its extensions) or a masked "Unexpected error." on the parent. When nothing at all could be
// answered and every error says a dependency is down, the HTTP status is 503 (422 for a reused
// idempotency key). A mutation's user errors, a lost race included, are data in its payload: 200.
import type { GatewayPlugin } from "@graphql-hive/gateway-runtime";
import {
  GraphQLError,
  Kind,
  getNamedType,
  isObjectType,
  parse,
  type DocumentNode,
  type ExecutionResult,
  type FieldNode,
  type GraphQLObjectType,
  type GraphQLSchema,
  type SelectionSetNode,
} from "graphql";
import { fragmentsOf, selectedFields } from "../selections.js";
import { RESIDENT_FIELD_SECTIONS, SOURCE_SYSTEMS } from "../../subgraphs/registry.js";
import { isSectionWrapper, unavailableSection } from "../sections.js";
import { logger } from "../../platform/observability/logger.js";

export const SOURCE_UNAVAILABLE = "SOURCE_UNAVAILABLE";
/** A subgraph that has not failed for this long is taken to have recovered: its next outage is a new one. */
const OUTAGE_GAP_MS = 60_000;
export const SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE";

/** Which subgraphs resolve each `Type.field`, read from the supergraph's join directives. */
export function fieldOwners(supergraph: string): Map<string, Set<string>> {
  const doc = parse(supergraph);
  const graphNames = new Map<string, string>();
  const owners = new Map<string, Set<string>>();
  const graphArg = (args: readonly { name: { value: string }; value: { kind: string } }[] | undefined, name: string) => {
    const arg = args?.find((a) => a.name.value === name);
    return arg && "value" in arg.value ? String(arg.value.value) : undefined;
  };
  for (const def of doc.definitions) {
    if (def.kind === Kind.ENUM_TYPE_DEFINITION && def.name.value === "join__Graph")
      for (const v of def.values ?? []) {
        const name = graphArg(v.directives?.find((d) => d.name.value === "join__graph")?.arguments, "name");
        if (name) graphNames.set(v.name.value, name);
      }
  }
  for (const def of doc.definitions) {
    if (def.kind !== Kind.OBJECT_TYPE_DEFINITION && def.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    const typeGraphs = (def.directives ?? []).filter((d) => d.name.value === "join__type").map((d) => graphArg(d.arguments, "graph")!);
    for (const field of def.fields ?? []) {
      const joins = (field.directives ?? []).filter((d) => d.name.value === "join__field" && graphArg(d.arguments, "external") !== "true");
      const graphs = joins.length > 0 ? joins.map((d) => graphArg(d.arguments, "graph")!) : typeGraphs;
      owners.set(`${def.name.value}.${field.name.value}`, new Set(graphs.map((g) => graphNames.get(g) ?? g.toLowerCase())));
    }
  }
  return owners;
}

type Path = (string | number)[];
/** A field of the answer that only failed subgraphs resolve, and which of them. */
interface Located {
  path: Path;
  type: string;
  field: string;
  source: string;
  node: FieldNode;
}

/** Paths of the null fields in `data` that only the failed subgraphs resolve. */
function unavailablePaths(
  set: SelectionSetNode,
  type: GraphQLObjectType,
  value: Record<string, unknown>,
  ctx: { schema: GraphQLSchema; fragments: ReturnType<typeof fragmentsOf>; owners: Map<string, Set<string>>; failed: Set<string> },
  path: Path,
  out: Located[],
): void {
  const fields = type.getFields();
  for (const node of selectedFields(set, ctx.fragments)) {
    const name = node.name.value;
    const key = node.alias?.value ?? name;
    const def = fields[name];
    if (!def) continue;
    const v = value[key];
    const owners = ctx.owners.get(`${type.name}.${name}`);
    const source = owners && [...owners].every((o) => ctx.failed.has(o)) ? [...owners][0] : undefined;
    if (v === null || v === undefined) {
      if (source && !out.some((o) => samePath(o.path, [...path, key]))) out.push({ path: [...path, key], type: type.name, field: name, source, node });
      continue;
    }
    if (!node.selectionSet) continue;
    const walk = (item: unknown, itemPath: Path) => {
      if (item === null || item === undefined) return;
      if (Array.isArray(item)) return item.forEach((x, i) => walk(x, [...itemPath, i]));
      const named = getNamedType(def.type);
      const typename = (item as { __typename?: string }).__typename;
      const concrete = typename ? ctx.schema.getType(typename) : named;
      if (isObjectType(concrete)) unavailablePaths(node.selectionSet!, concrete, item as Record<string, unknown>, ctx, itemPath, out);
      else if (!isObjectType(named)) {
        // An interface or union without __typename: walk each possible type's fields by name.
        for (const t of ctx.schema.getPossibleTypes(named as never))
          unavailablePaths(node.selectionSet!, t, item as Record<string, unknown>, ctx, itemPath, out);
      }
    };
    walk(v, [...path, key]);
  }
}

/** Sets the value at a path of the answer (every step but the last exists: it was walked). */
function setAt(data: Record<string, unknown>, path: Path, value: unknown): void {
  let at: Record<string | number, unknown> = data;
  for (const step of path.slice(0, -1)) at = at[step] as Record<string | number, unknown>;
  at[path[path.length - 1]!] = value;
}

const samePath = (a: Path, b: Path) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * The codes the runtime gives a subgraph call that brought back no GraphQL answer: it timed out, the
 * connection failed, or what came back was not one (an HTML error page, truncated JSON, neither
 * data nor errors: RESPONSE_VALIDATION_FAILED, test/subgraph-transport.test.ts).
 */
const TRANSPORT_FAILURES = new Set(["GATEWAY_TIMEOUT", "SUBREQUEST_HTTP_ERROR", "DOWNSTREAM_SERVICE_ERROR", "RESPONSE_VALIDATION_FAILED"]);

/** An error the runtime made for a failed subgraph call (as opposed to a subgraph's own coded error). */
function failedSource(error: GraphQLError, failed: Set<string>): string | undefined {
  const ext = error.extensions ?? {};
  const service = typeof ext.serviceName === "string" ? ext.serviceName : undefined;
  const code = ext.code;
  if (typeof code === "string" && TRANSPORT_FAILURES.has(code)) return service ?? [...failed][0] ?? "unknown";
  if (service && failed.has(service) && (code === undefined || code === "INTERNAL_SERVER_ERROR")) return service;
  return undefined;
}

const unavailable = (path: Path | undefined, section: string | undefined) =>
  new GraphQLError(
    section
      ? `The ${section.toLowerCase().replace(/_/g, " ")} section is unavailable right now. Try again shortly.`
      : "Part of the record is unavailable right now. Try again shortly.",
    { path, extensions: { code: SOURCE_UNAVAILABLE, retryable: true, ...(section ? { section } : {}) } },
  );

/** Rewrites one result; exported for the tests of the mapping. */
export function rewriteSourceErrors(
  result: ExecutionResult,
  document: DocumentNode,
  schema: GraphQLSchema,
  owners: Map<string, Set<string>>,
  failed: Set<string>,
  operationName?: string | null,
  /** Since when a subgraph has been failing (this run of failures). */
  sinceOf: (subgraph: string) => Date = () => new Date(),
): ExecutionResult {
  const errors = result.errors ?? [];
  const kept: GraphQLError[] = [];
  const unlocated: GraphQLError[] = [];
  for (const e of errors as GraphQLError[]) {
    const source = failedSource(e, failed);
    if (source) {
      failed.add(source);
      unlocated.push(e);
    } else kept.push(e);
  }
  if (failed.size === 0) return result;
  const op = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION && (!operationName || d.name?.value === operationName));
  const rootType = op && op.kind === Kind.OPERATION_DEFINITION ? (op.operation === "mutation" ? schema.getMutationType() : schema.getQueryType()) : undefined;
  const fragments = fragmentsOf(document);
  const located: Located[] = [];
  if (op && op.kind === Kind.OPERATION_DEFINITION && rootType)
    unavailablePaths(op.selectionSet, rootType, (result.data ?? {}) as Record<string, unknown>, { schema, fragments, owners, failed }, [], located);
  // A field that already carries its own error (a subgraph's coded refusal) keeps it.
  const ownErrors = kept.filter((e) => e.path);
  const added = located
    .filter((l) => !ownErrors.some((e) => samePath(e.path as Path, l.path)))
    .map((l) => {
      const section = l.type === "Resident" ? (RESIDENT_FIELD_SECTIONS[l.field] ?? undefined) : undefined;
      const wrapper = getNamedType((schema.getType(l.type) as GraphQLObjectType).getFields()[l.field]!.type);
      if (!isSectionWrapper(wrapper) || !l.node.selectionSet || !result.data) return unavailable(l.path, section);
      // A section that says what it holds (ADR 0005): UNAVAILABLE, from which source and since when,
      // with the error one level down, at the entries it could not give.
      const outage = { sourceSystem: SOURCE_SYSTEMS[l.source as keyof typeof SOURCE_SYSTEMS] ?? l.source, since: sinceOf(l.source) };
      const { value, entriesKey } = unavailableSection(wrapper, l.node.selectionSet, fragments, outage);
      setAt(result.data as Record<string, unknown>, l.path, value);
      return unavailable(entriesKey ? [...l.path, entriesKey] : l.path, section);
    });
  // A failure nothing in the answer could be pinned to still says so, without its details.
  if (added.length === 0 && unlocated.length > 0) added.push(unavailable(unlocated[0]!.path as Path | undefined, undefined));
  logger.warn({ subgraphs: [...failed], sections: added.length }, "subgraph unavailable; its sections answered as SOURCE_UNAVAILABLE");
  // When the root fetch itself failed the runtime answers without `data`; each root field is null.
  const data =
    result.data ??
    (op && op.kind === Kind.OPERATION_DEFINITION
      ? Object.fromEntries(selectedFields(op.selectionSet, fragments).map((f) => [f.alias?.value ?? f.name.value, null]))
      : result.data);
  return { ...result, data, errors: [...kept, ...added] };
}

// Retry-class codes that decide the HTTP status when the whole operation failed with them.
// (A lost race is no longer an error: it is the user error CONFLICT in the mutation's payload, HTTP 200.)
const OPERATION_STATUS: Record<string, number> = { [SOURCE_UNAVAILABLE]: 503, [SERVICE_UNAVAILABLE]: 503, IDEMPOTENCY_KEY_REUSED: 422 };

/**
 * When nothing was answered and every error has one of these codes, the HTTP status says so: 503
 * (a dependency is down, retry later), 422 (reused idempotency key).
 * A partial answer stays 200: the errors sit at the sections they cost.
 */
export function markOperationStatus(result: ExecutionResult): void {
  const errors = result.errors ?? [];
  const data = result.data;
  const empty = data === null || data === undefined || Object.values(data).every((v) => v === null);
  if (!empty || errors.length === 0) return;
  const statuses = new Set(errors.map((e) => OPERATION_STATUS[String(e.extensions?.code)]));
  if (statuses.has(undefined) || statuses.size !== 1) return;
  const [status] = statuses;
  for (const e of errors) (e.extensions as Record<string, unknown>).http = { status };
}

export function useSourceErrors(supergraph: string): GatewayPlugin {
  const owners = fieldOwners(supergraph);
  // Subgraphs whose call failed, per client request (the GraphQL context).
  const failures = new WeakMap<object, Set<string>>();
  // Since when each subgraph has been failing: a run of failures ends after a minute without one.
  const outages = new Map<string, { since: Date; last: number }>();
  const sinceOf = (subgraph: string) => outages.get(subgraph)?.since ?? new Date();
  const noteFailure = (context: unknown, subgraph: string) => {
    const outage = outages.get(subgraph);
    if (!outage || Date.now() - outage.last > OUTAGE_GAP_MS) outages.set(subgraph, { since: new Date(), last: Date.now() });
    else outage.last = Date.now();
    if (!context || typeof context !== "object") return;
    let set = failures.get(context);
    if (!set) failures.set(context, (set = new Set()));
    set.add(subgraph);
  };
  return {
    onSubgraphExecute({ subgraphName, executor, setExecutor }) {
      setExecutor(async (request) => {
        try {
          const result = await executor(request);
          const r = result as ExecutionResult;
          // Transport failures come back as a result with no data and the runtime's own codes.
          if (
            r &&
            !(Symbol.asyncIterator in r) &&
            (r.data === null || r.data === undefined) &&
            r.errors?.some((e) => failedSource(e as GraphQLError, new Set([subgraphName])))
          )
            noteFailure(request.context, subgraphName);
          return result;
        } catch (error) {
          noteFailure(request.context, subgraphName);
          throw error;
        }
      });
    },
    onExecute({ args }) {
      return {
        onExecuteDone({ result, setResult }) {
          if (!result || typeof result !== "object" || Symbol.asyncIterator in result) return;
          const r = result as ExecutionResult;
          const failed = new Set(failures.get(args.contextValue as object) ?? []);
          if (failed.size > 0 || r.errors?.some((e) => failedSource(e as GraphQLError, failed))) {
            const rewritten = rewriteSourceErrors(r, args.document, args.schema, owners, failed, args.operationName, sinceOf);
            markOperationStatus(rewritten);
            setResult(rewritten);
          } else markOperationStatus(r);
        },
      };
    },
  };
}
