// The only code in this subgraph that talks to Prisma. Every read takes a batch of keys so the
// loaders can serve a whole care home with one statement per relation.
import { PrismaClient, type Prisma } from "./prisma/generated/client.js";
import { onceInTransaction, type IdempotencyRequest } from "../../platform/db/idempotency.js";
import type { Database } from "../../platform/db/database.js";
import { countStatements, prismaOptions } from "../../platform/db/prisma.js";
import { bulkInsert } from "../../platform/db/bulk-insert.js";
import { cachedRelation, cachedRows } from "../../platform/cache/batched.js";
import type { EntityCache } from "../../platform/cache/entity-cache.js";

import type { BreakGlass } from "./prisma/generated/client.js";
export type { Resident, CareHome, GpPractice, Placement, Allergy, Condition, Organisation, BreakGlass } from "./prisma/generated/client.js";
/** The row a GraphQL BreakGlassSession resolves from (codegen.ts maps types to rows by name). */
export type BreakGlassSession = BreakGlass;

export function createResidentsRepository(db: Database, cache: EntityCache) {
  const prisma = countStatements(new PrismaClient(prismaOptions(db.adapterFor("residents"))));
  // "Current" depends on the day, so the day is part of what is cached (see the relations below).
  const today = () => new Date().toISOString().slice(0, 10);
  const current = (day: string) => ({ startDate: { lte: new Date(day) }, OR: [{ endDate: null }, { endDate: { gte: new Date(day) } }] });
  const currentPlacements = cachedRelation(
    cache,
    "Resident",
    "currentPlacements",
    (nhsNumbers: string[], day: string) =>
      prisma.placement.findMany({ where: { nhsNumber: { in: nhsNumbers }, ...current(day) }, orderBy: { startDate: "desc" } }),
    (p) => p.nhsNumber,
  );
  const residentsOfHome = cachedRelation(
    cache,
    "CareHome",
    "residents",
    ([careHomeId]: string[], q: { day: string; after: string | null; limit: number }) =>
      prisma.placement.findMany({
        where: { careHomeId, ...current(q.day), ...(q.after ? { nhsNumber: { gt: q.after } } : {}) },
        orderBy: { nhsNumber: "asc" },
        take: q.limit,
        select: { nhsNumber: true, careHomeId: true },
      }),
    (p) => p.careHomeId,
  );

  const sessionsOfUser = cachedRelation(
    cache,
    "User",
    "breakGlass",
    (userIds: string[]) => prisma.breakGlass.findMany({ where: { userId: { in: userIds }, expiresAt: { gt: new Date() } } }),
    (b) => b.userId,
  );

  return {
    residents: cachedRows(
      cache,
      "Resident",
      (nhsNumbers) => prisma.resident.findMany({ where: { nhsNumber: { in: nhsNumbers } } }),
      (r) => r.nhsNumber,
    ),
    careHomes: cachedRows(
      cache,
      "CareHome",
      (ids) => prisma.careHome.findMany({ where: { id: { in: ids } } }),
      (h) => h.id,
    ),
    gpPractices: cachedRows(
      cache,
      "GpPractice",
      (codes) => prisma.gpPractice.findMany({ where: { odsCode: { in: codes } } }),
      (p) => p.odsCode,
    ),
    placements: cachedRelation(
      cache,
      "Resident",
      "placements",
      (nhsNumbers) => prisma.placement.findMany({ where: { nhsNumber: { in: nhsNumbers } }, orderBy: [{ startDate: "desc" }, { id: "asc" }] }),
      (p) => p.nhsNumber,
    ),
    /** Placements in force today for these residents (at most one each by the data rules). */
    currentPlacements: (nhsNumbers: string[]) => currentPlacements(nhsNumbers, today()),
    allergies: cachedRelation(
      cache,
      "Resident",
      "allergies",
      (nhsNumbers) => prisma.allergy.findMany({ where: { nhsNumber: { in: nhsNumbers } }, orderBy: [{ recordedAt: "desc" }, { id: "asc" }] }),
      (a) => a.nhsNumber,
    ),
    conditions: cachedRelation(
      cache,
      "Resident",
      "conditions",
      (nhsNumbers) => prisma.condition.findMany({ where: { nhsNumber: { in: nhsNumbers } }, orderBy: [{ recordedAt: "desc" }, { id: "asc" }] }),
      (c) => c.nhsNumber,
    ),
    /** One page of the residents placed at a home today, keyset-paged by NHS number. */
    currentResidentsOfHome: (careHomeId: string, afterNhsNumber: string | null, limit: number) =>
      residentsOfHome([careHomeId], { day: today(), after: afterNhsNumber, limit }),
    organisations: cachedRows(
      cache,
      "Organisation",
      (odsCodes) => prisma.organisation.findMany({ where: { odsCode: { in: odsCodes } } }),
      (o) => o.odsCode,
    ),
    /** Break-glass sessions of one user still in force at `now`, for these residents. */
    /**
     * Break-glass sessions of one user still in force at `now`, for these residents. Every request
     * asks this (access decisions and the audit's purpose), so the user's unexpired sessions are
     * cached and filtered by time here: starting a session purges them, expiry needs no purge.
     */
    activeBreakGlass: async (userId: string, nhsNumbers: string[], now: Date) => {
      const wanted = new Set(nhsNumbers);
      return (await sessionsOfUser([userId])).filter((b) => b.expiresAt > now && wanted.has(b.nhsNumber));
    },
    breakGlassById: (ids: string[]) => prisma.breakGlass.findMany({ where: { id: { in: ids } } }),
    /** Starts a session once per client idempotency key (platform/db/idempotency.ts): a retry gets the first session. */
    startBreakGlass: async (data: Prisma.BreakGlassCreateInput, request?: IdempotencyRequest) => {
      const { id } = await prisma.$transaction((tx) => onceInTransaction(tx, "residents", request, [], async () => (await tx.breakGlass.create({ data })).id));
      await cache.purge([cache.key("User", data.userId)]);
      return prisma.breakGlass.findUniqueOrThrow({ where: { id } });
    },
    breakGlassForReview: (reviewed: boolean | null, limit: number, afterId: string | null) =>
      prisma.breakGlass.findMany({
        where: { ...(reviewed === null ? {} : reviewed ? { reviewedAt: { not: null } } : { reviewedAt: null }), ...(afterId ? { id: { gt: afterId } } : {}) },
        orderBy: { id: "asc" },
        take: limit,
      }),
    /**
     * Closes an open review once per client idempotency key: a retry gets the session it closed.
     * `notOpen` is thrown (rolling back, so no key is recorded) when no open review has that id.
     */
    closeBreakGlassReviewOnce: async (
      id: string,
      reviewedBy: string,
      note: string,
      at: Date,
      request: IdempotencyRequest | undefined,
      notOpen: () => Error,
    ) => {
      const { id: closed } = await prisma.$transaction((tx) =>
        onceInTransaction(tx, "residents", request, [], async () => {
          const { count } = await tx.breakGlass.updateMany({ where: { id, reviewedAt: null }, data: { reviewedAt: at, reviewedBy, reviewNote: note } });
          if (count === 0) throw notOpen();
          return id;
        }),
      );
      return prisma.breakGlass.findUniqueOrThrow({ where: { id: closed } });
    },
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
      await cache.purge([
        ...[...batch.residents, ...batch.placements, ...batch.allergies, ...batch.conditions].map((r) => cache.key("Resident", r.nhsNumber)),
        ...[...batch.careHomes.map((h) => h.id), ...batch.placements.map((p) => p.careHomeId)].map((id) => cache.key("CareHome", id)),
        ...batch.gpPractices.map((p) => cache.key("GpPractice", p.odsCode)),
        ...batch.organisations.map((o) => cache.key("Organisation", o.odsCode)),
      ]);
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
