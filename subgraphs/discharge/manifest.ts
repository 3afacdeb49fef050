// Discharge subgraph: hospital stays, discharge summaries and emergency care.
// What this subgraph is (index.ts adds how it is built); subgraphs/registry.ts lists it.
import { describeSubgraph } from "../../platform/subgraph/manifest.js";
import { dischargeFhir } from "./fhir.js";

export const about = describeSubgraph({
  name: "discharge",
  portOffset: 1,
  urlVariable: "SUBGRAPH_URL_DISCHARGE",
  sourceSystem: "Hospital EPR (eDischarge)",
  residentFields: {
    dischargeSummaries: "DISCHARGE_SUMMARIES",
    currentHospitalStay: "HOSPITAL_STAYS",
    hospitalStays: "HOSPITAL_STAYS",
    emergencyCareSummaries: "EMERGENCY_CARE",
  },
  prisma: new URL("./prisma/", import.meta.url),
  schema: new URL("./schema.graphql", import.meta.url),
  fhir: dischargeFhir,
});
