// Plan content lists are stored as JSONB and checked entry by entry on the way out
// (platform/graphql/stored-list.ts): a malformed entry is left out on its own, never its list.
import { z } from "zod";
import { provenanceField } from "../../../platform/graphql/provenance.js";
import { storedList } from "../../../platform/graphql/stored-list.js";
import type * as Gen from "../generated/resolvers-types.js";

const Text = z.string();
const Action = z.object({ description: z.string(), owner: z.string(), dueDate: z.iso.date().nullable().optional() });
const Organisation = z.object({ name: z.string(), contact: z.string() });
const Diagnosis = z.object({ code: z.string(), display: z.string() });

const startOfToday = () => new Date(new Date().toISOString().slice(0, 10));

export const CarePlanResolvers: Gen.CarePlanResolvers = {
  __resolveReference: (ref, ctx) => ctx.loaders.plan.load(ref.id),
  createdBy: (p) => ({ name: p.createdByName, odsCode: p.createdByOds }),
  clinicalDetailAddedBy: (p) =>
    p.clinicalDetailBy && p.clinicalDetailOds && p.clinicalDetailAt
      ? { name: p.clinicalDetailBy, practiceOdsCode: p.clinicalDetailOds, at: p.clinicalDetailAt }
      : null,
  reviewDue: (p) => p.status === "APPROVED" && p.reviewDate !== null && p.reviewDate <= startOfToday(),
  concerns: (p) => storedList("CarePlan.concerns", Text, p.concerns),
  goals: (p) => storedList("CarePlan.goals", Text, p.goals),
  actions: (p) => storedList("CarePlan.actions", Action, p.actions).map((a) => ({ ...a, dueDate: a.dueDate ? new Date(`${a.dueDate}T00:00:00Z`) : null })),
  supportOrganisations: (p) => storedList("CarePlan.supportOrganisations", Organisation, p.supportOrganisations),
  diagnoses: (p) => storedList("CarePlan.diagnoses", Diagnosis, p.diagnoses),
  keyMedications: (p) => storedList("CarePlan.keyMedications", Text, p.keyMedications),
  cpr: (p) => ({ decision: p.cprDecision, decidedOn: p.cprDecidedOn, reviewOn: p.cprReviewOn, decidedBy: p.cprDecidedBy }),
  ...provenanceField,
};
