import { scalarResolvers } from "../../kernel/scalars.js";
import { Query } from "./query.js";
import { AllergyResolvers, ConditionResolvers, PlacementResolvers, ResidentResolvers } from "./resident.js";
import { CareHomeResolvers, GpPracticeResolvers } from "./care-home.js";

export const resolvers = {
  ...scalarResolvers,
  Query,
  Resident: ResidentResolvers,
  Placement: PlacementResolvers,
  Allergy: AllergyResolvers,
  Condition: ConditionResolvers,
  CareHome: CareHomeResolvers,
  GpPractice: GpPracticeResolvers,
};
