// Hive Router's runtime, projecting each subgraph answer onto the client's operation, asks for
// every enum value in every response whether the value is `@inaccessible`
// (`getDirective(schema, enumValue, "inaccessible")`). graphql-tools answers that by evaluating
// all of the value's directives again, each time: in the supergraph every enum value carries one
// `@join__enumValue(graph: …)` per subgraph, so a 40-resident dashboard's section statuses cost
// thousands of directive-argument evaluations per request (bench/PROFILE.md: 4.7 % of the
// gateway's busy time). The projection reads nothing but `@inaccessible` there, and the query
// planner works from the supergraph text, not from this schema, so the served schema's enum values
// keep only that directive: the same answer to the only question asked, computed over nothing.
import { isEnumType, type GraphQLSchema } from "graphql";
import { unifiedGraphHandler as hiveRouterHandler } from "@graphql-hive/router-runtime";

/** Leaves on each enum value of `schema` only its `@inaccessible` directive (in place). */
export function keepOnlyInaccessibleOnEnumValues(schema: GraphQLSchema): void {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isEnumType(type) || type.name.startsWith("__")) continue;
    for (const value of type.getValues()) {
      const directives = value.astNode?.directives;
      if (!directives?.length) continue;
      const kept = directives.filter((d) => d.name.value === "inaccessible");
      if (kept.length === directives.length) continue;
      // The value objects are the schema's own (getValue returns them), so this is what the runtime reads.
      (value as { astNode: typeof value.astNode }).astNode = { ...value.astNode!, directives: kept };
    }
  }
}

/** Hive Router's handler, serving a schema whose enum values carry only what the projection reads. */
export const unifiedGraphHandler: typeof hiveRouterHandler = async (opts) => {
  const handler = await hiveRouterHandler(opts);
  keepOnlyInaccessibleOnEnumValues(handler.unifiedGraph);
  return handler;
};
