import { scalarResolvers } from "../../../platform/graphql/scalars.js";
import type { Resolvers } from "../generated/resolvers-types.js";
import {
  CurrentHospitalStaySectionResolvers,
  DischargeSummariesSectionResolvers,
  EmergencyCareSectionResolvers,
  HospitalStaysSectionResolvers,
  ResidentResolvers,
} from "./resident.js";
import { DischargeSummaryResolvers, EmergencyCareSummaryResolvers, HospitalStayResolvers } from "./summary.js";

export const resolvers: Resolvers = {
  ...scalarResolvers,
  Resident: ResidentResolvers,
  DischargeSummariesSection: DischargeSummariesSectionResolvers,
  HospitalStaysSection: HospitalStaysSectionResolvers,
  CurrentHospitalStaySection: CurrentHospitalStaySectionResolvers,
  EmergencyCareSection: EmergencyCareSectionResolvers,
  DischargeSummary: DischargeSummaryResolvers,
  HospitalStay: HospitalStayResolvers,
  EmergencyCareSummary: EmergencyCareSummaryResolvers,
};
