import { provenanceField } from "../../../platform/graphql/provenance.js";
import type * as Gen from "../generated/resolvers-types.js";

export const MedicationRequestResolvers: Gen.MedicationRequestResolvers = {
  __resolveReference: (ref, ctx) => ctx.loaders.request.load(ref.id),
  medication: (r) => ({ code: r.medicationCode, display: r.medicationName }),
  quantity: (r) => ({ value: r.quantityValue, unit: r.quantityUnit }),
  prescriber: (r) => ({ name: r.prescriberName, practiceOdsCode: r.prescriberOds }),
  dispensing: (r, _, ctx) => ctx.loaders.latestPrescription.load(r.id),
  dispenses: (r, _, ctx) => ctx.loaders.dispenses.load(r.id),
  ...provenanceField,
};

export const DispensingStatusResolvers: Gen.DispensingStatusResolvers = {
  epsStatus: (p) => p.status,
  nominatedPharmacy: (p) => (p.pharmacyName && p.pharmacyOds ? { name: p.pharmacyName, odsCode: p.pharmacyOds } : null),
  ...provenanceField,
};

export const MedicationDispenseResolvers: Gen.MedicationDispenseResolvers = {
  pharmacy: (d) => ({ name: d.pharmacyName, odsCode: d.pharmacyOds }),
  quantity: (d) => ({ value: d.quantityValue, unit: d.quantityUnit }),
  ...provenanceField,
};
