// The error and HTTP contract of the gateway (README "Errors"; statuses in ../error-codes.ts).
// Two plugins: `useRequestContract` runs first and refuses, with a code, what the engine would
// otherwise turn into a 500 (unsupported operation types, introspection mixed with data, hostile
// strings) and coerces variables itself so that no message repeats a value the client sent;
// `useErrorContract` runs last and makes every error that leaves the gateway coded, scrubbed of
// internals and identifiers, and answered with the status of its class.
import type { GatewayPlugin } from "@graphql-hive/gateway-runtime";
import {
  GraphQLError,
  Kind,
  coerceInputValue,
  getOperationAST,
  isInputType,
  isNonNullType,
  print,
  typeFromAST,
  visit,
  type ASTNode,
  type DocumentNode,
  type ExecutionResult,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from "graphql";
import { collectFields } from "graphql/execution/collectFields.js";
import { logger, maskIdentifiers } from "../../platform/observability/logger.js";
import { isKnownCode } from "../../platform/errors/errors.js";
import { GATEWAY_CODES, REQUEST_ERROR_STATUS, type StatusRule } from "../error-codes.js";

const coded = (code: string, message: string, extra: { nodes?: ASTNode } = {}) => new GraphQLError(message, { nodes: extra.nodes, extensions: { code } });

// ---------------------------------------------------------------------------------------------
// Before execution

/** NUL or an unpaired UTF-16 surrogate: PostgreSQL refuses the first, JSON encoders mangle the second. */
// eslint-disable-next-line no-control-regex -- finding NUL is the point
const HOSTILE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function hasHostileString(value: unknown, depth = 0): boolean {
  if (typeof value === "string") return HOSTILE.test(value);
  if (value === null || typeof value !== "object" || depth > 32) return false;
  return Object.entries(value).some(([k, v]) => HOSTILE.test(k) || hasHostileString(v, depth + 1));
}

/** Per parsed document (graphql-yoga caches parses, so repeated operations are checked once). */
const hostileDocuments = new WeakMap<DocumentNode, boolean>();

function documentHasHostileString(document: DocumentNode): boolean {
  const known = hostileDocuments.get(document);
  if (known !== undefined) return known;
  let found = false;
  visit(document, {
    StringValue(node) {
      if (HOSTILE.test(node.value)) found = true;
    },
  });
  hostileDocuments.set(document, found);
  return found;
}

/**
 * graphql-js's reason for a bad value, without the value: built-in scalars end their message with
 * ": <value>", enum and input-object messages quote the client's value or key.
 */
function reasonWithoutValue(error: GraphQLError): string {
  // Our own scalars (platform/graphql/scalars.ts) say what is wrong without repeating the input.
  if (error.extensions?.code === "BAD_USER_INPUT") return error.message;
  const message = error.message.replace(/ Did you mean .*$/s, "");
  const enumValue = /^Value .* does not exist in "(\w+)" enum\.$/s.exec(message);
  if (enumValue) return `The value is not one of the values of enum "${enumValue[1]}".`;
  const unknownField = /^Field .* is not defined by type "(\w+)"\.$/s.exec(message);
  if (unknownField) return `A field that input type "${unknownField[1]}" does not define was given.`;
  const colon = message.indexOf(":");
  return colon === -1 ? message : `${message.slice(0, colon)}.`;
}

/** Variable coercion as graphql-js does it, with messages that never contain the value sent. */
function coerceVariables(schema: GraphQLSchema, operation: OperationDefinitionNode, inputs: Record<string, unknown>) {
  const errors: GraphQLError[] = [];
  const values: Record<string, unknown> = {};
  for (const definition of operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    const type = typeFromAST(schema, definition.type);
    // Validation has already refused unknown and non-input types.
    if (!type || !isInputType(type)) continue;
    const fail = (reason: string) => errors.push(coded("BAD_USER_INPUT", `Variable "$${name}" ${reason}`, { nodes: definition }));
    if (!Object.prototype.hasOwnProperty.call(inputs, name)) {
      if (!definition.defaultValue && isNonNullType(type)) fail(`of required type "${print(definition.type)}" was not provided.`);
      continue;
    }
    const value = inputs[name];
    if (value === null && isNonNullType(type)) {
      fail(`of non-null type "${print(definition.type)}" must not be null.`);
      continue;
    }
    values[name] = coerceInputValue(value, type, (path, _invalid, error) => {
      // Path elements are schema field names and list indices, never client-chosen keys.
      const at = path.length > 0 ? ` at "${name}${path.map((p) => (typeof p === "number" ? `[${p}]` : `.${p}`)).join("")}"` : "";
      fail(`got an invalid value${at}; ${reasonWithoutValue(error)}`);
    });
  }
  return { errors, values };
}

function fragmentsOf(document: DocumentNode): Record<string, FragmentDefinitionNode> {
  const out: Record<string, FragmentDefinitionNode> = {};
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) out[d.name.value] = d;
  return out;
}

