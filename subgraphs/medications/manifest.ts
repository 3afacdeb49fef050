// Medications subgraph: prescriptions with their EPS dispensing status.
// What this subgraph is (index.ts adds how it is built); subgraphs/registry.ts lists it.
import { describeSubgraph } from "../../platform/subgraph/manifest.js";
import { medicationsFhir } from "./fhir.js";

export const about = describeSubgraph({
  name: "medications",
  portOffset: 3,
  urlVariable: "SUBGRAPH_URL_MEDICATIONS",
  sourceSystem: "GP system + NHS EPS",
  residentFields: {
    medications: "MEDICATIONS",
  },
  prisma: new URL("./prisma/", import.meta.url),
  schema: new URL("./schema.graphql", import.meta.url),
  fhir: medicationsFhir,
});
