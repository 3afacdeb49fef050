import { grantOf, type ResidentRepresentation } from "../../../platform/access/contributed.js";
import { sectionField, sectionResultResolvers } from "../../../platform/access/section-field.js";
import type * as Gen from "../generated/resolvers-types.js";
import { recordChangesField } from "../../../platform/access/record-changes.js";
import { CHANGE_SECTIONS } from "../changes.js";
import type { CareplansContext } from "../context.js";
import { about } from "../manifest.js";

export const ResidentResolvers: Gen.ResidentResolvers = {
  __resolveReference: (ref) => ref,
  // What's new (ADR 0006), for the usage subgraph: only changes in sections the caller may see.
  recordChanges: recordChangesField(CHANGE_SECTIONS, (ctx: CareplansContext) => ctx.loaders.changesOf),
  // The approved version, the one urgent care sees (CARE_PLAN is LIMITED to it): PRESENT with it,
  // NOT_RECORDED when no version is approved.
  carePlan: sectionField({
    section: "CARE_PLAN",
    sourceSystem: about.sourceSystem,
    grantOf: (r: ResidentRepresentation) => grantOf(r),
    load: async (r, _args: unknown, ctx) => (await ctx.loaders.approvedPlan.load(r.nhsNumber)) ?? null,
    entries: (plan) => (plan ? [plan] : []),
    provenance: (p) => p,
  }),
  carePlanHistory: sectionField({
    section: "CARE_PLAN_HISTORY",
    sourceSystem: about.sourceSystem,
    grantOf: (r: ResidentRepresentation) => grantOf(r),
    load: (r, _args: unknown, ctx) => ctx.loaders.history.load(r.nhsNumber),
    provenance: (p) => p,
  }),
};

export const CarePlanSectionResolvers: Gen.CarePlanSectionResolvers = { ...sectionResultResolvers };
export const CarePlanHistorySectionResolvers: Gen.CarePlanHistorySectionResolvers = { ...sectionResultResolvers };
