// The only code in this subgraph that talks to Prisma. Reads take batches of keys.
import { PrismaClient, type Prisma } from "./prisma/generated/client.js";
import type { DiagnosticCategory } from "./prisma/generated/enums.js";
import type { Database } from "../../platform/db/database.js";
import { countStatements, prismaOptions, transactionSql } from "../../platform/db/prisma.js";
import { bulkInsert } from "../../platform/db/bulk-insert.js";
import { afterTimeKeyset, type TimeKeyset } from "../../platform/graphql/paging.js";
import { cachedRelation, cachedRows } from "../../platform/cache/batched.js";
import type { EntityCache } from "../../platform/cache/entity-cache.js";
import { labsChanges } from "./changes.js";
import { lockKeys, snakeKeys, textArray } from "../../platform/ingest/apply-sql.js";
import type { ResidentChange } from "../../platform/access/record-changes.js";
import type { EntryOutcome, EntryStatus, FhirApplier, MatchedEntry, SubmissionEntries } from "../../platform/ingest/contract.js";
import { joinRows, liftIndexes } from "../../platform/ingest/batch.js";
import { labsFhir, type ObservationRow, type ReportRow } from "./fhir.js";

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

/**
 * A report withdrawn as entered in error (FHIR `entered-in-error`: it should never have existed,
 * e.g. the wrong patient) keeps its row for audit, and is in no view: not in a resident's list, and
 * an entity reference to it (`_entities`, `DiagnosticReport` by id) resolves to null, as for a report
 * that does not exist. "What's new" still tells that a result someone may have seen was withdrawn
 * (changes.ts reads the rows directly).
 */
const VISIBLE = { status: { not: "ENTERED_IN_ERROR" } } as const satisfies Prisma.DiagnosticReportWhereInput;

/** Transaction-level advisory locks of ingestion take this first key (the second is the report's key). */
const INGEST_LOCK_CLASS = 0x1abf; // "labs FHIR"

