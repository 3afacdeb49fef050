import { scalarResolvers } from "../../../platform/graphql/scalars.js";
import { ResidentResolvers } from "./resident.js";
import { DischargeSummaryResolvers, EmergencyCareSummaryResolvers, HospitalStayResolvers } from "./summary.js";

export const resolvers = {
  ...scalarResolvers,
  Resident: ResidentResolvers,
  DischargeSummary: DischargeSummaryResolvers,
  HospitalStay: HospitalStayResolvers,
  EmergencyCareSummary: EmergencyCareSummaryResolvers,
};
