import { decodeTimeCursor, pageSize, timeConnection } from "../../../platform/graphql/paging.js";
import type { ReportQuery } from "../repository.js";
import type * as Gen from "../generated/resolvers-types.js";

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
  diagnosticReports: async (resident, args, ctx) => {
    const size = pageSize(args.first, 10);
    const rows = await ctx.loaders.reportsOfResident.load({ key: resident.nhsNumber, args: reportQuery(args) });
    return timeConnection(LIST, rows, size, (r) => r.issuedAt);
  },
};
