// Discharge summary headings stored as JSONB are checked entry by entry on the way out
// (platform/graphql/stored-list.ts): a malformed entry is left out on its own, never its list.
import { z } from "zod";
import { provenanceField } from "../../../platform/graphql/provenance.js";
import { storedList } from "../../../platform/graphql/stored-list.js";
import type * as Gen from "../generated/resolvers-types.js";
import { recipientOf } from "../planned-action.js";

const isoDate = z.iso
  .date()
  .nullable()
  .optional()
  .transform((d) => (d ? new Date(`${d}T00:00:00Z`) : null));
const Diagnosis = z.object({ code: z.string(), display: z.string(), primary: z.boolean() });
const Procedure = z.object({ code: z.string(), display: z.string(), performedOn: isoDate });
const Change = z.object({ medication: z.string(), change: z.enum(["STARTED", "STOPPED", "CHANGED", "UNCHANGED"]), reason: z.string().nullable().optional() });
const Action = z.object({ action: z.string(), forWhom: z.string(), byDate: isoDate });

export const DischargeSummaryResolvers: Gen.DischargeSummaryResolvers = {
  __resolveReference: (ref, ctx) => ctx.loaders.summary.load(ref.id),
  hospital: (s) => ({ name: s.hospitalName, odsCode: s.hospitalOds }),
  author: (s) => ({ name: s.authorName, role: s.authorRole, professionalCode: null }),
  completedBy: (s) => ({ name: s.completedByName, role: s.completedByRole, professionalCode: s.completedByCode }),
  diagnoses: (s) => storedList("DischargeSummary.diagnoses", Diagnosis, s.diagnoses),
  procedures: (s) => storedList("DischargeSummary.procedures", Procedure, s.procedures),
  medicationChanges: (s) => storedList("DischargeSummary.medicationChanges", Change, s.medicationChanges).map((c) => ({ ...c, reason: c.reason ?? null })),
  allergiesAndAdverseReactions: (s) => s.allergiesText,
  plannedActions: (s) =>
    storedList("DischargeSummary.plannedActions", Action, s.plannedActions).map((a) => ({ ...a, forWhom: recipientOf(a.forWhom), forWhomText: a.forWhom })),
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
