import { provenanceField } from "../../../platform/graphql/provenance.js";
import type { LabsContext } from "../context.js";
import type { DiagnosticReport, Observation } from "../repository.js";

export const DiagnosticReportResolvers = {
  __resolveReference: (ref: { id: string }, ctx: LabsContext) => ctx.loaders.report.load(ref.id),
  performer: (r: DiagnosticReport) => ({ name: r.performerName, odsCode: r.performerOds }),
  observations: (r: DiagnosticReport, _: unknown, ctx: LabsContext) => ctx.loaders.observations.load(r.id),
  ...provenanceField,
};

export const ObservationResolvers = {
  value: (o: Observation) => o.valueQuantity,
  referenceRange: (o: Observation) =>
    o.referenceLow === null && o.referenceHigh === null && o.referenceText === null
      ? null
      : { low: o.referenceLow, high: o.referenceHigh, text: o.referenceText },
  ...provenanceField,
};