export function createLabsRepository(db: Database, cache: EntityCache) {
  const prisma = countStatements(new PrismaClient(prismaOptions(db.adapterFor("labs"))));
  return {
    /** Reports by id (entity resolution); a report entered in error is absent (see VISIBLE). */
    reports: cachedRows(
      cache,
      "DiagnosticReport",
      (ids) => prisma.diagnosticReport.findMany({ where: { id: { in: ids }, ...VISIBLE } }),
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
            ...VISIBLE,
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
    /**
     * FHIR ingestion (issue 11): the labs FhirApplier. Applies the matched DiagnosticReport and
     * Observation entries of a batch of submissions, all in one transaction (a report and the
     * observations it lists come in the same submission; see fhir.ts for the checks), and returns
     * one outcome list per submission, one outcome per entry in their order; an Observation has
     * its report's outcome. Submissions of one batch are decided in their order, as if applied one after the other. Per report, against the row with the same business
     * key (source_key):
     *  - none: inserted (recorded_at = updated_at = now): APPLIED;
     *  - recorded for another patient: REJECTED (a result is never moved between patients);
     *  - meta.lastUpdated older than the applied version's: SUPERSEDED, equal: DUPLICATE (nothing written;
     *    APPLIED when that version is this same submission's, stored by an earlier attempt of a retried job);
     *  - newer: the row updated in place (id and recorded_at kept, updated_at = now, status as sent,
     *    so an amended or corrected report is RESULT_AMENDED in what's new) and its observations
     *    replaced by those sent; APPLIED. A report withdrawn as entered in error that lists no
     *    results keeps the results it had (for audit; it is in no view any more).
     * One transaction per call and a fixed number of statements whatever the number of entries
     * (advisory locks on the keys, so two workers applying versions of one new report queue instead
     * of racing to insert it; the rows FOR UPDATE; one UPDATE, one DELETE, two bulk INSERTs). The
     * caches of every written report and its resident are purged after the commit, as insertBatch does.
     */
    async applyFhir(batch: readonly SubmissionEntries<MatchedEntry>[]): Promise<EntryOutcome[][]> {
      const lifted = liftIndexes(batch);
      const { reports, rejected } = joinRows(
        lifted.parts.map((part) => labsFhir.toRows(part.meta, part.entries)),
        { reports: [], rejected: [] },
      );
      const outcomes = new Map<number, EntryOutcome>(rejected.map((o) => [o.index, o]));
      const written: ReportRow[] = [];
      if (reports.length > 0) {
        const now = new Date();
        await prisma.$transaction(
          async (tx) => {
            const sql = transactionSql(tx);
            const keys = [...new Set(reports.map((r) => r.report.sourceKey))];
            await lockKeys(sql, INGEST_LOCK_CLASS, keys);
            const existing = await sql.query<StoredVersion>(
              `SELECT id, source_key, nhs_number, source_version_at, recorded_at, abnormal, submission_id FROM "labs"."diagnostic_report"
                WHERE source_key = ANY($1::text[]) FOR UPDATE`,
              [textArray(keys)],
            );
            const plan = planWrites(reports, existing, now, (indexes, status, reason) =>
              indexes.forEach((index) => outcomes.set(index, reason ? { index, status, reason } : { index, status })),
            );
            if (plan.updates.length > 0)
              await sql.query(
                `UPDATE "labs"."diagnostic_report" AS d SET status = u.status, category = u.category, code = u.code, display = u.display,
                        effective_at = u.effective_at, issued_at = u.issued_at, performer_name = u.performer_name, performer_ods = u.performer_ods,
                        requester = u.requester, conclusion = u.conclusion, abnormal = u.abnormal, source_system = u.source_system,
                        source_version_at = u.source_version_at, sender_ods = u.sender_ods, submission_id = u.submission_id, updated_at = u.updated_at
                   FROM jsonb_to_recordset($1::jsonb) AS u(id text, status "labs"."DiagnosticReportStatus", category "labs"."DiagnosticCategory",
                        code text, display text, effective_at timestamptz, issued_at timestamptz, performer_name text, performer_ods text,
                        requester text, conclusion text, abnormal boolean, source_system text, source_version_at timestamptz, sender_ods text,
                        submission_id text, updated_at timestamptz)
                  WHERE d.id = u.id`,
                [JSON.stringify(plan.updates.map(snakeKeys))],
              );
            if (plan.replaced.length > 0) await sql.query(`DELETE FROM "labs"."observation" WHERE report_id = ANY($1::text[])`, [textArray(plan.replaced)]);
            await bulkInsert(sql, "labs", "diagnostic_report", plan.inserts);
            await bulkInsert(sql, "labs", "observation", plan.observations);
            written.push(...plan.inserts, ...plan.updates);
          },
          { maxWait: 10_000, timeout: 60_000 },
        );
      }
      if (written.length > 0)
        await cache.purge([...written.map((r) => cache.key("Resident", r.nhsNumber)), ...written.map((r) => cache.key("DiagnosticReport", r.id))]);
      return lifted.split(outcomes);
    },
  };
}

/** What the applier reads of a report already recorded under one of the batch's keys. */
interface StoredVersion {
  id: string;
  source_key: string;
  nhs_number: string;
  source_version_at: Date | null;
  recorded_at: Date;
  abnormal: boolean;
  submission_id: string | null;
}

type Stamped<R> = R & { recordedAt: Date; updatedAt: Date };

interface WritePlan {
  inserts: Stamped<ReportRow>[];
  updates: Stamped<ReportRow>[];
  /** Ids of stored reports whose observations are replaced (deleted before the new ones are inserted). */
  replaced: string[];
  observations: Stamped<ObservationRow>[];
}

/**
 * Decides each report of the batch against the stored version under its key, and against earlier
 * reports of the same batch under that key (the newest wins, as if applied one after the other).
 */
function planWrites(
  reports: ReturnType<typeof labsFhir.toRows>["reports"],
  stored: StoredVersion[],
  now: Date,
  decide: (indexes: number[], status: EntryStatus, reason?: string) => void,
): WritePlan {
  interface State {
    id: string;
    nhsNumber: string;
    versionAt: number;
    recordedAt: Date;
    abnormal: boolean;
    stored: boolean;
    /** The submission whose version is stored (null for seeded rows). */
    submissionId: string | null;
    /** The version this batch writes under the key, with its observations (null: keep the stored ones). */
    write: { row: ReportRow; observations: ObservationRow[] | null } | null;
  }
  const state = new Map<string, State>(
    stored.map((s) => [
      s.source_key,
      {
        id: s.id,
        nhsNumber: s.nhs_number,
        versionAt: s.source_version_at?.getTime() ?? Number.NEGATIVE_INFINITY,
        recordedAt: s.recorded_at,
        abnormal: s.abnormal,
        stored: true,
        submissionId: s.submission_id,
        write: null,
      },
    ]),
  );
  for (const { indexes, report, observations } of reports) {
    const key = report.sourceKey;
    const version = report.sourceVersionAt.getTime();
    const s = state.get(key);
    if (!s) {
      state.set(key, {
        id: report.id,
        nhsNumber: report.nhsNumber,
        versionAt: version,
        recordedAt: now,
        abnormal: report.abnormal,
        stored: false,
        submissionId: report.submissionId,
        write: { row: report, observations },
      });
      decide(indexes, "APPLIED");
    } else if (s.nhsNumber !== report.nhsNumber) decide(indexes, "REJECTED", "the report is already recorded for another patient");
    else if (version < s.versionAt) decide(indexes, "SUPERSEDED", "a later version of the report is already applied");
    // The same submission's own version, stored by an earlier attempt of this job (its outcome lost
    // to a crash or a restart before it was logged): what this submission did is APPLIED.
    else if (version === s.versionAt && s.stored && s.submissionId === report.submissionId) decide(indexes, "APPLIED");
    else if (version === s.versionAt) decide(indexes, "DUPLICATE", "this version of the report is already applied");
    else {
      // A withdrawal that lists no results keeps the results (and the abnormal flag) it withdraws.
      const keep = report.status === "ENTERED_IN_ERROR" && observations.length === 0;
      const row = { ...report, id: s.id, abnormal: keep ? s.abnormal : report.abnormal };
      const kept = keep ? (s.write ? s.write.observations : null) : observations.map((o) => ({ ...o, reportId: s.id }));
      Object.assign(s, { versionAt: version, abnormal: row.abnormal, write: { row, observations: kept } });
      decide(indexes, "APPLIED");
    }
  }
  const plan: WritePlan = { inserts: [], updates: [], replaced: [], observations: [] };
  for (const s of state.values()) {
    if (!s.write) continue;
    const times = { recordedAt: s.recordedAt, updatedAt: now };
    (s.stored ? plan.updates : plan.inserts).push({ ...s.write.row, ...times });
    if (s.write.observations === null) continue;
    if (s.stored) plan.replaced.push(s.id);
    plan.observations.push(...s.write.observations.map((o) => ({ ...o, ...times })));
  }
  return plan;
}

/** A row with its fields as column names (for jsonb_to_recordset). */

/** The labs subgraph's FHIR applier (the worker's entry point; issue 11). */
export const labsApplier = (repo: LabsRepository): FhirApplier => ({ apply: (batch) => repo.applyFhir(batch) });

export interface LabsBatch {
  reports: Prisma.DiagnosticReportCreateManyInput[];
  observations: Prisma.ObservationCreateManyInput[];
}

export type LabsRepository = ReturnType<typeof createLabsRepository>;
