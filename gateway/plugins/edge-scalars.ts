// The supergraph only knows custom scalars by name. Giving the gateway's copy of the schema the
// same parse/serialise functions as the subgraphs rejects a bad NHS number, date or time at the
// edge, as BAD_USER_INPUT, before any subgraph is called.
import type { GatewayPlugin } from "@graphql-hive/gateway-runtime";
import { GraphQLScalarType, isScalarType, type GraphQLSchema } from "graphql";
import { scalarResolvers } from "../../subgraphs/kernel/scalars.js";

function applyScalars(schema: GraphQLSchema) {
  for (const [name, impl] of Object.entries(scalarResolvers) as [string, GraphQLScalarType][]) {
    const type = schema.getType(name);
    if (!type || !isScalarType(type)) continue;
    // Assigning over the generated identity functions; graphql-js reads them at call time. The
    // gateway also runs parseValue over subgraph results of custom scalars, so serialize must be
    // the matching inverse or a Date would come back out as a full timestamp.
    Object.assign(type, { parseValue: impl.parseValue, parseLiteral: impl.parseLiteral, serialize: impl.serialize });
  }
}

export function useEdgeScalars(): GatewayPlugin {
  return {
    onSchemaChange({ schema }) {
      applyScalars(schema);
    },
  };
}
