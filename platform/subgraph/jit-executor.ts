// Executes a subgraph's queries with graphql-jit: each document is compiled once into plain
// JavaScript and kept, so a 40-resident dashboard no longer pays graphql-js's generic walk over
// every field of every resident. The answer must not change by a byte, so graphql-jit is used only
// where it is known to agree with graphql-js, and graphql-js itself answers everything else:
// mutations, request errors, and any answer holding an error graphql-jit words or places
// differently. Apollo Server 4+ has no `executor` option: a gateway (its documented way to bring an
// executor) hands this one to it, and parsing, validation and formatError stay in Apollo's pipeline.
import type { ApolloServerOptionsWithGateway, BaseContext } from "@apollo/server";
import {
  GraphQLError,
  Kind,
  defaultFieldResolver,
  execute,
  getNullableType,
  getVariableValues,
  isInputObjectType,
  isLeafType,
  isObjectType,
  locatedError,
  visit,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SourceLocation,
} from "graphql";
import { compileQuery, isCompiledQuery, type CompiledQuery } from "graphql-jit";
import { LRUCache } from "lru-cache";
import { logger } from "../observability/logger.js";

type Gateway = ApolloServerOptionsWithGateway<BaseContext>["gateway"];
type GatewayExecutor = NonNullable<Awaited<ReturnType<Gateway["load"]>>["executor"]>;
export type ExecutionRequest = Parameters<GatewayExecutor>[0];

/** Who answered an operation, and when graphql-js did, why. */
export type Outcome =
  | "jit"
  /** graphql-jit runs mutations serially too, but a write is not worth the risk of a difference. */
  | "mutation"
  /** Apollo found no operation to run (an unknown operationName): graphql-js words that error. */
  | "no-operation"
  /** graphql-jit could not compile the document. */
  | "not-compiled"
  /** The variables do not coerce: graphql-js words the request error (graphql-jit words it differently). */
  | "variables"
  /** A variable graphql-jit would fill in differently was left out (see `mustBeGiven`). */
  | "omitted-variable"
  /** The answer holds an error graphql-jit reports differently (see `relocated`). */
  | "errors"
  /** The schema has a default graphql-jit cannot reproduce (see `jitUnsafeDefaults`). */
  | "schema";

const outcomes: Record<Outcome, number> = {
  jit: 0,
  mutation: 0,
  "no-operation": 0,
  "not-compiled": 0,
  variables: 0,
  "omitted-variable": 0,
  errors: 0,
  schema: 0,
};

/** How many operations each way has answered in this process (tests read it; nothing else does). */
export const executorOutcomes = (): Readonly<Record<Outcome, number>> => ({ ...outcomes });

interface Compiled {
  query: CompiledQuery | null;
  /**
   * Variables that must be sent for graphql-jit to agree with graphql-js. It writes a variable's
   * default into the compiled code as JSON (a DateTime default reaches the resolver as a string,
   * not a Date), and it sets an input object's field to null, not absent, when the variable
   * given for that field is left out.
   */
  mustBeGiven: readonly string[];
}

export interface JitExecutor {
  (request: ExecutionRequest): Promise<ExecutionResult>;
  /** Compiled documents held (tests read it). */
  readonly compiledCount: number;
}

