import { provenanceField } from "../../../platform/graphql/provenance.js";
import type * as Gen from "../generated/resolvers-types.js";

export const DiagnosticReportResolvers: Gen.DiagnosticReportResolvers = {
  __resolveReference: (ref, ctx) => ctx.loaders.report.load(ref.id),
  performer: (r) => ({ name: r.performerName, odsCode: r.performerOds }),
  observations: (r, _, ctx) => ctx.loaders.observations.load(r.id),
  ...provenanceField,
};

export const ObservationResolvers: Gen.ObservationResolvers = {
  value: (o) => o.valueQuantity,
  referenceRange: (o) =>
    o.referenceLow === null && o.referenceHigh === null && o.referenceText === null
      ? null
      : { low: o.referenceLow, high: o.referenceHigh, text: o.referenceText },
  ...provenanceField,
};
