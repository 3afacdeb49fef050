import { scalarResolvers } from "../../kernel/scalars.js";
import { ResidentResolvers } from "./resident.js";
import { CarePlanResolvers } from "./care-plan.js";

export const resolvers = { ...scalarResolvers, Resident: ResidentResolvers, CarePlan: CarePlanResolvers };
