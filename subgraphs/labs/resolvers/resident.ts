import { decodeTimeCursor, pageSize, timeConnection } from "../../../platform/graphql/paging.js";
import type { LabsContext } from "../context.js";
import type { DiagnosticReport, ReportQuery } from "../repository.js";
import type { DiagnosticCategory } from "../prisma/generated/enums.js";

interface ReportArgs {
  category?: DiagnosticCategory | null;
  since?: Date | null;
  abnormalOnly?: boolean | null;
  first?: number | null;
  after?: string | null;
}

const reportQuery = (args: ReportArgs): ReportQuery => ({
  category: args.category ?? null,
  since: args.since ? args.since.toISOString() : null,
  abnormalOnly: args.abnormalOnly ?? false,
  after: decodeTimeCursor(args.after),
});

export const ResidentResolvers = {
  __resolveReference: (ref: { nhsNumber: string }) => ref,
  diagnosticReports: async (resident: { nhsNumber: string }, args: ReportArgs, ctx: LabsContext) => {
    const size = pageSize(args.first, 10);
    const rows = await ctx.loaders.reportsOfResident.load({ key: resident.nhsNumber, args: reportQuery(args) });
    return timeConnection(rows, size, (r: DiagnosticReport) => r.issuedAt);
  },
};
