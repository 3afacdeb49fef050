import type * as Gen from "../generated/resolvers-types.js";
import { provenanceField } from "../../../platform/graphql/provenance.js";
import { z } from "zod";
import { storedList } from "../../../platform/graphql/stored-list.js";
import { seesRestricted } from "../../../platform/access/policy.js";
import { toWire } from "../../../platform/access/grant.js";
import { sectionField, sectionResultResolvers } from "../../../platform/access/section-field.js";
import type { ResidentsContext } from "../context.js";
import { about } from "../manifest.js";
import { assertsNoKnownAllergy, isListedAllergy } from "../allergy-codes.js";

const grantOf = (r: { nhsNumber: string }, ctx: ResidentsContext) => ctx.access.grant(r.nhsNumber);

const Reaction = z.object({ manifestation: z.string(), severity: z.enum(["MILD", "MODERATE", "SEVERE"]).nullable().optional() });

export const ResidentResolvers: Gen.ResidentResolvers = {
  __resolveReference: (ref, ctx) => ctx.loaders.resident.load(ref.nhsNumber),
  name: (r) => ({ given: r.givenName, family: r.familyName }),
  gpPractice: (r, _, ctx) => ctx.loaders.gpPractice.load(r.gpPracticeCode),
  // PRESENT with the placement in force today; NOT_RECORDED when none is.
  currentPlacement: sectionField({
    section: "DEMOGRAPHICS",
    sourceSystem: about.sourceSystem,
    grantOf,
    load: async (r, _args: unknown, ctx) => (await ctx.loaders.currentPlacements.load(r.nhsNumber))[0] ?? null,
    entries: (p) => (p ? [p] : []),
    provenance: (p) => p,
  }),
  placements: sectionField({
    section: "PLACEMENTS",
    sourceSystem: about.sourceSystem,
    grantOf,
    load: (r, _args: unknown, ctx) => ctx.loaders.placements.load(r.nhsNumber),
    provenance: (p) => p,
  }),
  allergies: sectionField({
    section: "ALLERGIES",
    sourceSystem: about.sourceSystem,
    grantOf,
    // Entered in error: kept for audit, shown nowhere. A "no known allergies" the source no longer
    // makes is neither an allergy nor "none" (allergy-codes.ts).
    load: async (r, _, ctx) => (await ctx.loaders.allergies.load(r.nhsNumber)).filter(isListedAllergy),
    // The GP's coded "no known allergy" is the source saying "none": NONE_KNOWN, not an entry.
    assertsNone: (a) => assertsNoKnownAllergy(a),
    provenance: (a) => a,
  }),
  // Legally restricted categories (assisted fertilisation, STI, termination, gender reassignment)
  // are removed for everyone but the registered GP, break-glass or not (seesRestricted).
  conditions: sectionField({
    section: "CONDITIONS",
    sourceSystem: about.sourceSystem,
    grantOf,
    load: async (r, _, ctx, _access, grant) => {
      const conditions = await ctx.loaders.conditions.load(r.nhsNumber);
      return seesRestricted(grant) ? conditions : conditions.filter((c) => c.restrictedCategory === null);
    },
    provenance: (c) => c,
  }),
  accessGrant: async (r, _, ctx) => toWire(await ctx.access.grant(r.nhsNumber)),
  sharingObjection: (r) => ({ objected: r.sharingObjection, recordedAt: r.objectionRecordedAt }),
  ...provenanceField,
};

export const PlacementResolvers: Gen.PlacementResolvers = {
  // careHomeId is a foreign key (schema.prisma), so the home exists; the loader's type allows null
  // for any id, and a null here would still be refused by GraphQL on this non-null field, as before.
  careHome: async (p, _, ctx) => (await ctx.loaders.careHome.load(p.careHomeId))!,
  ...provenanceField,
};

export const AllergyResolvers: Gen.AllergyResolvers = {
  // Reactions are stored as the source sent them, checked entry by entry (platform/graphql/stored-list.ts).
  reactions: (a) => storedList("Allergy.reactions", Reaction, a.reactions).map((r) => ({ manifestation: r.manifestation, severity: r.severity ?? null })),
  ...provenanceField,
};

export const ConditionResolvers: Gen.ConditionResolvers = { ...provenanceField };

export const AllergiesSectionResolvers: Gen.AllergiesSectionResolvers = { ...sectionResultResolvers };
export const ConditionsSectionResolvers: Gen.ConditionsSectionResolvers = { ...sectionResultResolvers };
export const PlacementsSectionResolvers: Gen.PlacementsSectionResolvers = { ...sectionResultResolvers };
export const CurrentPlacementSectionResolvers: Gen.CurrentPlacementSectionResolvers = { ...sectionResultResolvers };
