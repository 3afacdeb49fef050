// The only code in this subgraph that talks to Prisma. Every read takes a batch of keys so the
// loaders can serve a whole care home with one statement per relation.
import { Prisma, PrismaClient } from "./prisma/generated/client.js";
import { onceInTransaction, type IdempotencyRequest } from "../../platform/db/idempotency.js";
import type { Database } from "../../platform/db/database.js";
import { countStatements, prismaOptions } from "../../platform/db/prisma.js";
import { bulkInsert } from "../../platform/db/bulk-insert.js";
import { cachedRelation, cachedRows } from "../../platform/cache/batched.js";
import type { EntityCache } from "../../platform/cache/entity-cache.js";
import { LEAVER_WINDOW_DAYS } from "../../platform/access/policy.js";
import type { PageInfo } from "../../platform/graphql/paging.js";
import type { RecordedDemographics } from "./fhir-match.js";
import type { FhirApplier } from "../../platform/ingest/contract.js";
import { eachSubmission } from "../../platform/ingest/batch.js";
import { createFhirWrites } from "./fhir-apply.js";

import type { Allergy, BreakGlass, Condition, Placement, Resident } from "./prisma/generated/client.js";
import type { SectionResult } from "../../platform/access/section-field.js";
export type { Resident, CareHome, GpPractice, Placement, Allergy, Condition, Organisation, BreakGlass } from "./prisma/generated/client.js";
/** The allergies and conditions sections as their resolvers hand them to their wrapper types (ADR 0005). */
export type AllergiesSection = SectionResult<Allergy[]>;
export type ConditionsSection = SectionResult<Condition[]>;
export type PlacementsSection = SectionResult<Placement[]>;
export type CurrentPlacementSection = SectionResult<Placement | null>;
/** The row a GraphQL BreakGlassSession resolves from (codegen.ts maps types to rows by name). */
export type BreakGlassSession = BreakGlass;

/**
 * What a GraphQL ResidentConnection (CareHome.residents) resolves from: the page, and what needs a
 * statement of its own only when the client asks for it (the total; whether rows lie beyond the cursor).
 */
export interface ResidentConnection {
  edges: { cursor: string; node: Resident }[];
  pageInfo: () => Promise<PageInfo>;
  totalCount: () => Promise<number>;
}

/** Whose placement at the home puts them on its list (CareHomeResidentsPlacement). */
export type ResidentListPlacement = "CURRENT" | "RECENT_LEAVERS" | "CURRENT_AND_RECENT_LEAVERS";
/** How the list is sorted (CareHomeResidentsOrder); every order ends with the NHS number, so it is total. */
export type ResidentListOrder = "NHS_NUMBER" | "FAMILY_NAME" | "ADMITTED_NEWEST_FIRST";

/** Which residents of a home are listed: conditions combined with AND. */
export interface ResidentListFilter {
  placement: ResidentListPlacement;
  /** Case-insensitive substring of "given family", already trimmed and checked; null: any name. */
  nameContains: string | null;
}

/** One page of a home's list: `limit` rows strictly beyond `position` in the direction of travel. */
export interface ResidentListPage extends ResidentListFilter {
  order: ResidentListOrder;
  backward: boolean;
  /** The sort key of the cursor's row (ResidentListOrder's columns, as ListedResident gives them); null from the start or end. */
  position: string[] | null;
  limit: number;
}

/** One resident on a home's list, with the sort keys its cursor is made of. */
export interface ListedResident {
  careHomeId: string;
  nhsNumber: string;
  /** First day of the placement that lists the resident (YYYY-MM-DD). */
  admittedOn: string;
  /** Lower-cased names, as the FAMILY_NAME order compares them. */
  familyKey: string;
  givenKey: string;
}

