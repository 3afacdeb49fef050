// The only code in this subgraph that talks to Prisma. Reads take batches of keys.
import { PrismaClient, type Prisma } from "./prisma/generated/client.js";
import type { Database } from "../kernel/database.js";
import { countStatements, prismaOptions } from "../kernel/prisma.js";
import { bulkInsert } from "../kernel/bulk-insert.js";
import { cachedRelation, cachedRows } from "../kernel/cache/batched.js";
import type { EntityCache } from "../kernel/cache/entity-cache.js";

export type { CarePlan } from "./prisma/generated/client.js";

export function createCareplansRepository(db: Database, cache: EntityCache) {
  const prisma = countStatements(new PrismaClient(prismaOptions(db.adapterFor("careplans"))));
  /** After a write: the resident's cached plans and every version of theirs (a supersede changes several). */
  const purgeResident = async (nhsNumber: string) => {
    const versions = await prisma.carePlan.findMany({ where: { nhsNumber }, select: { id: true } });
    await cache.purge([cache.key("Resident", nhsNumber), ...versions.map((v) => cache.key("CarePlan", v.id))]);
  };
  const written = async <T extends { nhsNumber: string }>(row: T) => {
    await purgeResident(row.nhsNumber);
    return row;
  };
  return {
    plans: cachedRows(cache, "CarePlan", (ids) => prisma.carePlan.findMany({ where: { id: { in: ids } } }), (p) => p.id),
    approvedPlans: cachedRows(cache, "Resident", (nhsNumbers) =>
      prisma.carePlan.findMany({ where: { nhsNumber: { in: nhsNumbers }, status: "APPROVED" } }), (p) => p.nhsNumber, "approvedPlan"),
    planHistories: cachedRelation(cache, "Resident", "history", (nhsNumbers) =>
      prisma.carePlan.findMany({ where: { nhsNumber: { in: nhsNumbers } }, orderBy: [{ nhsNumber: "asc" }, { version: "desc" }] }), (p) => p.nhsNumber),
    latestVersion: async (nhsNumber: string) =>
      (await prisma.carePlan.aggregate({ where: { nhsNumber }, _max: { version: true } }))._max.version ?? 0,
    createPlan: async (data: Prisma.CarePlanCreateInput) => written(await prisma.carePlan.create({ data })),
    updatePlan: async (id: string, data: Prisma.CarePlanUpdateInput) => written(await prisma.carePlan.update({ where: { id }, data })),
    /** Approves one plan and supersedes the resident's current approved plan, atomically. */
    approve: async (plan: { id: string; nhsNumber: string }, approvedBy: string, reviewDate: Date, at: Date) => {
      const result = await prisma.$transaction([
        prisma.carePlan.updateMany({ where: { nhsNumber: plan.nhsNumber, status: "APPROVED" }, data: { status: "SUPERSEDED", supersededAt: at, updatedAt: at } }),
        prisma.carePlan.update({ where: { id: plan.id }, data: { status: "APPROVED", approvedAt: at, approvedBy, reviewDate, updatedAt: at } }),
      ]);
      await purgeResident(plan.nhsNumber);
      return result;
    },
    ping: async () => void (await prisma.$queryRaw`SELECT 1`),
    close: () => prisma.$disconnect(),
    /** Bulk load (seeder, ingestion): one statement per table, parents first. */
    async insertBatch(batch: CareplansBatch) {
      await bulkInsert(db.sql, "careplans", "care_plan", batch.plans);
      await cache.purge([...batch.plans.map((p) => cache.key("Resident", p.nhsNumber)), ...batch.plans.map((p) => cache.key("CarePlan", p.id!))]);
    },
  };
}

export interface CareplansBatch {
  plans: Prisma.CarePlanCreateManyInput[];
}

export type CareplansRepository = ReturnType<typeof createCareplansRepository>;
