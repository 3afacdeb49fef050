import { scalarResolvers } from "../../../platform/graphql/scalars.js";
import type { Resolvers } from "../generated/resolvers-types.js";
import { CarePlanHistorySectionResolvers, CarePlanSectionResolvers, ResidentResolvers } from "./resident.js";
import { CarePlanResolvers } from "./care-plan.js";
import { CarePlanMutations } from "./mutations.js";

export const resolvers: Resolvers = {
  ...scalarResolvers,
  Mutation: CarePlanMutations,
  Resident: ResidentResolvers,
  CarePlanSection: CarePlanSectionResolvers,
  CarePlanHistorySection: CarePlanHistorySectionResolvers,
  CarePlan: CarePlanResolvers,
};