/** The sort key of a listed resident in `order`: what its cursor holds and what `position` takes. */
export function listKey(order: ResidentListOrder, row: ListedResident): string[] {
  switch (order) {
    case "NHS_NUMBER":
      return [row.nhsNumber];
    case "FAMILY_NAME":
      return [row.familyKey, row.givenKey, row.nhsNumber];
    case "ADMITTED_NEWEST_FIRST":
      return [row.admittedOn, row.nhsNumber];
  }
}

interface SortColumn {
  column: Prisma.Sql;
  descending: boolean;
  value: (v: string) => Prisma.Sql;
}
const asText = (v: string) => Prisma.sql`${v}::text`;
const nhsColumn: SortColumn = { column: Prisma.raw("nhs_number"), descending: false, value: asText };
/** Names compare byte-wise on their lower-case form ("C" collation), the same on every server whatever its locale. */
const nameColumn = (name: string): SortColumn => ({
  column: Prisma.raw(`${name} COLLATE "C"`),
  descending: false,
  value: (v) => Prisma.sql`${v}::text COLLATE "C"`,
});
const SORT: Record<ResidentListOrder, SortColumn[]> = {
  NHS_NUMBER: [nhsColumn],
  FAMILY_NAME: [nameColumn("family_key"), nameColumn("given_key"), nhsColumn],
  ADMITTED_NEWEST_FIRST: [{ column: Prisma.raw("start_date"), descending: true, value: (v) => Prisma.sql`${v}::date` }, nhsColumn],
};
/** Whether the page reads a column in ascending order: forwards in its own direction, backwards against it. */
const ascending = (c: SortColumn, backward: boolean) => c.descending === backward;

/** Rows strictly beyond the keyset `position`, in the direction of travel. */
function beyond(order: ResidentListOrder, backward: boolean, position: string[]): Prisma.Sql {
  const columns = SORT[order];
  const alternatives = columns.map((c, i) => {
    const equal = columns.slice(0, i).map((e, j) => Prisma.sql`${e.column} = ${e.value(position[j]!)}`);
    const step = Prisma.sql`${c.column} ${Prisma.raw(ascending(c, backward) ? ">" : "<")} ${c.value(position[i]!)}`;
    return Prisma.sql`(${Prisma.join([...equal, step], " AND ")})`;
  });
  return Prisma.sql`(${Prisma.join(alternatives, " OR ")})`;
}

/** "Contains", for ILIKE: the text with LIKE's wildcards and escape character escaped, between two %. */
const containsPattern = (text: string) => `%${text.replace(/[\\%_]/g, "\\$&")}%`;

/**
 * A placement its care home system cancelled or withdrew as entered in error is kept for audit and
 * is in no view: not listed, not current, and it grants no care home access (access.ts reads
 * `placements`).
 */
const SHOWN_PLACEMENT = { status: { in: ["ACTIVE", "FINISHED"] } } as const satisfies Prisma.PlacementWhereInput;
/** A condition refuted or entered in error is kept for audit and is in no view (seeded ones have no verification status). */
const SHOWN_CONDITION = { OR: [{ verificationStatus: null }, { verificationStatus: "CONFIRMED" }] } as const satisfies Prisma.ConditionWhereInput;

