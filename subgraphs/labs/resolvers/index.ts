import { scalarResolvers } from "../../../platform/graphql/scalars.js";
import { ResidentResolvers } from "./resident.js";
import { DiagnosticReportResolvers, ObservationResolvers } from "./report.js";

export const resolvers = {
  ...scalarResolvers,
  Resident: ResidentResolvers,
  DiagnosticReport: DiagnosticReportResolvers,
  Observation: ObservationResolvers,
};
