import { scalarResolvers } from "../../../platform/graphql/scalars.js";
import type { Resolvers } from "../generated/resolvers-types.js";
import { ResidentResolvers } from "./resident.js";
import { DiagnosticReportResolvers, ObservationResolvers } from "./report.js";

export const resolvers: Resolvers = {
  ...scalarResolvers,
  Resident: ResidentResolvers,
  DiagnosticReport: DiagnosticReportResolvers,
  Observation: ObservationResolvers,
};
