// Residents subgraph: the Resident entity, care homes, GP practices, placements, allergies and conditions.
// What this subgraph is (index.ts adds how it is built); subgraphs/registry.ts lists it.
import { describeSubgraph } from "../../platform/subgraph/manifest.js";
import { residentsFhir } from "./fhir.js";

export const about = describeSubgraph({
  name: "residents",
  portOffset: 0,
  urlVariable: "SUBGRAPH_URL_RESIDENTS",
  sourceSystem: "PDS + care home system",
  residentFields: {
    nhsNumber: null,
    name: "DEMOGRAPHICS",
    dateOfBirth: "DEMOGRAPHICS",
    sex: "DEMOGRAPHICS",
    gpPractice: "DEMOGRAPHICS",
    currentPlacement: "DEMOGRAPHICS",
    sharingObjection: "DEMOGRAPHICS",
    provenance: "DEMOGRAPHICS",
    placements: "PLACEMENTS",
    allergies: "ALLERGIES",
    conditions: "CONDITIONS",
  },
  prisma: new URL("./prisma/", import.meta.url),
  schema: new URL("./schema.graphql", import.meta.url),
  fhir: residentsFhir,
});
