// Care plans subgraph: versioned personalised and urgent-care plans.
// What this subgraph is (index.ts adds how it is built); subgraphs/registry.ts lists it.
import { describeSubgraph } from "../../platform/subgraph/manifest.js";

export const about = describeSubgraph({
  name: "careplans",
  portOffset: 4,
  urlVariable: "SUBGRAPH_URL_CAREPLANS",
  sourceSystem: "Urgent care plan service",
  residentFields: {
    carePlan: "CARE_PLAN",
    carePlanHistory: "CARE_PLAN_HISTORY",
  },
  prisma: new URL("./prisma/", import.meta.url),
  schema: new URL("./schema.graphql", import.meta.url),
});
