// In production the schema is published as a file (schema/api.graphql), not discovered: besides
// introspection (switched off in gateway/server.ts), graphql-js's validation messages suggest field,
// argument, type and enum names ("Did you mean ...?"), which would let a caller map the schema
// by typos. This drops the suggestion and keeps the rest of the message.
import type { GatewayPlugin } from "@graphql-hive/gateway-runtime";
import { GraphQLError } from "graphql";

const SUGGESTION = /\s*Did you mean .*\?$/s;

function withoutSuggestion<E extends Error>(error: E): E | GraphQLError {
  if (!(error instanceof GraphQLError) || !SUGGESTION.test(error.message)) return error;
  return new GraphQLError(error.message.replace(SUGGESTION, ""), {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: error.extensions,
  });
}

export function useNoFieldSuggestions(): GatewayPlugin {
  return {
    onValidate() {
      return ({ valid, result, setResult }) => {
        if (!valid) setResult(result.map(withoutSuggestion));
      };
    },
  };
}