/** The executor over `schema` (which it prepares: see `resolveLazyFieldsAsGraphqlJs`). */
export function createJitExecutor(schema: GraphQLSchema, opts: { maxCompiled?: number } = {}): JitExecutor {
  const unsafe = jitUnsafeDefaults(schema);
  if (unsafe.length > 0) logger.warn({ defaults: unsafe }, "graphql-jit cannot reproduce these defaults: this subgraph runs graphql-js");
  resolveLazyFieldsAsGraphqlJs(schema);
  const customSerializers = strictSerializers(schema);
  // Keyed by Apollo's hash of the query text: the same document compiles once, whoever sends it.
  const compiled = new LRUCache<string, Compiled>({ max: opts.maxCompiled ?? 1000 });

  // The same call Apollo Server makes when it runs graphql-js itself (no rootValue, no fieldResolver).
  // After graphql-jit has run ("errors"), this runs the resolvers a second time: only queries get
  // here, which read, and on the same context, whose DataLoaders and memoised look-ups answer most
  // of it from memory; and only for the answers `relocated` and `strictSerializers` turn away
  // (faults and nulls the schema forbids, in practice), never for a refused section.
  const graphqlJs = async (request: ExecutionRequest, why: Exclude<Outcome, "jit">): Promise<ExecutionResult> => {
    outcomes[why]++;
    return execute({
      schema,
      document: request.document,
      contextValue: request.context,
      variableValues: request.request.variables,
      operationName: request.request.operationName,
    });
  };

  const run = async (request: ExecutionRequest): Promise<ExecutionResult> => {
    // Apollo calls the executor even when it resolved no operation, so graphql-js can say why.
    const operation = request.operation as OperationDefinitionNode | undefined;
    if (!operation) return graphqlJs(request, "no-operation");
    if (operation.operation !== "query") return graphqlJs(request, "mutation");
    if (unsafe.length > 0) return graphqlJs(request, "schema");
    const key = `${request.queryHash}\0${request.request.operationName ?? ""}`;
    let entry = compiled.get(key);
    if (!entry) {
      entry = compile(schema, request.document, request.request.operationName, customSerializers);
      compiled.set(key, entry);
    }
    if (!entry.query) return graphqlJs(request, "not-compiled");
    const variables = request.request.variables ?? {};
    if (entry.mustBeGiven.some((name) => !Object.hasOwn(variables, name))) return graphqlJs(request, "omitted-variable");
    // graphql-jit coerces variables with code of its own: it must refuse exactly what graphql-js
    // refuses, so graphql-js decides first (a few scalars: cheap), and words any refusal.
    if (operation.variableDefinitions?.length && getVariableValues(schema, operation.variableDefinitions, variables).errors)
      return graphqlJs(request, "variables");
    const result = await entry.query.query(undefined, request.context, variables);
    if (result.data == null) return graphqlJs(request, "errors");
    if (!result.errors?.length) {
      outcomes.jit++;
      return { data: result.data };
    }
    const errors: GraphQLError[] = [];
    for (const error of result.errors) {
      const same = relocated(error, result.data);
      if (!same) return graphqlJs(request, "errors");
      errors.push(same);
    }
    outcomes.jit++;
    return { errors, data: result.data };
  };
  return Object.defineProperty(run, "compiledCount", { get: () => compiled.size }) as JitExecutor;
}

function compile(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | undefined,
  customSerializers: Record<string, (v: unknown) => unknown>,
): Compiled {
  const query = compileQuery(schema, document, operationName, { disablingCapturingStackErrors: true, customSerializers });
  if (!isCompiledQuery(query)) return { query: null, mustBeGiven: [] };
  const mustBeGiven = new Set<string>();
  visit(document, {
    VariableDefinition: (node) => void (node.defaultValue && mustBeGiven.add(node.variable.name.value)),
    ObjectField: (node) => void (node.value.kind === Kind.VARIABLE && mustBeGiven.add(node.value.name.value)),
  });
  return { query, mustBeGiven: [...mustBeGiven] };
}

/**
 * graphql-jit reads a field that has no resolver straight off its parent, where graphql-js's
 * default resolver also awaits a promise and calls a function it finds there. Our resolvers build
 * such parents (a connection's `pageInfo` is a function, paging.ts), so every field without a
 * resolver whose value is an object or a list (of anything) gets graphql-js's own default resolver: the same
 * answer for graphql-js, and graphql-jit then treats the value as graphql-js does. (The fields of a
 * root type too: graphql-jit reads those off the root value without calling anything.) Leaf fields
 * keep no resolver, so graphql-jit still inlines the bulk of an answer; a promise or a function
 * reaching a leaf is caught by `strictSerializers` instead.
 */
function resolveLazyFieldsAsGraphqlJs(schema: GraphQLSchema): void {
  const roots = new Set([schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].filter(Boolean));
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith("__")) continue;
    for (const field of Object.values(type.getFields()))
      if (!field.resolve && (roots.has(type) || !isLeafType(getNullableType(field.type)))) field.resolve = defaultFieldResolver;
  }
}

/**
 * Every leaf type's serializer, stricter than graphql-jit's: it refuses what graphql-jit would
 * serialize differently from graphql-js (a promise or a function a leaf field read off its parent,
 * which graphql-js would have awaited or called; a serializer answering null or NaN, which
 * graphql-js refuses or keeps). graphql-jit reports a refusal as an error with no original error,
 * which `relocated` does not accept, so graphql-js answers that operation.
 */
