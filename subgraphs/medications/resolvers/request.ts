import { provenanceField } from "../../../platform/graphql/provenance.js";
import type { MedicationsContext } from "../context.js";
import type { EpsPrescription, MedicationDispense, MedicationRequest } from "../repository.js";

export const MedicationRequestResolvers = {
  __resolveReference: (ref: { id: string }, ctx: MedicationsContext) => ctx.loaders.request.load(ref.id),
  medication: (r: MedicationRequest) => ({ code: r.medicationCode, display: r.medicationName }),
  quantity: (r: MedicationRequest) => ({ value: r.quantityValue, unit: r.quantityUnit }),
  prescriber: (r: MedicationRequest) => ({ name: r.prescriberName, practiceOdsCode: r.prescriberOds }),
  dispensing: (r: MedicationRequest, _: unknown, ctx: MedicationsContext) => ctx.loaders.latestPrescription.load(r.id),
  dispenses: (r: MedicationRequest, _: unknown, ctx: MedicationsContext) => ctx.loaders.dispenses.load(r.id),
  ...provenanceField,
};

export const DispensingStatusResolvers = {
  epsStatus: (p: EpsPrescription) => p.status,
  nominatedPharmacy: (p: EpsPrescription) => (p.pharmacyName && p.pharmacyOds ? { name: p.pharmacyName, odsCode: p.pharmacyOds } : null),
  ...provenanceField,
};

export const MedicationDispenseResolvers = {
  pharmacy: (d: MedicationDispense) => ({ name: d.pharmacyName, odsCode: d.pharmacyOds }),
  quantity: (d: MedicationDispense) => ({ value: d.quantityValue, unit: d.quantityUnit }),
  ...provenanceField,
};
