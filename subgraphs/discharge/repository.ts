// The only code in this subgraph that talks to Prisma. Reads take batches of keys.
import { PrismaClient, type Prisma } from "./prisma/generated/client.js";
import type { Database } from "../../platform/db/database.js";
import { countStatements, prismaOptions, transactionSql } from "../../platform/db/prisma.js";
import { bulkInsert } from "../../platform/db/bulk-insert.js";
import { afterTimeKeyset, type TimeKeyset } from "../../platform/graphql/paging.js";
import { cachedRelation, cachedRows } from "../../platform/cache/batched.js";
import type { EntityCache } from "../../platform/cache/entity-cache.js";
import { dischargeChanges } from "./changes.js";
import type { ResidentChange } from "../../platform/access/record-changes.js";
import type { EntryOutcome, EntryStatus, FhirApplier, MatchedEntry, SubmissionEntries } from "../../platform/ingest/contract.js";
import { joinRows, liftIndexes } from "../../platform/ingest/batch.js";
import { lockKeys, textArray } from "../../platform/ingest/apply-sql.js";
import { dischargeFhir, stayIdOf, type DischargeRows, type EmergencyRow, type StayRow, type SummaryDraft } from "./fhir.js";
import type { AdmissionMethod, DischargeDestination, HospitalStayStatus, Retraction } from "./prisma/generated/enums.js";

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

/**
 * A stay or emergency contact the sender withdrew (Encounter cancelled or entered-in-error) keeps
 * its row for audit and is in no view: not in a resident's lists, not the current stay, and an
 * entity reference to it resolves to null, as for a row that does not exist. A summary withdrawn as
 * entered in error, or whose stay was withdrawn, likewise.
 */
const STAY_VISIBLE = { retracted: null } as const satisfies Prisma.HospitalStayWhereInput;
const EMERGENCY_VISIBLE = { retracted: null } as const satisfies Prisma.EmergencyCareSummaryWhereInput;
const SUMMARY_VISIBLE = { status: { not: "ENTERED_IN_ERROR" }, stay: { retracted: null } } as const satisfies Prisma.DischargeSummaryWhereInput;

/** Transaction-level advisory locks of ingestion take this first key (the second is the row's key). */
const INGEST_LOCK_CLASS = 0xd15c; // "discharge FHIR"

const newestFirst = (field: string) => [{ nhsNumber: "asc" as const }, { [field]: "desc" as const }, { id: "asc" as const }];

