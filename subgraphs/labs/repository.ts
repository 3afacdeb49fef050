// The only code in this subgraph that talks to Prisma. Reads take batches of keys.
import { PrismaClient, type Prisma } from "./prisma/generated/client.js";
import type { DiagnosticCategory } from "./prisma/generated/enums.js";
import type { Database } from "../../platform/db/database.js";
import { countStatements, prismaOptions } from "../../platform/db/prisma.js";
import { bulkInsert } from "../../platform/db/bulk-insert.js";
import { afterTimeKeyset, type TimeKeyset } from "../../platform/graphql/paging.js";
import { cachedRelation, cachedRows } from "../../platform/cache/batched.js";
import type { EntityCache } from "../../platform/cache/entity-cache.js";
import { labsChanges } from "./changes.js";
import type { ResidentChange } from "../../platform/access/record-changes.js";

import type { DiagnosticReport } from "./prisma/generated/client.js";
import type { SectionResult } from "../../platform/access/section-field.js";
import type { Connection } from "../../platform/graphql/paging.js";
export type { DiagnosticReport, Observation } from "./prisma/generated/client.js";
/** The diagnostic reports section as its resolver hands it to its wrapper type (ADR 0005). */
export type DiagnosticReportsSection = SectionResult<Connection<DiagnosticReport>>;

export interface ReportQuery {
  category: DiagnosticCategory | null;
  since: string | null;
  abnormalOnly: boolean;
  /** Keyset position: reports strictly after (issuedAt desc, id asc) this one. */
  after: TimeKeyset | null;
}

export function createLabsRepository(db: Database, cache: EntityCache) {
  const prisma = countStatements(new PrismaClient(prismaOptions(db.adapterFor("labs"))));
  return {
    reports: cachedRows(
      cache,
      "DiagnosticReport",
      (ids) => prisma.diagnosticReport.findMany({ where: { id: { in: ids } } }),
      (r) => r.id,
    ),
    /** Reports of these residents matching the query, ordered per resident by issuedAt desc, id asc. */
    reportsOfResidents: cachedRelation(
      cache,
      "Resident",
      "reports",
      (nhsNumbers: string[], q: ReportQuery) =>
        prisma.diagnosticReport.findMany({
          where: {
            nhsNumber: { in: nhsNumbers },
            ...(q.category ? { category: q.category } : {}),
            ...(q.abnormalOnly ? { abnormal: true } : {}),
            AND: [q.since ? { issuedAt: { gte: new Date(q.since) } } : {}, afterTimeKeyset("issuedAt", q.after)],
          },
          orderBy: [{ nhsNumber: "asc" }, { issuedAt: "desc" }, { id: "asc" }],
        }),
      (r) => r.nhsNumber,
    ),
    observations: cachedRelation(
      cache,
      "DiagnosticReport",
      "observations",
      (reportIds) => prisma.observation.findMany({ where: { reportId: { in: reportIds } }, orderBy: [{ reportId: "asc" }, { position: "asc" }] }),
      (o) => o.reportId,
    ),
    /**
     * What's new (ADR 0006): the changes of these residents' reports received since `since`, one
     * statement (not cached: a look back is asked once per look).
     */
    async changesOf(nhsNumbers: string[], since: Date): Promise<ResidentChange[]> {
      const reports = await prisma.diagnosticReport.findMany({
        where: { nhsNumber: { in: nhsNumbers }, OR: [{ recordedAt: { gte: since } }, { updatedAt: { gte: since } }] },
        select: { nhsNumber: true, status: true, abnormal: true, recordedAt: true, updatedAt: true },
      });
      return labsChanges(reports, since);
    },
    ping: async () => void (await prisma.$queryRaw`SELECT 1`),
    close: () => prisma.$disconnect(),
    /** Bulk load (seeder, ingestion): one statement per table, parents first. */
    async insertBatch(batch: LabsBatch) {
      await bulkInsert(db.sql, "labs", "diagnostic_report", batch.reports);
      await bulkInsert(db.sql, "labs", "observation", batch.observations);
      await cache.purge([
        ...batch.reports.map((r) => cache.key("Resident", r.nhsNumber)),
        ...[...batch.reports.map((r) => r.id), ...batch.observations.map((o) => o.reportId)].map((id) => cache.key("DiagnosticReport", id)),
      ]);
    },
  };
}

export interface LabsBatch {
  reports: Prisma.DiagnosticReportCreateManyInput[];
  observations: Prisma.ObservationCreateManyInput[];
}

export type LabsRepository = ReturnType<typeof createLabsRepository>;
