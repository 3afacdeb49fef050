// The supergraph only knows custom scalars by name. Giving the gateway's copy of the schema the
// same parse/serialise functions as the subgraphs rejects a bad NHS number, date or time at the
// edge, as BAD_USER_INPUT, before any subgraph is called.
import type { GatewayPlugin } from "@graphql-hive/gateway-runtime";
import { GraphQLScalarType, isScalarType, type GraphQLSchema } from "graphql";
import { scalarResolvers } from "../../platform/graphql/scalars.js";

function applyScalars(schema: GraphQLSchema) {
  for (const [name, impl] of Object.entries(scalarResolvers) as [string, GraphQLScalarType][]) {
    const type = schema.getType(name);
    if (!type || !isScalarType(type)) continue;
    // Assigning over the generated identity functions; graphql-js reads them at call time. The
    // gateway validates but keeps values in their wire form (a Date object would be forwarded to
    // subgraphs as a full timestamp), and it also runs parseValue over subgraph results, so
    // serialize must accept that same wire form.
    const canonical = (value: unknown) => impl.serialize(value);
    Object.assign(type, {
      parseValue: (value: unknown) => canonical(impl.parseValue(value)),
      parseLiteral: (ast: Parameters<typeof impl.parseLiteral>[0], variables?: Parameters<typeof impl.parseLiteral>[1]) =>
        canonical(impl.parseLiteral(ast, variables)),
      serialize: impl.serialize,
    });
  }
}

export function useEdgeScalars(): GatewayPlugin {
  return {
    onSchemaChange({ schema }) {
      applyScalars(schema);
    },
  };
}
