// The residents subgraph's FHIR writes (ADR 0008), used by its repository: an owner's Patient
// entries (applyDemographics, run by the matching stage before anything else of the job is
// matched) and the matched EpisodeOfCare, AllergyIntolerance and Condition entries (applyFhir, the
// `fhir-residents` worker). The rules are in fhir.ts; here is how they are written:
//  - one transaction per call and a fixed number of statements whatever the number of entries:
//    advisory locks on the keys in sorted order (two workers applying versions of one new record
//    queue instead of racing to insert it), the stored rows FOR UPDATE, one UPDATE and one bulk
//    INSERT per table;
//  - per key, against the stored version (meta.lastUpdated): none: inserted (recorded_at =
//    updated_at = now); older: SUPERSEDED, equal: DUPLICATE (nothing written; APPLIED when it was
//    this very submission, i.e. a retried job); newer: updated in place (id and recorded_at kept,
//    updated_at = now); a record is never moved between residents (REJECTED);
//  - the caches of every written resident (and of the care homes whose lists show them) are
//    purged after the commit.
import type { PrismaClient } from "./prisma/generated/client.js";
import type { EntityCache } from "../../platform/cache/entity-cache.js";
import { transactionSql } from "../../platform/db/prisma.js";
import { bulkInsert } from "../../platform/db/bulk-insert.js";
import { newRecordId } from "../../platform/ids/opaque-id.js";
import { LEAVER_WINDOW_DAYS } from "../../platform/access/policy.js";
import type { EntryOutcome, EntryStatus, IngestEntry, MatchedEntry, SubmissionMeta } from "../../platform/ingest/contract.js";
import { lockKeys, snakeKeys, textArray } from "../../platform/ingest/apply-sql.js";
import { DEMOGRAPHICS_OWNERS, demographicsOf, residentsFhir, type AllergyRow, type ConditionRow, type DemographicsRow, type PlacementRow } from "./fhir.js";
import { familyNamesAgree, type QuarantineReason } from "./fhir-match.js";

/** Transaction-level advisory locks of ingestion take this first key (the second is the record's key or NHS number). */
const INGEST_LOCK_CLASS = 0x2e51; // "residents FHIR"
/** Placements that are placements: cancelled and entered-in-error ones are kept for audit only. */
export const SHOWN_PLACEMENT_STATUSES = ["ACTIVE", "FINISHED"] as const;

type Outcomes = Map<number, EntryOutcome | { quarantine: string }>;

const TRANSACTION = { maxWait: 10_000, timeout: 60_000 } as const;

