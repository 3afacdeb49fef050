// Plan content lists are stored as JSONB; each is checked against its shape on the way out and
// malformed entries are dropped rather than passed through unchecked.
import { z } from "zod";
import { provenanceField } from "../../../platform/graphql/provenance.js";
import type * as Gen from "../generated/resolvers-types.js";

const Strings = z.array(z.string());
const Actions = z.array(z.object({ description: z.string(), owner: z.string(), dueDate: z.iso.date().nullable().optional() }));
const Organisations = z.array(z.object({ name: z.string(), contact: z.string() }));
const Diagnoses = z.array(z.object({ code: z.string(), display: z.string() }));

function listOf<T>(schema: z.ZodType<T[]>, value: unknown): T[] {
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : [];
}

const startOfToday = () => new Date(new Date().toISOString().slice(0, 10));

export const CarePlanResolvers: Gen.CarePlanResolvers = {
  __resolveReference: (ref, ctx) => ctx.loaders.plan.load(ref.id),
  createdBy: (p) => ({ name: p.createdByName, odsCode: p.createdByOds }),
  clinicalDetailAddedBy: (p) =>
    p.clinicalDetailBy && p.clinicalDetailOds && p.clinicalDetailAt
      ? { name: p.clinicalDetailBy, practiceOdsCode: p.clinicalDetailOds, at: p.clinicalDetailAt }
      : null,
  reviewDue: (p) => p.status === "APPROVED" && p.reviewDate !== null && p.reviewDate <= startOfToday(),
  concerns: (p) => listOf(Strings, p.concerns),
  goals: (p) => listOf(Strings, p.goals),
  actions: (p) => listOf(Actions, p.actions).map((a) => ({ ...a, dueDate: a.dueDate ? new Date(`${a.dueDate}T00:00:00Z`) : null })),
  supportOrganisations: (p) => listOf(Organisations, p.supportOrganisations),
  diagnoses: (p) => listOf(Diagnoses, p.diagnoses),
  keyMedications: (p) => listOf(Strings, p.keyMedications),
  cpr: (p) => ({ decision: p.cprDecision, decidedOn: p.cprDecidedOn, reviewOn: p.cprReviewOn, decidedBy: p.cprDecidedBy }),
  ...provenanceField,
};
