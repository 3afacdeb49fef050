import type * as Gen from "../generated/resolvers-types.js";
import { recordChangesField } from "../../../platform/access/record-changes.js";
import { CHANGE_SECTIONS } from "../changes.js";
import type { MedicationsContext } from "../context.js";
import { grantOf, type ResidentRepresentation } from "../../../platform/access/contributed.js";
import { sectionField, sectionResultResolvers } from "../../../platform/access/section-field.js";
import { about } from "../manifest.js";
import { CURRENT_STATUSES, statusFilter } from "../statuses.js";

export const ResidentResolvers: Gen.ResidentResolvers = {
  __resolveReference: (ref) => ref,
  // What's new (ADR 0006), for the usage subgraph: only changes in sections the caller may see.
  recordChanges: recordChangesField(CHANGE_SECTIONS, (ctx: MedicationsContext) => ctx.loaders.changesOf),
  medications: sectionField({
    section: "MEDICATIONS",
    sourceSystem: about.sourceSystem,
    grantOf: (resident: ResidentRepresentation) => grantOf(resident),
    // Urgent care sees the MEDICATIONS section LIMITED: the current list only.
    action: {
      action: "viewMedicationHistory",
      performed: (args: Gen.ResidentMedicationsArgs) => (args.status ?? []).some((s) => !CURRENT_STATUSES.includes(s)),
    },
    load: (resident, args, ctx) => ctx.loaders.requestsOfResident.load({ key: resident.nhsNumber, args: statusFilter(args.status) }),
    provenance: (m) => m,
  }),
};

export const MedicationsSectionResolvers: Gen.MedicationsSectionResolvers = { ...sectionResultResolvers };