export function createFhirWrites(prisma: PrismaClient, cache: EntityCache) {
  const purge = (nhsNumbers: Iterable<string>, homes: Iterable<string>) =>
    cache.purge([...new Set(nhsNumbers)].map((n) => cache.key("Resident", n)).concat([...new Set(homes)].map((h) => cache.key("CareHome", h))));

  return {
    /**
     * An owner's Patient entries (fhir.ts rules 1-3). Returns the outcome of each Patient it took,
     * or why it quarantines it; a care home system's Patient of a resident not placed at its home
     * is left out (the matcher matches it like any sender's).
     */
    async applyDemographics(meta: SubmissionMeta, entries: readonly IngestEntry[]): Promise<Outcomes> {
      const out: Outcomes = new Map();
      // Rule 1, here too (the matcher asks only for owners): anyone else's Patient is matched, never applied.
      if (!DEMOGRAPHICS_OWNERS.has(meta.sourceKind)) return out;
      const rows: DemographicsRow[] = [];
      for (const e of entries) {
        if (e.resource.resourceType !== "Patient") continue;
        const d = demographicsOf(meta, e);
        if ("row" in d) rows.push(d.row);
        else if ("rejected" in d) out.set(e.index, { index: e.index, status: "REJECTED", reason: d.rejected });
        else if ("quarantine" in d) out.set(e.index, { quarantine: d.quarantine });
      }
      if (rows.length === 0) return out;
      const now = new Date();
      const today = now.toISOString().slice(0, 10);
      const written = new Set<string>();
      const homes: string[] = [];
      await prisma.$transaction(async (tx) => {
        const sql = transactionSql(tx);
        const numbers = rows.map((r) => r.nhsNumber);
        await lockKeys(
          sql,
          INGEST_LOCK_CLASS,
          numbers.map((n) => `resident:${n}`),
        );
        const stored = await sql.query<StoredResident>(
          `SELECT r.nhs_number::text AS nhs_number, r.family_name, to_char(r.date_of_birth, 'YYYY-MM-DD') AS date_of_birth, r.source_version_at,
                  r.submission_id, EXISTS (SELECT 1 FROM "residents"."placement" p WHERE p.nhs_number = r.nhs_number AND p.care_home_id = $2
                    AND p.status IN ('ACTIVE', 'FINISHED') AND p.start_date <= $3::date AND (p.end_date IS NULL OR p.end_date >= $3::date - $4::int)) AS placed_here
             FROM "residents"."resident" r WHERE r.nhs_number = ANY($1::text[]) FOR UPDATE OF r`,
          [textArray(numbers), meta.senderOds, today, LEAVER_WINDOW_DAYS],
        );
        const wanted = [...new Set(rows.flatMap((r) => (r.gpPracticeCode ? [r.gpPracticeCode] : [])))];
        const practices = new Set(
          wanted.length === 0
            ? []
            : (
                await sql.query<{ ods_code: string }>(`SELECT ods_code FROM "residents"."gp_practice" WHERE ods_code = ANY($1::text[])`, [textArray(wanted)])
              ).map((p) => p.ods_code),
        );
        const plan = planDemographics(meta, rows, stored, practices, now, (index, outcome) => out.set(index, outcome));
        if (plan.updates.length > 0)
          await sql.query(
            `UPDATE "residents"."resident" AS r SET given_name = u.given_name, family_name = u.family_name, date_of_birth = u.date_of_birth, sex = u.sex,
                    gp_practice_code = COALESCE(u.gp_practice_code, r.gp_practice_code), source_system = u.source_system,
                    source_version_at = u.source_version_at, sender_ods = u.sender_ods, submission_id = u.submission_id, updated_at = u.updated_at
               FROM jsonb_to_recordset($1::jsonb) AS u(nhs_number text, given_name text, family_name text, date_of_birth date, sex "residents"."Sex",
                    gp_practice_code text, source_system text, source_version_at timestamptz, sender_ods text, submission_id text, updated_at timestamptz)
              WHERE r.nhs_number = u.nhs_number`,
            [JSON.stringify(plan.updates.map(snakeKeys))],
          );
        await bulkInsert(sql, "residents", "resident", plan.inserts);
        // A renamed resident's homes list them by name (repository.ts `listed`): their lists are purged too.
        if (plan.updates.length > 0)
          homes.push(
            ...(
              await sql.query<{ care_home_id: string }>(`SELECT DISTINCT care_home_id FROM "residents"."placement" WHERE nhs_number = ANY($1::text[])`, [
                textArray(plan.updates.map((u) => u.nhsNumber)),
              ])
            ).map((h) => h.care_home_id),
          );
        [...plan.updates, ...plan.inserts].forEach((r) => written.add(r.nhsNumber));
      }, TRANSACTION);
      if (written.size > 0) await purge(written, homes);
      return out;
    },

    /** The matched EpisodeOfCare, AllergyIntolerance and Condition entries (fhir.ts rules 4-8); one outcome per entry, in their order. */
    async applyFhir(meta: SubmissionMeta, entries: readonly MatchedEntry[]): Promise<EntryOutcome[]> {
      const { placements, allergies, conditions, rejected } = residentsFhir.toRows(meta, entries);
      const outcomes = new Map<number, EntryOutcome>(rejected.map((o) => [o.index, o]));
      const decide = (index: number, status: EntryStatus, reason?: string) => outcomes.set(index, reason ? { index, status, reason } : { index, status });
      const written = new Set<string>();
      const homes = new Set<string>();
      if (placements.length + allergies.length + conditions.length > 0) {
        const now = new Date();
        await prisma.$transaction(async (tx) => {
          const sql = transactionSql(tx);
          await lockKeys(
            sql,
            INGEST_LOCK_CLASS,
            [...placements, ...allergies, ...conditions].map((r) => r.sourceKey),
          );
          const stored = (table: string, columns: string, rows: { sourceKey: string }[]) =>
            rows.length === 0
              ? Promise.resolve([])
              : sql.query<StoredRow>(
                  `SELECT id, source_key, nhs_number::text AS nhs_number, source_version_at, recorded_at, submission_id${columns}
                     FROM "residents"."${table}" WHERE source_key = ANY($1::text[]) FOR UPDATE`,
                  [textArray(rows.map((r) => r.sourceKey))],
                );
          const knownHomes = new Set(
            placements.length === 0
              ? []
              : (
                  await sql.query<{ id: string }>(`SELECT id FROM "residents"."care_home" WHERE id = ANY($1::text[])`, [
                    textArray([...new Set(placements.map((p) => p.careHomeId))]),
                  ])
                ).map((h) => h.id),
          );
          const placeable = placements.filter(
            (p) => knownHomes.has(p.careHomeId) || void decide(p.index, "REJECTED", "the care home is not known to the record"),
          );
          const placementPlan = plan(placeable, await stored("placement", ", care_home_id", placeable), meta, now, decide, (row) => row);
          const allergyPlan = plan(
            allergies,
            await stored("allergy", `, clinical_status AS "clinicalStatus", category`, allergies),
            meta,
            now,
            decide,
            (row, before) => ({
              ...row,
              clinicalStatus: row.clinicalStatus ?? (before?.clinicalStatus as AllergyRow["clinicalStatus"]) ?? "INACTIVE",
              category: row.category ?? (before?.category as AllergyRow["category"]) ?? "MEDICATION",
            }),
          );
          const conditionPlan = plan(
            conditions,
            await stored("condition", `, clinical_status AS "clinicalStatus", category, restricted_category AS "restrictedCategory"`, conditions),
            meta,
            now,
            decide,
            (row, before) => ({
              ...row,
              clinicalStatus: row.clinicalStatus ?? (before?.clinicalStatus as ConditionRow["clinicalStatus"]) ?? "INACTIVE",
              category: row.category ?? (before?.category as ConditionRow["category"]) ?? "PROBLEM_LIST_ITEM",
              // Rule 7: a restriction is never lifted by a later version.
              restrictedCategory: row.restrictedCategory ?? (before?.restrictedCategory as ConditionRow["restrictedCategory"]) ?? null,
            }),
          );
          const update = async (table: string, columns: string, rows: object[]) => {
            if (rows.length === 0) return;
            const names = columns.split(",").map((c) => c.trim().split(" ")[0]!);
            await sql.query(
              `UPDATE "residents"."${table}" AS t SET ${names.map((n) => `${n} = u.${n}`).join(", ")}
                 FROM jsonb_to_recordset($1::jsonb) AS u(id text, ${columns}) WHERE t.id = u.id`,
              [JSON.stringify(rows.map(snakeKeys))],
            );
          };
          const PROVENANCE = "source_system text, source_version_at timestamptz, sender_ods text, submission_id text, updated_at timestamptz";
          await update(
            "placement",
            `care_home_id text, start_date date, end_date date, status "residents"."PlacementStatus", ${PROVENANCE}`,
            placementPlan.updates,
          );
          await update(
            "allergy",
            `code text, display text, clinical_status "residents"."AllergyClinicalStatus", verification_status "residents"."AllergyVerificationStatus",
             category "residents"."AllergyCategory", criticality "residents"."AllergyCriticality", reactions jsonb, ${PROVENANCE}`,
            allergyPlan.updates,
          );
          await update(
            "condition",
            `code text, display text, clinical_status "residents"."ConditionClinicalStatus", category "residents"."ConditionCategory", onset_date date,
             abatement_date date, restricted_category "residents"."RestrictedCategory", verification_status "residents"."ConditionVerificationStatus", ${PROVENANCE}`,
            conditionPlan.updates,
          );
          await bulkInsert(sql, "residents", "placement", placementPlan.inserts);
          await bulkInsert(sql, "residents", "allergy", allergyPlan.inserts);
          await bulkInsert(sql, "residents", "condition", conditionPlan.inserts);
          for (const p of [placementPlan, allergyPlan, conditionPlan]) for (const r of [...p.updates, ...p.inserts]) written.add(r.nhsNumber);
          for (const r of [...placementPlan.updates, ...placementPlan.inserts]) homes.add(r.careHomeId);
          // A placement moved off a home (only ever within one sender's home, but kept exact) purges the old home's list too.
          for (const s of placementPlan.movedFrom) homes.add(s);
        }, TRANSACTION);
      }
      if (written.size > 0) await purge(written, homes);
      return entries.map((e) => outcomes.get(e.index) ?? { index: e.index, status: "REJECTED", reason: "not applied" });
    },
  };
}

