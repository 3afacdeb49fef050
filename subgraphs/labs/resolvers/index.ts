import { scalarResolvers } from "../../../platform/graphql/scalars.js";
import type { Resolvers } from "../generated/resolvers-types.js";
import { DiagnosticReportsSectionResolvers, ResidentResolvers } from "./resident.js";
import { DiagnosticReportResolvers, ObservationResolvers } from "./report.js";

export const resolvers: Resolvers = {
  ...scalarResolvers,
  Resident: ResidentResolvers,
  DiagnosticReportsSection: DiagnosticReportsSectionResolvers,
  DiagnosticReport: DiagnosticReportResolvers,
  Observation: ObservationResolvers,
};
