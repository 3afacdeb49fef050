// Usage subgraph: the append-only audit trail and its analytics; contributes nothing to Resident.
// What this subgraph is (index.ts adds how it is built); subgraphs/registry.ts lists it.
import { describeSubgraph } from "../../platform/subgraph/manifest.js";

export const about = describeSubgraph({
  name: "usage",
  portOffset: 5,
  urlVariable: "SUBGRAPH_URL_USAGE",
  sourceSystem: null,
  residentFields: {},
  prisma: new URL("./prisma/", import.meta.url),
  schema: new URL("./schema.graphql", import.meta.url),
});