interface StoredResident {
  nhs_number: string;
  family_name: string;
  date_of_birth: string;
  source_version_at: Date | null;
  submission_id: string | null;
  placed_here: boolean;
}

/** Decides each owner's Patient against the resident it names (fhir.ts rules 2-3), newest version winning within the batch. */
function planDemographics(
  meta: SubmissionMeta,
  rows: DemographicsRow[],
  stored: StoredResident[],
  practices: ReadonlySet<string>,
  now: Date,
  decide: (index: number, outcome: EntryOutcome | { quarantine: string }) => void,
) {
  interface State {
    stored: boolean;
    placedHere: boolean;
    versionAt: number;
    family: string;
    dob: string;
    submissionId: string | null;
    write: DemographicsRow | null;
  }
  const state = new Map<string, State>(
    stored.map((s) => [
      s.nhs_number,
      {
        stored: true,
        placedHere: s.placed_here,
        versionAt: s.source_version_at?.getTime() ?? Number.NEGATIVE_INFINITY,
        family: s.family_name,
        dob: s.date_of_birth,
        submissionId: s.submission_id,
        write: null,
      },
    ]),
  );
  const outcome = (index: number, status: EntryStatus, reason?: string) => decide(index, reason ? { index, status, reason } : { index, status });
  for (const row of rows) {
    const s = state.get(row.nhsNumber);
    const version = row.sourceVersionAt.getTime();
    if (!s) {
      if (!row.gpPracticeCode) outcome(row.index, "REJECTED", "Patient.generalPractitioner (the practice's ODS code) is required to create a resident");
      else if (!practices.has(row.gpPracticeCode)) outcome(row.index, "REJECTED", "the registered GP practice is not known to the record");
      else {
        state.set(row.nhsNumber, {
          stored: false,
          placedHere: false,
          versionAt: version,
          family: row.familyName,
          dob: row.dateOfBirth,
          submissionId: null,
          write: row,
        });
        outcome(row.index, "APPLIED", "a resident with no placement: no care home sees them until one places them");
      }
    } else if (meta.sourceKind === "care_home_system" && s.stored && !s.placedHere) {
      // Rule 2: not this home's resident; left to the matcher (its demographics are matched, not applied).
    } else if (version < s.versionAt) outcome(row.index, "SUPERSEDED", "a later version of the demographics is already applied");
    // Equal: this very submission's own write when a job is retried (APPLIED), else a duplicate.
    else if (version === s.versionAt && s.submissionId === meta.submissionId) outcome(row.index, "APPLIED");
    else if (version === s.versionAt) outcome(row.index, "DUPLICATE", "this version of the demographics is already applied");
    else if (row.dateOfBirth !== s.dob && !familyNamesAgree(row.familyName, s.family))
      decide(row.index, { quarantine: "DEMOGRAPHICS_CONFLICT" satisfies QuarantineReason });
    else if (row.setsRegistration && !practices.has(row.gpPracticeCode ?? ""))
      outcome(row.index, "REJECTED", "the registered GP practice is not known to the record");
    else {
      Object.assign(s, { versionAt: version, family: row.familyName, dob: row.dateOfBirth, write: row });
      outcome(row.index, "APPLIED");
    }
  }
  const updates: ReturnType<typeof residentUpdate>[] = [];
  const inserts: ReturnType<typeof residentInsert>[] = [];
  for (const s of state.values()) {
    if (!s.write) continue;
    if (s.stored) updates.push(residentUpdate(s.write, now));
    else inserts.push(residentInsert(s.write, now));
  }
  return { updates, inserts };
}

