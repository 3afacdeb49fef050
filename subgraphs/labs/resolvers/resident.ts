import { decodeTimeCursor, pageSize, timeConnection } from "../../../platform/graphql/paging.js";
import { grantOf, type ResidentRepresentation } from "../../../platform/access/contributed.js";
import { sectionField, sectionResultResolvers } from "../../../platform/access/section-field.js";
import type { ReportQuery } from "../repository.js";
import type * as Gen from "../generated/resolvers-types.js";
import { recordChangesField } from "../../../platform/access/record-changes.js";
import { CHANGE_SECTIONS } from "../changes.js";
import type { LabsContext } from "../context.js";
import { about } from "../manifest.js";

/** The list's cursor scope: a cursor of another list is refused here. */
const LIST = "Resident.diagnosticReports";

const reportQuery = (args: Gen.ResidentDiagnosticReportsArgs): ReportQuery => ({
  category: args.category ?? null,
  since: args.since ? args.since.toISOString() : null,
  abnormalOnly: args.abnormalOnly ?? false,
  after: decodeTimeCursor(LIST, args.after),
});

export const ResidentResolvers: Gen.ResidentResolvers = {
  __resolveReference: (ref) => ref,
  // What's new (ADR 0006), for the usage subgraph: only changes in sections the caller may see.
  recordChanges: recordChangesField(CHANGE_SECTIONS, (ctx: LabsContext) => ctx.loaders.changesOf),
  // PRESENT when the page has reports, NOT_RECORDED when none matching the arguments is recorded.
  diagnosticReports: sectionField({
    section: "DIAGNOSTIC_REPORTS",
    sourceSystem: about.sourceSystem,
    grantOf: (resident: ResidentRepresentation) => grantOf(resident),
    load: async (resident, args: Gen.ResidentDiagnosticReportsArgs, ctx) => {
      const size = pageSize(args.first, 10);
      const rows = await ctx.loaders.reportsOfResident.load({ key: resident.nhsNumber, args: reportQuery(args) });
      return timeConnection(LIST, rows, size, (r) => r.issuedAt);
    },
    entries: (page) => page.edges.map((e) => e.node),
    provenance: (r) => r,
  }),
};

export const DiagnosticReportsSectionResolvers: Gen.DiagnosticReportsSectionResolvers = { ...sectionResultResolvers };