export function createResidentsRepository(db: Database, cache: EntityCache) {
  const prisma = countStatements(new PrismaClient(prismaOptions(db.adapterFor("residents"))));
  const fhirWrites = createFhirWrites(prisma, cache);
  // "Current" depends on the day, so the day is part of what is cached (see the relations below).
  const today = () => new Date().toISOString().slice(0, 10);
  const current = (day: string) => ({ startDate: { lte: new Date(day) }, OR: [{ endDate: null }, { endDate: { gte: new Date(day) } }] });
  const currentPlacements = cachedRelation(
    cache,
    "Resident",
    "currentPlacements",
    (nhsNumbers: string[], day: string) =>
      prisma.placement.findMany({ where: { nhsNumber: { in: nhsNumbers }, ...SHOWN_PLACEMENT, ...current(day) }, orderBy: { startDate: "desc" } }),
    (p) => p.nhsNumber,
  );
  /**
   * A home's list as a table: one row per resident with a placement there that the filter admits
   * (the latest such placement, if there are two), with the columns the orders sort on. Reads
   * residents' names too: the only writes (insertBatch) add residents with their placements, which
   * purge the home; a write that renamed a resident would have to purge the homes listing them.
   */
  const listed = (careHomeId: string, day: string, f: ResidentListFilter) => {
    const today = Prisma.sql`${day}::date`;
    const windowStart = Prisma.sql`(${today} - ${LEAVER_WINDOW_DAYS}::int)`;
    const placedToday = (p: string) => Prisma.sql`(${Prisma.raw(p)}.end_date IS NULL OR ${Prisma.raw(p)}.end_date >= ${today})`;
    const placement = {
      CURRENT: placedToday("p"),
      // Left within the leaver window (inclusive: left on D, listed up to D + 7) and not placed here again.
      RECENT_LEAVERS: Prisma.sql`p.end_date < ${today} AND p.end_date >= ${windowStart} AND NOT EXISTS (
        SELECT 1 FROM residents.placement c WHERE c.nhs_number = p.nhs_number AND c.care_home_id = p.care_home_id
          AND c.status IN ('ACTIVE', 'FINISHED') AND c.start_date <= ${today} AND ${placedToday("c")})`,
      CURRENT_AND_RECENT_LEAVERS: Prisma.sql`(p.end_date IS NULL OR p.end_date >= ${windowStart})`,
    }[f.placement];
    // The escape character is a parameter too, so no quoting rule can change it.
    const name =
      f.nameContains === null ? Prisma.empty : Prisma.sql`AND (r.given_name || ' ' || r.family_name) ILIKE ${containsPattern(f.nameContains)} ESCAPE ${"\\"}`;
    return Prisma.sql`WITH listed AS (
      SELECT DISTINCT ON (p.nhs_number) p.care_home_id, p.nhs_number::text AS nhs_number, p.start_date,
             lower(r.family_name) AS family_key, lower(r.given_name) AS given_key
      FROM residents.placement p JOIN residents.resident r ON r.nhs_number = p.nhs_number
      WHERE p.care_home_id = ${careHomeId} AND p.status IN ('ACTIVE', 'FINISHED') AND p.start_date <= ${today} AND ${placement} ${name}
      ORDER BY p.nhs_number, p.start_date DESC)`;
  };
  const residentList = cachedRelation(
    cache,
    "CareHome",
    "residentList",
    ([careHomeId]: string[], q: ResidentListPage & { day: string }) => {
      const order = SORT[q.order].map((c) => Prisma.sql`${c.column} ${Prisma.raw(ascending(c, q.backward) ? "ASC" : "DESC")}`);
      return prisma.$queryRaw<ListedResident[]>`${listed(careHomeId!, q.day, q)}
        SELECT care_home_id AS "careHomeId", nhs_number AS "nhsNumber", to_char(start_date, 'YYYY-MM-DD') AS "admittedOn",
               family_key AS "familyKey", given_key AS "givenKey"
        FROM listed ${q.position ? Prisma.sql`WHERE ${beyond(q.order, q.backward, q.position)}` : Prisma.empty}
        ORDER BY ${Prisma.join(order)} LIMIT ${q.limit}`;
    },
    (r) => r.careHomeId,
  );
  const residentCount = cachedRelation(
    cache,
    "CareHome",
    "residentCount",
    ([careHomeId]: string[], q: ResidentListFilter & { day: string }) =>
      prisma.$queryRaw<{ careHomeId: string; total: number }[]>`${listed(careHomeId!, q.day, q)}
        SELECT ${careHomeId}::text AS "careHomeId", count(*)::int AS total FROM listed`,
    (r) => r.careHomeId,
  );
  // Rows on the near side of a cursor (its own row included): what the flag behind a page needs.
  const residentListBehind = cachedRelation(
    cache,
    "CareHome",
    "residentListBehind",
    ([careHomeId]: string[], q: Omit<ResidentListPage, "limit" | "position"> & { position: string[]; day: string }) =>
      prisma.$queryRaw<{ careHomeId: string }[]>`${listed(careHomeId!, q.day, q)}
        SELECT care_home_id AS "careHomeId" FROM listed WHERE NOT ${beyond(q.order, q.backward, q.position)} LIMIT 1`,
    (r) => r.careHomeId,
  );

  const sessionsOfUser = cachedRelation(
    cache,
    "User",
    "breakGlass",
    (userIds: string[]) => prisma.breakGlass.findMany({ where: { userId: { in: userIds }, expiresAt: { gt: new Date() } } }),
    (b) => b.userId,
  );

  return {
    /** Who these NHS numbers are, read fresh (never from the cache) for patient matching (fhir-match.ts). */
    async demographicsOf(nhsNumbers: string[]): Promise<RecordedDemographics[]> {
      if (nhsNumbers.length === 0) return [];
      const rows = await prisma.resident.findMany({
        where: { nhsNumber: { in: nhsNumbers } },
        select: { nhsNumber: true, dateOfBirth: true, familyName: true },
      });
      return rows.map((r) => ({ nhsNumber: r.nhsNumber, birthDate: r.dateOfBirth.toISOString().slice(0, 10), family: r.familyName }));
    },
    /**
     * FHIR ingestion (ADR 0008; rules in fhir.ts, writes in fhir-apply.ts): the Patient entries of a
     * system that owns demographics, applied by the matching stage before the rest of the job is matched.
     */
    applyDemographics: fhirWrites.applyDemographics,
    /** FHIR ingestion: the residents FhirApplier (EpisodeOfCare, AllergyIntolerance, Condition). */
    applyFhir: fhirWrites.applyFhir,
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
      (nhsNumbers) =>
        prisma.placement.findMany({ where: { nhsNumber: { in: nhsNumbers }, ...SHOWN_PLACEMENT }, orderBy: [{ startDate: "desc" }, { id: "asc" }] }),
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
      (nhsNumbers) =>
        prisma.condition.findMany({ where: { nhsNumber: { in: nhsNumbers }, ...SHOWN_CONDITION }, orderBy: [{ recordedAt: "desc" }, { id: "asc" }] }),
      (c) => c.nhsNumber,
    ),
    /** One page of a home's resident list (CareHome.residents), keyset-paged in either direction. */
    residentsOfHome: (careHomeId: string, page: ResidentListPage) => residentList([careHomeId], { ...page, day: today() }),
    /** How many residents a home's list has with the filter applied. */
    residentCountOfHome: async (careHomeId: string, filter: ResidentListFilter) =>
      (await residentCount([careHomeId], { placement: filter.placement, nameContains: filter.nameContains, day: today() }))[0]?.total ?? 0,
    /** Whether the list has a row on the near side of `page.position` (the cursor's own row included). */
    residentsBehindCursor: async (careHomeId: string, page: ResidentListPage & { position: string[] }) =>
      (
        await residentListBehind([careHomeId], {
          placement: page.placement,
          nameContains: page.nameContains,
          order: page.order,
          backward: page.backward,
          position: page.position,
          day: today(),
        })
      ).length > 0,
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

/** The residents subgraph's FHIR applier (the `fhir-residents` worker's entry point; issue 11). */
// Placements, allergies and conditions are a small share of the feed and their rules read the
// sender (a care home places only into its own home), so each submission is applied on its own.
export const residentsApplier = (repo: Pick<ResidentsRepository, "applyFhir">): FhirApplier => ({
  apply: (batch) => eachSubmission(batch, (part) => repo.applyFhir(part.meta, part.entries)),
});