const residentUpdate = (r: DemographicsRow, now: Date) => ({
  nhsNumber: r.nhsNumber,
  givenName: r.givenName,
  familyName: r.familyName,
  dateOfBirth: r.dateOfBirth,
  sex: r.sex,
  // A care home system never changes the registration (fhir.ts rule 2): null keeps it.
  gpPracticeCode: r.setsRegistration ? r.gpPracticeCode : null,
  sourceSystem: r.sourceSystem,
  sourceVersionAt: r.sourceVersionAt,
  senderOds: r.senderOds,
  submissionId: r.submissionId,
  updatedAt: now,
});

const residentInsert = (r: DemographicsRow, now: Date) => ({
  ...residentUpdate(r, now),
  gpPracticeCode: r.gpPracticeCode!,
  sharingObjection: false,
  objectionRecordedAt: null,
  recordedAt: now,
});

/** What the applier reads of a record already stored under one of the batch's keys (plus the columns a withdrawal keeps). */
interface StoredRow {
  id: string;
  source_key: string;
  nhs_number: string;
  source_version_at: Date | null;
  recorded_at: Date;
  submission_id: string | null;
  care_home_id?: string;
  [column: string]: unknown;
}

type Keyed = PlacementRow | AllergyRow | ConditionRow;
type Written<R> = Omit<R, "index"> & { id: string; recordedAt: Date; updatedAt: Date };

