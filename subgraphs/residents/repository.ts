// The only code in this subgraph that talks to Prisma. Every read takes a batch of keys so the
// loaders can serve a whole care home with one statement per relation.
import { PrismaClient, type Prisma } from "./prisma/generated/client.js";
import type { Database } from "../kernel/database.js";
import { countStatements, prismaOptions } from "../kernel/prisma.js";
import { bulkInsert } from "../kernel/bulk-insert.js";

export type { Resident, CareHome, GpPractice, Placement, Allergy, Condition, Organisation, BreakGlass } from "./prisma/generated/client.js";

export function createResidentsRepository(db: Database) {
  const prisma = countStatements(new PrismaClient(prismaOptions(db.adapterFor("residents"))));
  const today = () => new Date(new Date().toISOString().slice(0, 10));
  const current = () => ({ startDate: { lte: today() }, OR: [{ endDate: null }, { endDate: { gte: today() } }] });

  return {
    residents: (nhsNumbers: string[]) => prisma.resident.findMany({ where: { nhsNumber: { in: nhsNumbers } } }),
    careHomes: (ids: string[]) => prisma.careHome.findMany({ where: { id: { in: ids } } }),
    gpPractices: (codes: string[]) => prisma.gpPractice.findMany({ where: { odsCode: { in: codes } } }),
    placements: (nhsNumbers: string[]) =>
      prisma.placement.findMany({ where: { nhsNumber: { in: nhsNumbers } }, orderBy: [{ startDate: "desc" }, { id: "asc" }] }),
    /** Placements in force today for these residents (at most one each by the data rules). */
    currentPlacements: (nhsNumbers: string[]) =>
      prisma.placement.findMany({ where: { nhsNumber: { in: nhsNumbers }, ...current() }, orderBy: { startDate: "desc" } }),
    allergies: (nhsNumbers: string[]) =>
      prisma.allergy.findMany({ where: { nhsNumber: { in: nhsNumbers } }, orderBy: [{ recordedAt: "desc" }, { id: "asc" }] }),
    conditions: (nhsNumbers: string[]) =>
      prisma.condition.findMany({ where: { nhsNumber: { in: nhsNumbers } }, orderBy: [{ recordedAt: "desc" }, { id: "asc" }] }),
    /** One page of the residents placed at a home today, keyset-paged by NHS number. */
    currentResidentsOfHome: (careHomeId: string, afterNhsNumber: string | null, limit: number) =>
      prisma.placement.findMany({
        where: { careHomeId, ...current(), ...(afterNhsNumber ? { nhsNumber: { gt: afterNhsNumber } } : {}) },
        orderBy: { nhsNumber: "asc" },
        take: limit,
        select: { nhsNumber: true },
      }),
    organisations: (odsCodes: string[]) => prisma.organisation.findMany({ where: { odsCode: { in: odsCodes } } }),
    /** Break-glass sessions of one user still in force at `now`, for these residents. */
    activeBreakGlass: (userId: string, nhsNumbers: string[], now: Date) =>
      prisma.breakGlass.findMany({ where: { userId, nhsNumber: { in: nhsNumbers }, expiresAt: { gt: now } } }),
    breakGlassById: (ids: string[]) => prisma.breakGlass.findMany({ where: { id: { in: ids } } }),
    startBreakGlass: (data: Prisma.BreakGlassCreateInput) => prisma.breakGlass.create({ data }),
    breakGlassForReview: (reviewed: boolean | null, limit: number, afterId: string | null) =>
      prisma.breakGlass.findMany({
        where: { ...(reviewed === null ? {} : reviewed ? { reviewedAt: { not: null } } : { reviewedAt: null }), ...(afterId ? { id: { gt: afterId } } : {}) },
        orderBy: { id: "asc" },
        take: limit,
      }),
    closeBreakGlassReview: (id: string, reviewedBy: string, note: string, at: Date) =>
      prisma.breakGlass.updateMany({ where: { id, reviewedAt: null }, data: { reviewedAt: at, reviewedBy, reviewNote: note } }),
    ping: async () => void (await prisma.$queryRaw`SELECT 1`),
    close: () => prisma.$disconnect(),
    /** Bulk load (seeder, ingestion): one statement per table, parents first. */
    async insertBatch(batch: ResidentsBatch) {
      await bulkInsert(db.sql, "residents", "gp_practice", batch.gpPractices);
      await bulkInsert(db.sql, "residents", "care_home", batch.careHomes);
      await bulkInsert(db.sql, "residents", "organisation", batch.organisations);
      await bulkInsert(db.sql, "residents", "resident", batch.residents);
      await bulkInsert(db.sql, "residents", "placement", batch.placements);
      await bulkInsert(db.sql, "residents", "allergy", batch.allergies);
      await bulkInsert(db.sql, "residents", "condition", batch.conditions);
    },
  };
}

export interface ResidentsBatch {
  gpPractices: Prisma.GpPracticeCreateManyInput[];
  careHomes: Prisma.CareHomeCreateManyInput[];
  organisations: Prisma.OrganisationCreateManyInput[];
  residents: Prisma.ResidentCreateManyInput[];
  placements: Prisma.PlacementCreateManyInput[];
  allergies: Prisma.AllergyCreateManyInput[];
  conditions: Prisma.ConditionCreateManyInput[];
}

export type ResidentsRepository = ReturnType<typeof createResidentsRepository>;
