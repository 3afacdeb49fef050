import { scalarResolvers } from "../../../platform/graphql/scalars.js";
import type { Resolvers } from "../generated/resolvers-types.js";
import { MedicationsSectionResolvers, ResidentResolvers } from "./resident.js";
import { DispensingStatusResolvers, MedicationDispenseResolvers, MedicationRequestResolvers } from "./request.js";

export const resolvers: Resolvers = {
  ...scalarResolvers,
  Resident: ResidentResolvers,
  MedicationsSection: MedicationsSectionResolvers,
  MedicationRequest: MedicationRequestResolvers,
  DispensingStatus: DispensingStatusResolvers,
  MedicationDispense: MedicationDispenseResolvers,
};
