// The only code in this subgraph that talks to Prisma. Reads take batches of keys.
import { PrismaClient, type Prisma } from "./prisma/generated/client.js";
import type { Database } from "../../platform/db/database.js";
import { countStatements, prismaOptions } from "../../platform/db/prisma.js";
import { bulkInsert } from "../../platform/db/bulk-insert.js";
import { afterTimeKeyset, type TimeKeyset } from "../../platform/graphql/paging.js";
import { cachedRelation, cachedRows } from "../../platform/cache/batched.js";
import type { EntityCache } from "../../platform/cache/entity-cache.js";
import { dischargeChanges } from "./changes.js";
import type { ResidentChange } from "../../platform/access/record-changes.js";

import type { DischargeSummary, EmergencyCareSummary, HospitalStay } from "./prisma/generated/client.js";
import type { SectionResult } from "../../platform/access/section-field.js";
import type { Connection } from "../../platform/graphql/paging.js";
export type { HospitalStay, DischargeSummary, EmergencyCareSummary } from "./prisma/generated/client.js";
/** The discharge sections as their resolvers hand them to their wrapper types (ADR 0005). */
export type DischargeSummariesSection = SectionResult<Connection<DischargeSummary>>;
export type HospitalStaysSection = SectionResult<Connection<HospitalStay>>;
export type EmergencyCareSection = SectionResult<Connection<EmergencyCareSummary>>;
export type CurrentHospitalStaySection = SectionResult<HospitalStay | null>;

export interface SummaryQuery {
  since: string | null;
  after: TimeKeyset | null;
}

const newestFirst = (field: string) => [{ nhsNumber: "asc" as const }, { [field]: "desc" as const }, { id: "asc" as const }];

export function createDischargeRepository(db: Database, cache: EntityCache) {
  const prisma = countStatements(new PrismaClient(prismaOptions(db.adapterFor("discharge"))));
  const byResident = <R extends { nhsNumber: string }>(r: R) => r.nhsNumber;
  return {
    stays: cachedRows(
      cache,
      "HospitalStay",
      (ids) => prisma.hospitalStay.findMany({ where: { id: { in: ids } } }),
      (s) => s.id,
    ),
    summaries: cachedRows(
      cache,
      "DischargeSummary",
      (ids) => prisma.dischargeSummary.findMany({ where: { id: { in: ids } } }),
      (s) => s.id,
    ),
    summariesOfResidents: cachedRelation(
      cache,
      "Resident",
      "summaries",
      (nhsNumbers: string[], q: SummaryQuery) =>
        prisma.dischargeSummary.findMany({
          where: {
            nhsNumber: { in: nhsNumbers },
            AND: [q.since ? { dischargedAt: { gte: new Date(q.since) } } : {}, afterTimeKeyset("dischargedAt", q.after)],
          },
          orderBy: newestFirst("dischargedAt"),
        }),
      byResident,
    ),
    staysOfResidents: cachedRelation(
      cache,
      "Resident",
      "stays",
      (nhsNumbers: string[], after: TimeKeyset | null) =>
        prisma.hospitalStay.findMany({ where: { nhsNumber: { in: nhsNumbers }, ...afterTimeKeyset("admittedAt", after) }, orderBy: newestFirst("admittedAt") }),
      byResident,
    ),
    currentStays: cachedRelation(
      cache,
      "Resident",
      "currentStays",
      (nhsNumbers) => prisma.hospitalStay.findMany({ where: { nhsNumber: { in: nhsNumbers }, status: "IN_PROGRESS" }, orderBy: { admittedAt: "desc" } }),
      byResident,
    ),
    emergencyCareOfResidents: cachedRelation(
      cache,
      "Resident",
      "emergencyCare",
      (nhsNumbers: string[], after: TimeKeyset | null) =>
        prisma.emergencyCareSummary.findMany({
          where: { nhsNumber: { in: nhsNumbers }, ...afterTimeKeyset("occurredAt", after) },
          orderBy: newestFirst("occurredAt"),
        }),
      byResident,
    ),
    /**
     * What's new (ADR 0006): the changes of these residents' summaries, stays and emergency care
     * received since `since`, one statement per table (not cached: a look back is asked once per look).
     */
    async changesOf(nhsNumbers: string[], since: Date): Promise<ResidentChange[]> {
      const where = { nhsNumber: { in: nhsNumbers }, OR: [{ recordedAt: { gte: since } }, { updatedAt: { gte: since } }] };
      const received = { nhsNumber: true, recordedAt: true, updatedAt: true } as const;
      const [summaries, stays, emergencyCare] = await Promise.all([
        prisma.dischargeSummary.findMany({ where, select: received }),
        prisma.hospitalStay.findMany({ where, select: { ...received, status: true } }),
        prisma.emergencyCareSummary.findMany({ where, select: received }),
      ]);
      return dischargeChanges({ summaries, stays, emergencyCare }, since);
    },
    ping: async () => void (await prisma.$queryRaw`SELECT 1`),
    close: () => prisma.$disconnect(),
    /** Bulk load (seeder, ingestion): one statement per table, parents first. */
    async insertBatch(batch: DischargeBatch) {
      await bulkInsert(db.sql, "discharge", "hospital_stay", batch.stays);
      await bulkInsert(db.sql, "discharge", "discharge_summary", batch.summaries);
      await bulkInsert(db.sql, "discharge", "emergency_care_summary", batch.emergencyCare);
      await cache.purge([
        ...[...batch.stays, ...batch.summaries, ...batch.emergencyCare].map((r) => cache.key("Resident", r.nhsNumber)),
        ...batch.stays.map((s) => cache.key("HospitalStay", s.id)),
        ...batch.summaries.map((s) => cache.key("DischargeSummary", s.id)),
      ]);
    },
  };
}

export interface DischargeBatch {
  stays: Prisma.HospitalStayCreateManyInput[];
  summaries: Prisma.DischargeSummaryCreateManyInput[];
  emergencyCare: Prisma.EmergencyCareSummaryCreateManyInput[];
}

export type DischargeRepository = ReturnType<typeof createDischargeRepository>;