function strictSerializers(schema: GraphQLSchema): Record<string, (v: unknown) => unknown> {
  const serializers: Record<string, (v: unknown) => unknown> = {};
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isLeafType(type)) continue;
    serializers[type.name] = (value) => {
      if (typeof value === "function" || (typeof value === "object" && value !== null && typeof (value as { then?: unknown }).then === "function"))
        throw new Error("a lazy value where graphql-js would await or call it");
      const serialized: unknown = type.serialize(value);
      if (serialized === null || serialized === undefined || Number.isNaN(serialized)) throw new Error("a serializer answered no value");
      return serialized;
    };
  }
  return serializers;
}

/**
 * graphql-jit's error rebuilt exactly as graphql-js builds it, or null when that cannot be done:
 *  - graphql-jit's errors have no `extensions` when the original had none, and Apollo's error
 *    formatting reads `extensions.code` (the whole answer would become a bare "Internal server
 *    error", bypassing formatError); graphql-js's locatedError gives `{}`;
 *  - an error graphql-jit raised itself (a null in a non-null field, a value a serializer refused,
 *    not a list) has no original error and is worded differently from graphql-js's;
 *  - graphql-jit nulls the nearest nullable parent of a failed non-null field in a pass of its own,
 *    keeping and dropping errors by other rules than graphql-js: only an error whose own field is
 *    the null in `data` (a failed nullable field) is taken.
 * What is kept is graphql-js's: the message, the original error (and so its extensions), the path,
 * and the locations (those of the field, unless the original error has nodes of its own).
 */
export function relocated(error: GraphQLError, data: unknown): GraphQLError | null {
  const original: unknown = error.originalError;
  const path = error.path;
  if (original === undefined || original === null || !path || !nulledAt(data, path)) return null;
  const same = locatedError(original, undefined, path);
  // graphql-js hands on an error that already has a path (e.g. from a nested execution) untouched.
  if (same === original) return same;
  // The original error's own nodes give the locations, in graphql-js and in the error just built.
  if (same.nodes !== undefined) return same;
  // Positions or a source of its own would be read against the document's source in graphql-js,
  // which is not to hand here: graphql-js answers.
  if (same.positions !== undefined || same.source !== undefined) return null;
  // graphql-js locates it at the field's nodes, which graphql-jit has turned into the same
  // line/column pairs (none when the document was parsed without locations).
  (same as { locations?: readonly SourceLocation[] }).locations = error.locations?.length ? error.locations : undefined;
  return same;
}

/** Whether `data` holds null exactly at `path` (every step before it an object or list). */
function nulledAt(data: unknown, path: readonly (string | number)[]): boolean {
  let at: unknown = data;
  for (const key of path) {
    if (at === null || typeof at !== "object") return false;
    at = (at as Record<string | number, unknown>)[key];
  }
  return at === null;
}

/**
 * Defaults of input object fields and arguments that graphql-jit's compiled code would not hand
 * to resolvers as graphql-js does (it writes them as JSON: a Date would become a string).
 */
export function jitUnsafeDefaults(schema: GraphQLSchema): string[] {
  const unsafe: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith("__")) continue;
    if (isInputObjectType(type))
      for (const field of Object.values(type.getFields()))
        if (field.defaultValue !== undefined && !isJson(field.defaultValue)) unsafe.push(`${type.name}.${field.name}`);
    if (isObjectType(type))
      for (const field of Object.values(type.getFields()))
        for (const arg of field.args) if (arg.defaultValue !== undefined && !isJson(arg.defaultValue)) unsafe.push(`${type.name}.${field.name}(${arg.name})`);
  }
  return unsafe;
}

function isJson(value: unknown): boolean {
  if (value === null || typeof value === "string" || typeof value === "boolean") return true;
  if (typeof value === "number") return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(isJson);
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) return Object.values(value).every(isJson);
  return false;
}

/**
 * A stand-in gateway through which Apollo Server runs `executor`: it announces the schema once
 * (Apollo subscribes before calling load) and never changes it.
 */
export function executorGateway(schema: GraphQLSchema, executor: (request: ExecutionRequest) => Promise<ExecutionResult>): Gateway {
  const listeners = new Set<Parameters<Gateway["onSchemaLoadOrUpdate"]>[0]>();
  return {
    onSchemaLoadOrUpdate(callback) {
      listeners.add(callback);
      return () => void listeners.delete(callback);
    },
    async load() {
      for (const listener of listeners) listener({ apiSchema: schema, coreSupergraphSdl: "" });
      return { executor: executor as GatewayExecutor };
    },
    async stop() {
      listeners.clear();
    },
  };
}
