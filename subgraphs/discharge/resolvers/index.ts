import { scalarResolvers } from "../../../platform/graphql/scalars.js";
import type { Resolvers } from "../generated/resolvers-types.js";
import { ResidentResolvers } from "./resident.js";
import { DischargeSummaryResolvers, EmergencyCareSummaryResolvers, HospitalStayResolvers } from "./summary.js";

export const resolvers: Resolvers = {
  ...scalarResolvers,
  Resident: ResidentResolvers,
  DischargeSummary: DischargeSummaryResolvers,
  HospitalStay: HospitalStayResolvers,
  EmergencyCareSummary: EmergencyCareSummaryResolvers,
};