/** The refusal (or short answer) for an operation the engine cannot plan, if any. */
function beforeExecution(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  inputs: Record<string, unknown>,
): ExecutionResult | null {
  const operation = getOperationAST(document, operationName);
  // The engine answers with OPERATION_RESOLUTION_FAILURE itself.
  if (!operation) return null;
  if (operation.operation === "subscription")
    return { errors: [coded("OPERATION_NOT_SUPPORTED", "Subscriptions are not supported; use a query", { nodes: operation })] };
  if (hasHostileString(inputs) || documentHasHostileString(document))
    return { errors: [coded("BAD_USER_INPUT", "Strings must not contain NUL characters or unpaired UTF-16 surrogates")] };
  const { errors, values } = coerceVariables(schema, operation, inputs);
  if (errors.length > 0) return { errors };
  const rootType = operation.operation === "mutation" ? schema.getMutationType() : schema.getQueryType();
  if (!rootType) return { errors: [coded("OPERATION_NOT_SUPPORTED", `This API has no ${operation.operation} operations`, { nodes: operation })] };
  const fields = [...collectFields(schema, fragmentsOf(document), values, rootType, operation.selectionSet).values()].map((nodes) => nodes[0]!.name.value);
  // Every root field skipped by @skip/@include: the answer is an empty object (GraphQL spec), which
  // the query planner cannot produce.
  if (fields.length === 0) return { data: {} };
  const introspection = fields.filter((f) => f === "__schema" || f === "__type");
  if (introspection.length > 0 && fields.some((f) => !f.startsWith("__")))
    return {
      errors: [
        coded(
          "OPERATION_NOT_SUPPORTED",
          "Introspection (__schema, __type) cannot be combined with data fields in one operation; send it as its own operation",
          { nodes: operation },
        ),
      ],
    };
  return null;
}

