// The only code in this subgraph that talks to Prisma: appending access events and reading the
// rollups. Analytics never touch access_event itself, so they stay fast at tens of millions of rows.
import { PrismaClient, Prisma } from "./prisma/generated/client.js";
import type { Database } from "../../platform/db/database.js";
import { countStatements, prismaOptions } from "../../platform/db/prisma.js";
import { bulkInsert } from "../../platform/db/bulk-insert.js";
import { afterTimeKeyset, type TimeKeyset } from "../../platform/graphql/paging.js";
import { onceInTransaction, type IdempotencyRequest } from "../../platform/db/idempotency.js";

export type AccessEventInput = Prisma.AccessEventCreateManyInput;
/** An access event as stored: role, organisation type, section and code as the gateway wrote them (resolvers/events.ts maps them to the schema's enums). */
export type { AccessEvent } from "./prisma/generated/client.js";
export type Period = "DAY" | "WEEK" | "MONTH";
/** "What's new" (ADR 0006): what its resolvers receive (codegen.ts maps types by name). */
export type { ResidentUnseen, UnseenSection, Change as UnseenChange } from "./unseen/compute.js";
export type { HomeSummary as CareHomeUnseen, CareHomeSection as CareHomeUnseenSection } from "./unseen/home.js";
/** A care home as this subgraph knows it: its key. */
export interface CareHome {
  id: string;
}

export interface EventFilter {
  from: Date;
  to: Date;
  nhsNumber?: string | null;
  userId?: string | null;
  breakGlassOnly?: boolean | null;
  deniedOnly?: boolean | null;
  after: TimeKeyset | null;
}

export interface UsageFilter {
  from: Date;
  to: Date;
  /** Only this stored org_type (lower case, as the tokens carry it). */
  orgType?: string | null;
  /** Only org_types other than these (what UsageOrgType.UNKNOWN stands for). */
  orgTypeNotIn?: readonly string[] | null;
  orgCode?: string | null;
}

/** What a UsageReport's fields resolve from: the checked filter the rollups are read with (codegen.ts maps types by name). */
export interface UsageReport {
  filter: UsageFilter;
}

export function createUsageRepository(db: Database) {
  const prisma = countStatements(new PrismaClient(prismaOptions(db.adapterFor("usage"))));
  const where = (f: UsageFilter) => Prisma.sql`day >= ${f.from}::date AND day <= ${f.to}::date
    ${f.orgType ? Prisma.sql`AND org_type = ${f.orgType}` : Prisma.empty}
    ${f.orgTypeNotIn?.length ? Prisma.sql`AND org_type <> ALL(${[...f.orgTypeNotIn]}::text[])` : Prisma.empty}
    ${f.orgCode ? Prisma.sql`AND org_code = ${f.orgCode}` : Prisma.empty}`;
  const allowed = Prisma.sql`AND outcome = 'ALLOWED'`;

  return {
    /** One INSERT for the batch (bulk path); the rollup trigger runs once per statement. */
    append: (events: AccessEventInput[]) => bulkInsert(db.sql, "usage", "access_event", events),
    viewsBy: (dimension: "section" | "org_code" | "org_type", f: UsageFilter, limit: number) =>
      prisma.$queryRaw<{ key: string; views: bigint }[]>`
        SELECT ${Prisma.raw(dimension)} AS key, sum(events)::bigint AS views FROM "usage"."usage_daily"
         WHERE ${where(f)} ${allowed} GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ${limit}`,
    timeline: (period: Period, f: UsageFilter) =>
      prisma.$queryRaw<{ period: Date; views: bigint }[]>`
        SELECT date_trunc(${period.toLowerCase()}, day)::date AS period, sum(events)::bigint AS views FROM "usage"."usage_daily"
         WHERE ${where(f)} ${allowed} GROUP BY 1 ORDER BY 1`,
    uniqueUsersTimeline: (period: Period, f: UsageFilter) =>
      prisma.$queryRaw<{ period: Date; users: bigint }[]>`
        SELECT date_trunc(${period.toLowerCase()}, day)::date AS period, count(DISTINCT user_id)::bigint AS users
          FROM "usage"."usage_user_daily" WHERE ${where(f)} GROUP BY 1 ORDER BY 1`,
    uniqueUsers: async (f: UsageFilter) =>
      (
        await prisma.$queryRaw<{ users: bigint }[]>`
        SELECT count(DISTINCT user_id)::bigint AS users FROM "usage"."usage_user_daily" WHERE ${where(f)}`
      )[0]?.users ?? 0n,
    breakGlassCount: async (f: UsageFilter) =>
      (
        await prisma.$queryRaw<{ n: bigint }[]>`
        SELECT coalesce(sum(events), 0)::bigint AS n FROM "usage"."usage_daily" WHERE ${where(f)} AND purpose = 'BREAK_GLASS'`
      )[0]?.n ?? 0n,
    deniedCount: async (f: UsageFilter) =>
      (
        await prisma.$queryRaw<{ n: bigint }[]>`
        SELECT coalesce(sum(events), 0)::bigint AS n FROM "usage"."usage_daily" WHERE ${where(f)} AND outcome = 'DENIED'`
      )[0]?.n ?? 0n,
    /** Events for the privacy officer, newest first, keyset-paged on (occurredAt, id). */
    events: (f: EventFilter, limit: number) =>
      prisma.accessEvent.findMany({
        where: {
          occurredAt: { gte: f.from, lte: f.to },
          ...(f.nhsNumber ? { nhsNumber: f.nhsNumber } : {}),
          ...(f.userId ? { userId: f.userId } : {}),
          ...(f.breakGlassOnly ? { purpose: "BREAK_GLASS" as const } : {}),
          ...(f.deniedOnly ? { outcome: "DENIED" as const } : {}),
          ...afterTimeKeyset("occurredAt", f.after),
        },
        orderBy: [{ occurredAt: "desc" }, { id: "asc" }],
        take: limit,
      }),
    /** A user's last looks at these residents' sections (ADR 0006): the audit's rollup, one index probe per resident. */
    lastLooks: (userId: string, nhsNumbers: string[]) => prisma.lastLook.findMany({ where: { userId, nhsNumber: { in: [...new Set(nhsNumbers)] } } }),
    /**
     * markSeen: its ACKNOWLEDGED events in one transaction with the client's idempotency key, if any.
     * Answers when the marking was recorded (the first time, for a retried key).
     */
    acknowledgeOnce: async (request: IdempotencyRequest | undefined, events: (markedAt: Date) => AccessEventInput[]) =>
      prisma.$transaction(async (tx) => {
        const { id } = await onceInTransaction(tx, "usage", request, [], async () => {
          const markedAt = new Date();
          await tx.accessEvent.createMany({ data: events(markedAt) });
          return markedAt.toISOString();
        });
        return new Date(id);
      }),
    ping: async () => void (await prisma.$queryRaw`SELECT 1`),
    close: () => prisma.$disconnect(),
  };
}

export type UsageRepository = ReturnType<typeof createUsageRepository>;
