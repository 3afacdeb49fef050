// Usage subgraph: the append-only audit trail and its analytics; contributes to Resident only what is
// new for the caller (ADR 0006), which is no section of the record: reading it is not a view.
// What this subgraph is (index.ts adds how it is built); subgraphs/registry.ts lists it.
import { describeSubgraph } from "../../platform/subgraph/manifest.js";

export const about = describeSubgraph({
  name: "usage",
  portOffset: 5,
  urlVariable: "SUBGRAPH_URL_USAGE",
  sourceSystem: null,
  residentFields: { unseen: null },
  prisma: new URL("./prisma/", import.meta.url),
  schema: new URL("./schema.graphql", import.meta.url),
});