export function createDischargeRepository(db: Database, cache: EntityCache) {
  const prisma = countStatements(new PrismaClient(prismaOptions(db.adapterFor("discharge"))));
  const byResident = <R extends { nhsNumber: string }>(r: R) => r.nhsNumber;
  return {
    stays: cachedRows(
      cache,
      "HospitalStay",
      (ids) => prisma.hospitalStay.findMany({ where: { id: { in: ids }, ...STAY_VISIBLE } }),
      (s) => s.id,
    ),
    summaries: cachedRows(
      cache,
      "DischargeSummary",
      (ids) => prisma.dischargeSummary.findMany({ where: { id: { in: ids }, ...SUMMARY_VISIBLE } }),
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
            ...SUMMARY_VISIBLE,
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
        prisma.hospitalStay.findMany({
          where: { nhsNumber: { in: nhsNumbers }, ...STAY_VISIBLE, ...afterTimeKeyset("admittedAt", after) },
          orderBy: newestFirst("admittedAt"),
        }),
      byResident,
    ),
    currentStays: cachedRelation(
      cache,
      "Resident",
      "currentStays",
      (nhsNumbers) =>
        prisma.hospitalStay.findMany({ where: { nhsNumber: { in: nhsNumbers }, status: "IN_PROGRESS", ...STAY_VISIBLE }, orderBy: { admittedAt: "desc" } }),
      byResident,
    ),
    emergencyCareOfResidents: cachedRelation(
      cache,
      "Resident",
      "emergencyCare",
      (nhsNumbers: string[], after: TimeKeyset | null) =>
        prisma.emergencyCareSummary.findMany({
          where: { nhsNumber: { in: nhsNumbers }, ...EMERGENCY_VISIBLE, ...afterTimeKeyset("occurredAt", after) },
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
        prisma.dischargeSummary.findMany({ where, select: { ...received, status: true } }),
        prisma.hospitalStay.findMany({ where, select: { ...received, status: true, retracted: true } }),
        prisma.emergencyCareSummary.findMany({ where, select: { ...received, retracted: true } }),
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
    /**
     * FHIR ingestion (issue 11): the discharge FhirApplier. Applies one submission's matched
     * Encounter and Composition entries (fhir.ts has the checks) and returns one outcome per entry,
     * in their order. Per row, against the row with the same business key (source_key):
     *  - none: inserted (recorded_at = updated_at = now): APPLIED;
     *  - recorded for another patient, or as the other kind (a stay sent again as an emergency
     *    contact): REJECTED (nothing is moved between patients or tables);
     *  - meta.lastUpdated older than the applied version's: SUPERSEDED, equal: DUPLICATE (nothing written);
     *  - newer: updated in place (id and recorded_at kept, updated_at = now), APPLIED. A finished
     *    stay is DISCHARGED in what's new, an updated summary DISCHARGE_SUMMARY_AMENDED; a withdrawal
     *    (retracted, or a summary entered in error) keeps the row and hides it from every view.
     * Encounters are planned first, so a Composition finds its stay whether it came in this call
     * or before; the summary takes its hospital, admission and discharge from the stay, and is
     * REJECTED when the stay is not recorded, withdrawn, not finished, lacks an admission method or
     * destination, belongs to another patient, or already has a summary under another identifier.
     * One transaction per call and a fixed number of statements whatever the number of entries
     * (advisory locks on the keys in sorted order, the rows FOR UPDATE, then at most one UPDATE and
     * one bulk INSERT per table). The caches of every written row and its resident are purged after
     * the commit, as insertBatch does.
     */
    async applyFhir(batch: readonly SubmissionEntries<MatchedEntry>[]): Promise<EntryOutcome[][]> {
      const lifted = liftIndexes(batch);
      const rows = joinRows(
        lifted.parts.map((part) => dischargeFhir.toRows(part.meta, part.entries)),
        { stays: [], emergencyCare: [], summaries: [], rejected: [] },
      );
      const outcomes = new Map<number, EntryOutcome>(rows.rejected.map((o) => [o.index, o]));
      const purge = new Set<string>();
      if (rows.stays.length + rows.emergencyCare.length + rows.summaries.length > 0) {
        const now = new Date();
        await prisma.$transaction(
          async (tx) => {
            const sql = transactionSql(tx);
            const encounterKeys = [
              ...new Set([...rows.stays, ...rows.emergencyCare].map((s) => s.row.sourceKey).concat(rows.summaries.map((s) => s.draft.stayKey))),
            ];
            const summaryKeys = [...new Set(rows.summaries.map((s) => s.draft.sourceKey))];
            await lockKeys(sql, INGEST_LOCK_CLASS, [...encounterKeys, ...summaryKeys]);
            const stays = await sql.query<StoredStay>(
              `SELECT id, source_key, nhs_number, source_version_at, recorded_at, submission_id, status, retracted, admitted_at, discharged_at, reason,
                      hospital_name, hospital_ods, admission_method, discharge_destination
                 FROM "discharge"."hospital_stay" WHERE source_key = ANY($1::text[]) FOR UPDATE`,
              [textArray(encounterKeys)],
            );
            const contacts = await sql.query<StoredVersion>(
              `SELECT id, source_key, nhs_number, source_version_at, recorded_at, submission_id FROM "discharge"."emergency_care_summary"
                WHERE source_key = ANY($1::text[]) FOR UPDATE`,
              [textArray(encounterKeys)],
            );
            // Also every summary of a stay this call names (one per stay), to refuse a second one and to purge it.
            const summaries = await sql.query<StoredSummary>(
              `SELECT id, source_key, nhs_number, source_version_at, recorded_at, submission_id, stay_id FROM "discharge"."discharge_summary"
                WHERE source_key = ANY($1::text[]) OR stay_id = ANY($2::text[]) FOR UPDATE`,
              [textArray(summaryKeys), textArray(encounterKeys.map(stayIdOf))],
            );
            const plan = planWrites(rows, { stays, contacts, summaries }, now, (index, status, reason) =>
              outcomes.set(index, reason ? { index, status, reason } : { index, status }),
            );
            if (plan.stays.updates.length > 0)
              await sql.query(
                `UPDATE "discharge"."hospital_stay" AS d SET hospital_name = u.hospital_name, hospital_ods = u.hospital_ods, ward = u.ward,
                        status = u.status, admitted_at = u.admitted_at, discharged_at = u.discharged_at, reason = u.reason,
                        admission_method = u.admission_method, discharge_destination = u.discharge_destination, retracted = u.retracted,
                        source_system = u.source_system, source_version_at = u.source_version_at, sender_ods = u.sender_ods,
                        submission_id = u.submission_id, updated_at = u.updated_at
                   FROM jsonb_to_recordset($1::jsonb) AS u(id text, hospital_name text, hospital_ods text, ward text,
                        status "discharge"."HospitalStayStatus", admitted_at timestamptz, discharged_at timestamptz, reason text,
                        admission_method "discharge"."AdmissionMethod", discharge_destination "discharge"."DischargeDestination",
                        retracted "discharge"."Retraction", source_system text, source_version_at timestamptz, sender_ods text,
                        submission_id text, updated_at timestamptz)
                  WHERE d.id = u.id`,
                [JSON.stringify(plan.stays.updates.map(snakeKeys))],
              );
            if (plan.contacts.updates.length > 0)
              await sql.query(
                `UPDATE "discharge"."emergency_care_summary" AS d SET kind = u.kind, occurred_at = u.occurred_at, provider_name = u.provider_name,
                        provider_ods = u.provider_ods, presenting_complaint = u.presenting_complaint, outcome = u.outcome, retracted = u.retracted,
                        source_system = u.source_system, source_version_at = u.source_version_at, sender_ods = u.sender_ods,
                        submission_id = u.submission_id, updated_at = u.updated_at
                   FROM jsonb_to_recordset($1::jsonb) AS u(id text, kind "discharge"."EmergencyCareKind", occurred_at timestamptz,
                        provider_name text, provider_ods text, presenting_complaint text, outcome text, retracted "discharge"."Retraction",
                        source_system text, source_version_at timestamptz, sender_ods text, submission_id text, updated_at timestamptz)
                  WHERE d.id = u.id`,
                [JSON.stringify(plan.contacts.updates.map(snakeKeys))],
              );
            if (plan.summaries.updates.length > 0)
              // A withdrawal whose stay cannot give a discharge any more keeps the stay's part it had (null: keep).
              await sql.query(
                `UPDATE "discharge"."discharge_summary" AS d SET status = u.status, author_name = u.author_name, author_role = u.author_role,
                        completed_by_name = u.completed_by_name, completed_by_role = u.completed_by_role, completed_by_code = u.completed_by_code,
                        diagnoses = u.diagnoses, clinical_summary = u.clinical_summary, procedures = u.procedures,
                        medication_changes = u.medication_changes, allergies_text = u.allergies_text, planned_actions = u.planned_actions,
                        information_given = u.information_given,
                        hospital_name = COALESCE(u.hospital_name, d.hospital_name), hospital_ods = COALESCE(u.hospital_ods, d.hospital_ods),
                        admitted_at = COALESCE(u.admitted_at, d.admitted_at), admission_method = COALESCE(u.admission_method, d.admission_method),
                        admission_reason = COALESCE(u.admission_reason, d.admission_reason), discharged_at = COALESCE(u.discharged_at, d.discharged_at),
                        destination = COALESCE(u.destination, d.destination),
                        source_system = u.source_system, source_version_at = u.source_version_at, sender_ods = u.sender_ods,
                        submission_id = u.submission_id, updated_at = u.updated_at
                   FROM jsonb_to_recordset($1::jsonb) AS u(id text, status "discharge"."DischargeSummaryStatus", author_name text, author_role text,
                        completed_by_name text, completed_by_role text, completed_by_code text, diagnoses jsonb, clinical_summary text,
                        procedures jsonb, medication_changes jsonb, allergies_text text, planned_actions jsonb, information_given text,
                        hospital_name text, hospital_ods text, admitted_at timestamptz, admission_method "discharge"."AdmissionMethod",
                        admission_reason text, discharged_at timestamptz, destination "discharge"."DischargeDestination",
                        source_system text, source_version_at timestamptz, sender_ods text, submission_id text, updated_at timestamptz)
                  WHERE d.id = u.id`,
                [JSON.stringify(plan.summaries.updates.map(snakeKeys))],
              );
            await bulkInsert(sql, "discharge", "hospital_stay", plan.stays.inserts);
            await bulkInsert(sql, "discharge", "emergency_care_summary", plan.contacts.inserts);
            await bulkInsert(sql, "discharge", "discharge_summary", plan.summaries.inserts);
            for (const r of [...plan.stays.inserts, ...plan.stays.updates]) purge.add(cache.key("Resident", r.nhsNumber)).add(cache.key("HospitalStay", r.id));
            for (const r of [...plan.contacts.inserts, ...plan.contacts.updates]) purge.add(cache.key("Resident", r.nhsNumber));
            for (const r of [...plan.summaries.inserts, ...plan.summaries.updates]) purge.add(cache.key("Resident", r.nhsNumber));
            // A written stay changes what its summary shows (a withdrawn stay hides it).
            for (const id of plan.summaryIds) purge.add(cache.key("DischargeSummary", id));
          },
          { maxWait: 10_000, timeout: 60_000 },
        );
      }
      if (purge.size > 0) await cache.purge([...purge]);
      return lifted.split(outcomes);
    },
  };
}

/** What the applier reads of a row already recorded under one of the call's keys. */
interface StoredVersion {
  id: string;
  source_key: string;
  nhs_number: string;
  source_version_at: Date | null;
  recorded_at: Date;
  /** The submission whose version is stored (null for seeded rows). */
  submission_id: string | null;
}
interface StoredStay extends StoredVersion {
  status: HospitalStayStatus;
  retracted: Retraction | null;
  admitted_at: Date;
  discharged_at: Date | null;
  reason: string;
  hospital_name: string;
  hospital_ods: string;
  admission_method: AdmissionMethod | null;
  discharge_destination: DischargeDestination | null;
}
interface StoredSummary extends StoredVersion {
  stay_id: string;
}

type Stamped<R> = R & { recordedAt: Date; updatedAt: Date };
/** A summary row as written: the draft without its stay key, completed from its stay (null parts: keep the stored ones). */
type SummaryRow = Omit<SummaryDraft, "stayKey"> & {
  stayId: string;
  hospitalName: string | null;
  hospitalOds: string | null;
  admittedAt: Date | null;
  admissionMethod: AdmissionMethod | null;
  admissionReason: string | null;
  dischargedAt: Date | null;
  destination: DischargeDestination | null;
};

interface TableWrites<R> {
  inserts: Stamped<R>[];
  updates: Stamped<R>[];
}

/** One row's state while a call is planned: as stored, then as each applied version leaves it. */
interface State<R> {
  id: string;
  nhsNumber: string;
  versionAt: number;
  recordedAt: Date;
  stored: boolean;
  /** The submission whose version is stored (null for seeded rows). */
  submissionId: string | null;
  write: R | null;
}

const stateOf = <R>(s: StoredVersion): State<R> => ({
  id: s.id,
  nhsNumber: s.nhs_number,
  versionAt: s.source_version_at?.getTime() ?? Number.NEGATIVE_INFINITY,
  recordedAt: s.recorded_at,
  stored: true,
  submissionId: s.submission_id,
  write: null,
});

/**
 * Versions against the stored row and earlier rows of the same call under the key (the newest
 * wins, as if applied one after the other). Returns the row to write (with the stored id), or null.
 */
function decideVersion<R extends { id: string; nhsNumber: string; sourceKey: string; sourceVersionAt: Date; submissionId: string }>(
  states: Map<string, State<R>>,
  row: R,
  now: Date,
  decide: (status: EntryStatus, reason?: string) => void,
  what: string,
): R | null {
  const s = states.get(row.sourceKey);
  const version = row.sourceVersionAt.getTime();
  if (!s) {
    states.set(row.sourceKey, {
      id: row.id,
      nhsNumber: row.nhsNumber,
      versionAt: version,
      recordedAt: now,
      stored: false,
      submissionId: row.submissionId,
      write: row,
    });
    decide("APPLIED");
    return row;
  }
  if (s.nhsNumber !== row.nhsNumber) decide("REJECTED", `the ${what} is already recorded for another patient`);
  else if (version < s.versionAt) decide("SUPERSEDED", `a later version of the ${what} is already applied`);
  // The same submission's own version, stored by an earlier attempt of this job (its outcome lost
  // to a crash or a restart before it was logged): what this submission did is APPLIED.
  else if (version === s.versionAt && s.stored && s.submissionId === row.submissionId) decide("APPLIED");
  else if (version === s.versionAt) decide("DUPLICATE", `this version of the ${what} is already applied`);
  else {
    const write = { ...row, id: s.id };
    Object.assign(s, { versionAt: version, write });
    decide("APPLIED");
    return write;
  }
  return null;
}

function writesOf<R>(states: Map<string, State<R>>, now: Date): TableWrites<R> {
  const out: TableWrites<R> = { inserts: [], updates: [] };
  for (const s of states.values()) if (s.write) (s.stored ? out.updates : out.inserts).push({ ...s.write, recordedAt: s.recordedAt, updatedAt: now });
  return out;
}

/** The stay's part of a summary, as the stay stands after this call's versions. */
interface StayPart {
  id: string;
  nhsNumber: string;
  retracted: Retraction | null;
  status: HospitalStayStatus;
  hospitalName: string;
  hospitalOds: string;
  admittedAt: Date;
  dischargedAt: Date | null;
  reason: string;
  admissionMethod: AdmissionMethod | null;
  dischargeDestination: DischargeDestination | null;
}

function planWrites(
  rows: DischargeRows,
  stored: { stays: StoredStay[]; contacts: StoredVersion[]; summaries: StoredSummary[] },
  now: Date,
  decide: (index: number, status: EntryStatus, reason?: string) => void,
) {
  const stayStates = new Map(stored.stays.map((s) => [s.source_key, stateOf<StayRow>(s)]));
  const contactStates = new Map(stored.contacts.map((s) => [s.source_key, stateOf<EmergencyRow>(s)]));
  const summaryStates = new Map(stored.summaries.filter((s) => s.source_key !== null).map((s) => [s.source_key, stateOf<SummaryRow>(s)]));
  const summaryOfStay = new Map(stored.summaries.map((s) => [s.stay_id, s.source_key]));
  const stayPart = new Map<string, StayPart>(
    stored.stays.map((s) => [
      s.source_key,
      {
        id: s.id,
        nhsNumber: s.nhs_number,
        retracted: s.retracted,
        status: s.status,
        hospitalName: s.hospital_name,
        hospitalOds: s.hospital_ods,
        admittedAt: s.admitted_at,
        dischargedAt: s.discharged_at,
        reason: s.reason,
        admissionMethod: s.admission_method,
        dischargeDestination: s.discharge_destination,
      },
    ]),
  );

  for (const { index, row } of rows.stays) {
    if (contactStates.has(row.sourceKey)) {
      decide(index, "REJECTED", "the Encounter is already recorded as an emergency department attendance or ambulance call (its class cannot change)");
      continue;
    }
    const written = decideVersion(stayStates, row, now, (status, reason) => decide(index, status, reason), "stay");
    if (written) stayPart.set(row.sourceKey, { ...written, hospitalName: written.hospitalName });
  }
  for (const { index, row } of rows.emergencyCare) {
    if (stayStates.has(row.sourceKey)) {
      decide(index, "REJECTED", "the Encounter is already recorded as a hospital stay (its class cannot change)");
      continue;
    }
    decideVersion(contactStates, row, now, (status, reason) => decide(index, status, reason), "emergency care contact");
  }
  for (const { index, draft } of rows.summaries) {
    const reject = (reason: string) => decide(index, "REJECTED", reason);
    const stay = stayPart.get(draft.stayKey);
    if (!stay) {
      reject("the stay the summary refers to is not recorded (send its Encounter in the same submission, or before)");
      continue;
    }
    if (stay.nhsNumber !== draft.nhsNumber) {
      reject("the stay the summary refers to is recorded for another patient");
      continue;
    }
    const other = summaryOfStay.get(stay.id);
    if (other !== undefined && other !== draft.sourceKey) {
      reject("the stay already has a discharge summary under another identifier (one summary per stay)");
      continue;
    }
    const problem =
      stay.retracted !== null
        ? "the stay the summary refers to was withdrawn by the hospital"
        : stay.status !== "FINISHED" || stay.dischargedAt === null
          ? "the stay the summary refers to is not finished (send the Encounter with status finished and period.end)"
          : stay.admissionMethod === null
            ? "the stay the summary refers to has no admission method the record maps (Encounter.hospitalization.admitSource)"
            : stay.dischargeDestination === null
              ? "the stay the summary refers to has no discharge destination the record maps (Encounter.hospitalization.dischargeDisposition)"
              : null;
    // A withdrawal of a summary already recorded needs nothing from its stay (it keeps what it had).
    const withdrawing = draft.status === "ENTERED_IN_ERROR" && summaryStates.has(draft.sourceKey);
    if (problem && !withdrawing) {
      reject(problem);
      continue;
    }
    const { stayKey: _stayKey, ...own } = draft;
    const row: SummaryRow = problem
      ? {
          ...own,
          stayId: stay.id,
          hospitalName: null,
          hospitalOds: null,
          admittedAt: null,
          admissionMethod: null,
          admissionReason: null,
          dischargedAt: null,
          destination: null,
        }
      : {
          ...own,
          stayId: stay.id,
          hospitalName: stay.hospitalName,
          hospitalOds: stay.hospitalOds,
          admittedAt: stay.admittedAt,
          admissionMethod: stay.admissionMethod,
          admissionReason: stay.reason,
          dischargedAt: stay.dischargedAt,
          destination: stay.dischargeDestination,
        };
    if (decideVersion(summaryStates, row, now, (status, reason) => decide(index, status, reason), "discharge summary"))
      summaryOfStay.set(stay.id, draft.sourceKey);
  }
  const summaries = writesOf(summaryStates, now);
  const stays = writesOf(stayStates, now);
  // Every summary whose view this call changes: those written, and those of the stays written.
  const writtenStays = new Set([...stays.inserts, ...stays.updates].map((s) => s.id));
  const summaryIds = new Set([
    ...[...summaries.inserts, ...summaries.updates].map((s) => s.id),
    ...stored.summaries.filter((s) => writtenStays.has(s.stay_id)).map((s) => s.id),
  ]);
  return { stays, contacts: writesOf(contactStates, now), summaries, summaryIds };
}

/** A row with its fields as column names (for jsonb_to_recordset). */
const snakeKeys = (row: object) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), v]));

/** The discharge subgraph's FHIR applier (the worker's entry point; issue 11). */
export const dischargeApplier = (repo: DischargeRepository): FhirApplier => ({ apply: (batch) => repo.applyFhir(batch) });

export interface DischargeBatch {
  stays: Prisma.HospitalStayCreateManyInput[];
  summaries: Prisma.DischargeSummaryCreateManyInput[];
  emergencyCare: Prisma.EmergencyCareSummaryCreateManyInput[];
}

export type DischargeRepository = ReturnType<typeof createDischargeRepository>;
