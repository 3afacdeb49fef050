import type { ResidentsContext } from "../context.js";
import type { Allergy, Placement, Resident } from "../repository.js";
import { provenanceField } from "../../../platform/graphql/provenance.js";
import { z } from "zod";
import { seesRestricted } from "../../../platform/access/policy.js";
import { toWire } from "../../../platform/access/grant.js";

const Reactions = z.array(
  z.object({ manifestation: z.string(), severity: z.enum(["MILD", "MODERATE", "SEVERE"]).nullable().optional() }),
);

export const ResidentResolvers = {
  __resolveReference: (ref: { nhsNumber: string }, ctx: ResidentsContext) => ctx.loaders.resident.load(ref.nhsNumber),
  name: (r: Resident) => ({ given: r.givenName, family: r.familyName }),
  gpPractice: (r: Resident, _: unknown, ctx: ResidentsContext) => ctx.loaders.gpPractice.load(r.gpPracticeCode),
  currentPlacement: async (r: Resident, _: unknown, ctx: ResidentsContext) =>
    (await ctx.loaders.currentPlacements.load(r.nhsNumber))[0] ?? null,
  placements: (r: Resident, _: unknown, ctx: ResidentsContext) => ctx.loaders.placements.load(r.nhsNumber),
  allergies: (r: Resident, _: unknown, ctx: ResidentsContext) => ctx.loaders.allergies.load(r.nhsNumber),
  // Legally restricted categories (assisted fertilisation, STI, termination, gender reassignment)
  // are removed for everyone but the registered GP, break-glass or not (seesRestricted).
  conditions: async (r: Resident, _: unknown, ctx: ResidentsContext) => {
    const [grant, conditions] = await Promise.all([ctx.access.grant(r.nhsNumber), ctx.loaders.conditions.load(r.nhsNumber)]);
    return seesRestricted(grant) ? conditions : conditions.filter((c) => c.restrictedCategory === null);
  },
  accessGrant: async (r: { nhsNumber: string }, _: unknown, ctx: ResidentsContext) => toWire(await ctx.access.grant(r.nhsNumber)),
  sharingObjection: (r: Resident) => ({ objected: r.sharingObjection, recordedAt: r.objectionRecordedAt }),
  ...provenanceField,
};

export const PlacementResolvers = {
  careHome: (p: Placement, _: unknown, ctx: ResidentsContext) => ctx.loaders.careHome.load(p.careHomeId),
  ...provenanceField,
};

export const AllergyResolvers = {
  // Reactions are stored as the source sent them; anything that does not fit the schema is
  // dropped rather than passed through unchecked.
  reactions: (a: Allergy) => {
    const parsed = Reactions.safeParse(a.reactions);
    return parsed.success ? parsed.data.map((r) => ({ manifestation: r.manifestation, severity: r.severity ?? null })) : [];
  },
  ...provenanceField,
};

export const ConditionResolvers = { ...provenanceField };
