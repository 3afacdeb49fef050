// Labs subgraph: diagnostic reports and their observations.
// What this subgraph is (index.ts adds how it is built); subgraphs/registry.ts lists it.
import { describeSubgraph } from "../../platform/subgraph/manifest.js";
import { labsFhir } from "./fhir.js";

export const about = describeSubgraph({
  name: "labs",
  portOffset: 2,
  urlVariable: "SUBGRAPH_URL_LABS",
  sourceSystem: "Pathology LIMS",
  residentFields: {
    diagnosticReports: "DIAGNOSTIC_REPORTS",
  },
  prisma: new URL("./prisma/", import.meta.url),
  schema: new URL("./schema.graphql", import.meta.url),
  fhir: labsFhir,
});