/**
 * Decides each row of one table against the stored version under its key, and against earlier rows
 * of the same batch under that key (the newest wins, as if applied one after the other). `merge`
 * fills what a withdrawal may leave out from the version before it.
 */
function plan<R extends Keyed>(
  rows: R[],
  stored: StoredRow[],
  meta: SubmissionMeta,
  now: Date,
  decide: (index: number, status: EntryStatus, reason?: string) => void,
  merge: (row: R, before: Record<string, unknown> | null) => R,
): { inserts: Written<R>[]; updates: Written<R>[]; movedFrom: string[] } {
  interface State {
    id: string;
    nhsNumber: string;
    versionAt: number;
    recordedAt: Date;
    submissionId: string | null;
    stored: boolean;
    careHomeId: string | undefined;
    before: Record<string, unknown> | null;
    write: R | null;
  }
  const state = new Map<string, State>(
    stored.map((s) => [
      s.source_key,
      {
        id: s.id,
        nhsNumber: s.nhs_number,
        versionAt: s.source_version_at?.getTime() ?? Number.NEGATIVE_INFINITY,
        recordedAt: s.recorded_at,
        submissionId: s.submission_id,
        stored: true,
        careHomeId: s.care_home_id,
        before: s,
        write: null,
      },
    ]),
  );
  const kind = (row: Keyed) => ("careHomeId" in row ? "placement" : "clinicalStatus" in row && "criticality" in row ? "allergy" : "condition");
  for (const row of rows) {
    const s = state.get(row.sourceKey);
    const version = row.sourceVersionAt.getTime();
    if (!s) {
      const merged = merge(row, null);
      state.set(row.sourceKey, {
        id: newRecordId(({ placement: "PL", allergy: "AL", condition: "CO" } as const)[kind(row)]),
        nhsNumber: row.nhsNumber,
        versionAt: version,
        recordedAt: now,
        submissionId: row.submissionId,
        stored: false,
        careHomeId: undefined,
        before: merged as unknown as Record<string, unknown>,
        write: merged,
      });
      decide(row.index, "APPLIED");
    } else if (s.nhsNumber !== row.nhsNumber) decide(row.index, "REJECTED", `the ${kind(row)} is already recorded for another resident`);
    else if (version < s.versionAt) decide(row.index, "SUPERSEDED", `a later version of the ${kind(row)} is already applied`);
    else if (version === s.versionAt && s.submissionId === meta.submissionId) decide(row.index, "APPLIED");
    else if (version === s.versionAt) decide(row.index, "DUPLICATE", `this version of the ${kind(row)} is already applied`);
    else {
      const merged = merge(row, s.before);
      Object.assign(s, { versionAt: version, before: merged, write: merged });
      decide(row.index, "APPLIED");
    }
  }
  const out = { inserts: [] as Written<R>[], updates: [] as Written<R>[], movedFrom: [] as string[] };
  for (const s of state.values()) {
    if (!s.write) continue;
    const { index: _index, ...row } = s.write;
    const full = { ...row, id: s.id, recordedAt: s.recordedAt, updatedAt: now } as unknown as Written<R>;
    (s.stored ? out.updates : out.inserts).push(full);
    if (s.stored && s.careHomeId && "careHomeId" in row && row.careHomeId !== s.careHomeId) out.movedFrom.push(s.careHomeId);
  }
  return out;
}
