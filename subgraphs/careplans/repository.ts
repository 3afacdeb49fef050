// The only code in this subgraph that talks to Prisma. Reads take batches of keys.
import { PrismaClient, type Prisma } from "./prisma/generated/client.js";
import type { Database } from "../kernel/database.js";
import { countStatements, prismaOptions } from "../kernel/prisma.js";
import { bulkInsert } from "../kernel/bulk-insert.js";

export type { CarePlan } from "./prisma/generated/client.js";

export function createCareplansRepository(db: Database) {
  const prisma = countStatements(new PrismaClient(prismaOptions(db.adapterFor("careplans"))));
  return {
    plans: (ids: string[]) => prisma.carePlan.findMany({ where: { id: { in: ids } } }),
    approvedPlans: (nhsNumbers: string[]) => prisma.carePlan.findMany({ where: { nhsNumber: { in: nhsNumbers }, status: "APPROVED" } }),
    planHistories: (nhsNumbers: string[]) =>
      prisma.carePlan.findMany({ where: { nhsNumber: { in: nhsNumbers } }, orderBy: [{ nhsNumber: "asc" }, { version: "desc" }] }),
    latestVersion: async (nhsNumber: string) =>
      (await prisma.carePlan.aggregate({ where: { nhsNumber }, _max: { version: true } }))._max.version ?? 0,
    createPlan: (data: Prisma.CarePlanCreateInput) => prisma.carePlan.create({ data }),
    updatePlan: (id: string, data: Prisma.CarePlanUpdateInput) => prisma.carePlan.update({ where: { id }, data }),
    /** Approves one plan and supersedes the resident's current approved plan, atomically. */
    approve: (plan: { id: string; nhsNumber: string }, approvedBy: string, reviewDate: Date, at: Date) =>
      prisma.$transaction([
        prisma.carePlan.updateMany({ where: { nhsNumber: plan.nhsNumber, status: "APPROVED" }, data: { status: "SUPERSEDED", supersededAt: at, updatedAt: at } }),
        prisma.carePlan.update({ where: { id: plan.id }, data: { status: "APPROVED", approvedAt: at, approvedBy, reviewDate, updatedAt: at } }),
      ]),
    ping: async () => void (await prisma.$queryRaw`SELECT 1`),
    close: () => prisma.$disconnect(),
    /** Bulk load (seeder, ingestion): one statement per table, parents first. */
    async insertBatch(batch: CareplansBatch) {
      await bulkInsert(db.sql, "careplans", "care_plan", batch.plans);
    },
  };
}

export interface CareplansBatch {
  plans: Prisma.CarePlanCreateManyInput[];
}

export type CareplansRepository = ReturnType<typeof createCareplansRepository>;
