import { scalarResolvers } from "../../../platform/graphql/scalars.js";
import type { Resolvers } from "../generated/resolvers-types.js";
import { QueryResolvers } from "./query.js";
import { BreakGlassMutations, BreakGlassQueries } from "./break-glass.js";
import { QuarantineMutations, QuarantineQueries } from "./quarantine.js";
import {
  AllergiesSectionResolvers,
  AllergyResolvers,
  ConditionResolvers,
  ConditionsSectionResolvers,
  CurrentPlacementSectionResolvers,
  PlacementsSectionResolvers,
  PlacementResolvers,
  ResidentResolvers,
} from "./resident.js";
import { CareHomeResolvers, GpPracticeResolvers, ResidentConnectionResolvers } from "./care-home.js";

export const resolvers: Resolvers = {
  ...scalarResolvers,
  Query: { ...QueryResolvers, ...BreakGlassQueries, ...QuarantineQueries },
  Mutation: { ...BreakGlassMutations, ...QuarantineMutations },
  Resident: ResidentResolvers,
  Placement: PlacementResolvers,
  PlacementsSection: PlacementsSectionResolvers,
  CurrentPlacementSection: CurrentPlacementSectionResolvers,
  Allergy: AllergyResolvers,
  AllergiesSection: AllergiesSectionResolvers,
  ConditionsSection: ConditionsSectionResolvers,
  Condition: ConditionResolvers,
  CareHome: CareHomeResolvers,
  ResidentConnection: ResidentConnectionResolvers,
  GpPractice: GpPracticeResolvers,
};
