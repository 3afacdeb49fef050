// Discharge summary headings stored as JSONB are checked against their shape on the way out;
// malformed entries are dropped rather than passed through unchecked.
import { z } from "zod";
import { provenanceField } from "../../../platform/graphql/provenance.js";
import type * as Gen from "../generated/resolvers-types.js";
import { recipientOf } from "../planned-action.js";

const isoDate = z.iso
  .date()
  .nullable()
  .optional()
  .transform((d) => (d ? new Date(`${d}T00:00:00Z`) : null));
const Diagnoses = z.array(z.object({ code: z.string(), display: z.string(), primary: z.boolean() }));
const Procedures = z.array(z.object({ code: z.string(), display: z.string(), performedOn: isoDate }));
const Changes = z.array(
  z.object({ medication: z.string(), change: z.enum(["STARTED", "STOPPED", "CHANGED", "UNCHANGED"]), reason: z.string().nullable().optional() }),
);
const Actions = z.array(z.object({ action: z.string(), forWhom: z.string(), byDate: isoDate }));

function listOf<T>(schema: z.ZodType<T[], unknown>, value: unknown): T[] {
  const parsed = schema.safeParse(value);
  return parsed.success ? parsed.data : [];
}

export const DischargeSummaryResolvers: Gen.DischargeSummaryResolvers = {
  __resolveReference: (ref, ctx) => ctx.loaders.summary.load(ref.id),
  hospital: (s) => ({ name: s.hospitalName, odsCode: s.hospitalOds }),
  author: (s) => ({ name: s.authorName, role: s.authorRole, professionalCode: null }),
  completedBy: (s) => ({ name: s.completedByName, role: s.completedByRole, professionalCode: s.completedByCode }),
  diagnoses: (s) => listOf(Diagnoses, s.diagnoses),
  procedures: (s) => listOf(Procedures, s.procedures),
  medicationChanges: (s) => listOf(Changes, s.medicationChanges).map((c) => ({ ...c, reason: c.reason ?? null })),
  allergiesAndAdverseReactions: (s) => s.allergiesText,
  plannedActions: (s) => listOf(Actions, s.plannedActions).map((a) => ({ ...a, forWhom: recipientOf(a.forWhom), forWhomText: a.forWhom })),
  ...provenanceField,
};

export const HospitalStayResolvers: Gen.HospitalStayResolvers = {
  __resolveReference: (ref, ctx) => ctx.loaders.stay.load(ref.id),
  hospital: (s) => ({ name: s.hospitalName, odsCode: s.hospitalOds }),
  ...provenanceField,
};

export const EmergencyCareSummaryResolvers: Gen.EmergencyCareSummaryResolvers = {
  provider: (s) => ({ name: s.providerName, odsCode: s.providerOds }),
  ...provenanceField,
};
