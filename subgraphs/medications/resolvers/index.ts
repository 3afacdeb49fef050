import { scalarResolvers } from "../../../platform/graphql/scalars.js";
import { ResidentResolvers } from "./resident.js";
import { DispensingStatusResolvers, MedicationDispenseResolvers, MedicationRequestResolvers } from "./request.js";

export const resolvers = {
  ...scalarResolvers,
  Resident: ResidentResolvers,
  MedicationRequest: MedicationRequestResolvers,
  DispensingStatus: DispensingStatusResolvers,
  MedicationDispense: MedicationDispenseResolvers,
};
