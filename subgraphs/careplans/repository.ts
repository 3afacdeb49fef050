// The only code in this subgraph that talks to Prisma. Reads take batches of keys.
import { PrismaClient, type Prisma } from "./prisma/generated/client.js";
import type { Database } from "../../platform/db/database.js";
import { countStatements, prismaOptions } from "../../platform/db/prisma.js";
import { bulkInsert } from "../../platform/db/bulk-insert.js";
import { cachedRelation, cachedRows } from "../../platform/cache/batched.js";
import type { EntityCache } from "../../platform/cache/entity-cache.js";
import { onceInTransaction, type IdempotencyRequest } from "../../platform/db/idempotency.js";
import { carePlanChanges, startOfUtcDay } from "./changes.js";
import type { ResidentChange } from "../../platform/access/record-changes.js";

import type { CarePlan } from "./prisma/generated/client.js";
import { conflictsCoded } from "../../platform/errors/conflicts.js";

import type { SectionResult } from "../../platform/access/section-field.js";
export type { CarePlan };
/** The care plan sections as their resolvers hand them to their wrapper types (ADR 0005). */
export type CarePlanSection = SectionResult<CarePlan | null>;
export type CarePlanHistorySection = SectionResult<CarePlan[]>;

export function createCareplansRepository(db: Database, cache: EntityCache) {
  const prisma = countStatements(new PrismaClient(prismaOptions(db.adapterFor("careplans"))));
  /** After a write: the resident's cached plans and every version of theirs (a supersede changes several). */
  const purgeResident = async (nhsNumber: string) => {
    const versions = await prisma.carePlan.findMany({ where: { nhsNumber }, select: { id: true } });
    await cache.purge([cache.key("Resident", nhsNumber), ...versions.map((v) => cache.key("CarePlan", v.id))]);
  };
  /**
   * One write to a resident's plans in a transaction that holds the resident's lock (concurrent
   * submissions queue for the next version number instead of colliding on it) and records the
   * client's idempotency key, if any; a retry with the key gets the plan it first wrote.
   */
  const writeOnce = async (nhsNumber: string, request: IdempotencyRequest | undefined, write: (tx: Prisma.TransactionClient) => Promise<string>) => {
    const { id } = await conflictsCoded(() =>
      // Writers for one resident queue on its lock: wait for a connection and the lock well beyond
      // Prisma's 2 s / 5 s defaults rather than fail a submission that is merely queued.
      prisma.$transaction((tx) => onceInTransaction(tx, "careplans", request, [`careplans:resident:${nhsNumber}`], () => write(tx)), {
        maxWait: 10_000,
        timeout: 15_000,
      }),
    );
    await purgeResident(nhsNumber);
    return prisma.carePlan.findUniqueOrThrow({ where: { id } });
  };
  /** The plan as it is now, under the resident's lock; `check` refuses a state the write does not apply to. */
  const current = async (tx: Prisma.TransactionClient, id: string, check: (plan: CarePlan) => void) => {
    const plan = await tx.carePlan.findUniqueOrThrow({ where: { id } });
    check(plan);
    return plan;
  };
  return {
    /** A new SUBMITTED version: `data` gets the next version number of the resident's plans. */
    submitOnce: (nhsNumber: string, request: IdempotencyRequest | undefined, data: (version: number) => Prisma.CarePlanCreateInput) =>
      writeOnce(nhsNumber, request, async (tx) => {
        const version = ((await tx.carePlan.aggregate({ where: { nhsNumber }, _max: { version: true } }))._max.version ?? 0) + 1;
        return (await tx.carePlan.create({ data: data(version) })).id;
      }),
    updateOnce: (
      plan: { id: string; nhsNumber: string },
      request: IdempotencyRequest | undefined,
      check: (plan: CarePlan) => void,
      data: Prisma.CarePlanUpdateInput,
    ) =>
      writeOnce(plan.nhsNumber, request, async (tx) => {
        await current(tx, plan.id, check);
        return (await tx.carePlan.update({ where: { id: plan.id }, data })).id;
      }),
    /** Approves one plan and supersedes the resident's current approved plan, atomically. */
    approveOnce: (
      plan: { id: string; nhsNumber: string },
      request: IdempotencyRequest | undefined,
      /** Given the plan and the version approved now (if any), as they are under the resident's lock. */
      check: (plan: CarePlan, approvedVersion: number | null) => void,
      approvedBy: string,
      reviewDate: Date,
      at: Date,
    ) =>
      writeOnce(plan.nhsNumber, request, async (tx) => {
        const approved = await tx.carePlan.findFirst({ where: { nhsNumber: plan.nhsNumber, status: "APPROVED" }, select: { version: true } });
        await current(tx, plan.id, (p) => check(p, approved?.version ?? null));
        await tx.carePlan.updateMany({
          where: { nhsNumber: plan.nhsNumber, status: "APPROVED" },
          data: { status: "SUPERSEDED", supersededAt: at, updatedAt: at },
        });
        return (await tx.carePlan.update({ where: { id: plan.id }, data: { status: "APPROVED", approvedAt: at, approvedBy, reviewDate, updatedAt: at } })).id;
      }),
    plans: cachedRows(
      cache,
      "CarePlan",
      (ids) => prisma.carePlan.findMany({ where: { id: { in: ids } } }),
      (p) => p.id,
    ),
    approvedPlans: cachedRows(
      cache,
      "Resident",
      (nhsNumbers) => prisma.carePlan.findMany({ where: { nhsNumber: { in: nhsNumbers }, status: "APPROVED" } }),
      (p) => p.nhsNumber,
      "approvedPlan",
    ),
    planHistories: cachedRelation(
      cache,
      "Resident",
      "history",
      (nhsNumbers) => prisma.carePlan.findMany({ where: { nhsNumber: { in: nhsNumbers } }, orderBy: [{ nhsNumber: "asc" }, { version: "desc" }] }),
      (p) => p.nhsNumber,
    ),
    /**
     * What's new (ADR 0006): the plans of these residents submitted or approved since `since`, and
     * their approved plan when its review is due (a standing state, however old the review date),
     * in one statement (not cached: a look back is asked once per look).
     */
    async changesOf(nhsNumbers: string[], since: Date): Promise<ResidentChange[]> {
      const now = new Date();
      const plans = await prisma.carePlan.findMany({
        where: {
          nhsNumber: { in: nhsNumbers },
          OR: [{ submittedAt: { gte: since } }, { approvedAt: { gte: since } }, { status: "APPROVED", reviewDate: { lte: startOfUtcDay(now) } }],
        },
        select: { nhsNumber: true, status: true, submittedAt: true, approvedAt: true, reviewDate: true },
      });
      return carePlanChanges(plans, since, now);
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