export function useRequestContract(): GatewayPlugin {
  return {
    onRequestParse({ request, requestParser, setRequestParser, endResponse, fetchAPI }) {
      // Other methods are answered 405 by graphql-yoga's own check, after this hook.
      if (!requestParser && request.method === "POST") {
        // graphql-yoga answers an unsupported media type with an empty 415; give it a coded body.
        endResponse(
          new fetchAPI.Response(
            JSON.stringify({ errors: [{ message: "Send application/json (POST) or use GET", extensions: { code: "UNSUPPORTED_MEDIA_TYPE" } }] }),
            {
              status: 415,
              headers: { "content-type": "application/json; charset=utf-8", accept: "application/json" },
            },
          ),
        );
        return;
      }
      // Malformed JSON in GET's `variables` or `extensions` surfaces as a bare SyntaxError (a 500).
      if (!requestParser) return;
      setRequestParser(async (req) => {
        try {
          return await requestParser(req);
        } catch (error) {
          if (error instanceof GraphQLError) throw error;
          throw coded("BAD_REQUEST", `The ${request.method} request's parameters are not valid JSON`);
        }
      });
    },
    // Subscriptions take this path, not onExecute; the supergraph has none and the planner would throw.
    onSubscribe({ args, setResultAndStopExecution }) {
      const inputs = (args.variableValues ?? {}) as Record<string, unknown>;
      setResultAndStopExecution(
        beforeExecution(args.schema, args.document, args.operationName, inputs) ?? {
          errors: [coded("OPERATION_NOT_SUPPORTED", "Subscriptions are not supported; use a query")],
        },
      );
    },
    onExecute({ args, setResultAndStopExecution }) {
      const inputs = (args.variableValues ?? {}) as Record<string, unknown>;
      const early = beforeExecution(args.schema, args.document, args.operationName, inputs);
      if (early) setResultAndStopExecution(early);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// On the way out

// `request` and `serviceName`: the runtime attaches a failed subgraph call's URL and body (NHS numbers).
const INTERNAL_KEYS = ["originalError", "stacktrace", "exception", "request", "serviceName"];
/** graphql-armor's refusals arrive as uncoded "Syntax Error: ..." messages. */
const ARMOR_LIMIT = /^Syntax Error: ((?:Query depth limit|Aliases limit|Token limit|Directives limit|Query Cost limit) .*)$/s;

interface OutgoingError {
  message: string;
  locations?: readonly unknown[];
  path?: readonly (string | number)[];
  extensions?: Record<string, unknown>;
}

function codeFor(error: OutgoingError, requestLevel: boolean): { code: string; message: string } {
  const armor = ARMOR_LIMIT.exec(error.message);
  if (armor) return { code: "QUERY_TOO_COMPLEX", message: armor[1]! };
  const code = error.extensions?.code;
  const http = error.extensions?.http as { status?: number } | undefined;
  if (code === "BAD_REQUEST" && http?.status === 405) return { code: "METHOD_NOT_ALLOWED", message: error.message };
  if (typeof code === "string") {
    if (isKnownCode(code) || code in GATEWAY_CODES) return { code, message: error.message };
    // An engine code nobody documented (e.g. SUBREQUEST_HTTP_ERROR): clients only ever see documented ones.
    logger.warn({ code, path: error.path }, "undocumented error code replaced by INTERNAL_SERVER_ERROR");
    return { code: "INTERNAL_SERVER_ERROR", message: "Unexpected error." };
  }
  if (/^Syntax Error:/.test(error.message)) return { code: "GRAPHQL_PARSE_FAILED", message: error.message };
  if (/^Variable "\$/.test(error.message)) return { code: "BAD_USER_INPUT", message: error.message };
  if (requestLevel && error.locations?.length) return { code: "GRAPHQL_VALIDATION_FAILED", message: error.message };
  return { code: "INTERNAL_SERVER_ERROR", message: "Unexpected error." };
}

function contract(result: ExecutionResult): ExecutionResult {
  if (!result.errors?.length) return result;
  const requestLevel = !("data" in result) || result.data === undefined;
  const errors = result.errors.map((e) => {
    const error = e as OutgoingError;
    const { code, message } = codeFor(error, requestLevel);
    const extensions: Record<string, unknown> = { ...error.extensions, code };
    for (const key of INTERNAL_KEYS) delete extensions[key];
    delete extensions.http;
    const own = error.extensions?.http as StatusRule | undefined;
    // A request-level error always has a 4xx/5xx under application/graphql-response+json; codes this
    // table does not know (added by other plugins) keep the status their plugin chose.
    // Once execution started: 200, unless a plugin decided the operation failed whole
    // (gateway/plugins/source-errors.ts: 503 / 422 when nothing was answered).
    const rule = requestLevel
      ? (REQUEST_ERROR_STATUS[code] ?? own ?? { status: 400, spec: true })
      : code === "UNAUTHENTICATED"
        ? { status: 401 }
        : (own ?? null);
    if (rule) extensions.http = { headers: own?.headers, status: rule.status, spec: rule.spec ?? false };
    // Locations point into the client's own document: kept (graphql-yoga rebuilds them from these).
    const where = e instanceof GraphQLError ? { nodes: e.nodes, source: e.source, positions: e.positions } : {};
    // graphql-js's variable messages quote the value; a subgraph's would too (our own are rebuilt above).
    const safe = maskIdentifiers(message.replace(/^(Variable "\$\w+") got invalid value .*$/s, "$1 got an invalid value."));
    const out = new GraphQLError(safe, { ...where, path: error.path, extensions });
    if (!(e instanceof GraphQLError) && error.locations) Object.defineProperty(out, "locations", { value: error.locations, enumerable: true });
    return out;
  });
  return { ...result, errors };
}

export function useErrorContract(): GatewayPlugin {
  return {
    onResultProcess({ result, setResult }) {
      if (Array.isArray(result)) setResult(result.map((r) => contract(r as ExecutionResult)));
      else if (result && typeof result === "object" && "errors" in result) setResult(contract(result as ExecutionResult));
    },
  };
}
