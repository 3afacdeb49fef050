// The only code in this subgraph that talks to Prisma. Reads take batches of keys.
import { Prisma, PrismaClient } from "./prisma/generated/client.js";
import type { DispenseStatus, EpsPrescriptionStatus, MedicationRequestStatus } from "./prisma/generated/enums.js";
import type { Database } from "../../platform/db/database.js";
import { countStatements, prismaOptions, transactionSql } from "../../platform/db/prisma.js";
import { bulkInsert } from "../../platform/db/bulk-insert.js";
import { cachedRelation, cachedRows } from "../../platform/cache/batched.js";
import type { EntityCache } from "../../platform/cache/entity-cache.js";
import { medicationChanges } from "./changes.js";
import type { ResidentChange } from "../../platform/access/record-changes.js";
import type { SqlRunner } from "../../platform/db/database.js";
import type { EntryOutcome, EntryStatus, FhirApplier, MatchedEntry, SubmissionEntries } from "../../platform/ingest/contract.js";
import { joinRows, liftIndexes } from "../../platform/ingest/batch.js";
import { lockKeys, snakeKeys, textArray } from "../../platform/ingest/apply-sql.js";
import { EPS_AFTER_DISPENSE, medicationsFhir, prescriptionIdOf, type DispenseRows, type EpsClaim, type RequestRow, type RequestRows } from "./fhir.js";

import type { EpsPrescription, MedicationRequest } from "./prisma/generated/client.js";
import type { SectionResult } from "../../platform/access/section-field.js";
export type { MedicationRequest, EpsPrescription, MedicationDispense } from "./prisma/generated/client.js";
/** The medications section as its resolver hands it to its wrapper type (ADR 0005). */
export type MedicationsSection = SectionResult<MedicationRequest[]>;
/** A request's dispensing status is its latest EPS prescription (codegen.ts maps types to rows by name). */
export type DispensingStatus = EpsPrescription;

/**
 * A request withdrawn as entered in error (FHIR `entered-in-error`: it should never have existed)
 * keeps its row for audit and is in no view: not in a resident's list whatever statuses are asked
 * for (so neither are its EPS status and dispenses, which are reached through it), and an entity
 * reference to it resolves to null, as for a request that does not exist. A dispense withdrawn so
 * (entered_in_error) is in no request's dispenses.
 */
const VISIBLE = { status: { not: "ENTERED_IN_ERROR" } } as const satisfies Prisma.MedicationRequestWhereInput;
const visibleStatuses = (statuses: MedicationRequestStatus[]) => statuses.filter((s) => s !== "ENTERED_IN_ERROR");

/** Transaction-level advisory locks of ingestion take this first key (the second is an item's key). */
const INGEST_LOCK_CLASS = 0x3ed5; // "meds FHIR"

export function createMedicationsRepository(db: Database, cache: EntityCache) {
  const prisma = countStatements(new PrismaClient(prismaOptions(db.adapterFor("medications"))));
  return {
    requests: cachedRows(
      cache,
      "MedicationRequest",
      (ids) => prisma.medicationRequest.findMany({ where: { id: { in: ids }, ...VISIBLE } }),
      (r) => r.id,
    ),
    requestsOfResidents: cachedRelation(
      cache,
      "Resident",
      "requests",
      (nhsNumbers: string[], statuses: MedicationRequestStatus[]) =>
        prisma.medicationRequest.findMany({
          where: { nhsNumber: { in: nhsNumbers }, status: { in: visibleStatuses(statuses) } },
          orderBy: [{ medicationName: "asc" }, { authoredOn: "desc" }, { id: "asc" }],
        }),
      (r) => r.nhsNumber,
    ),
    /** The latest EPS prescription of each request (`distinct` keeps the first, newest, row per request). */
    latestPrescriptions: cachedRows(
      cache,
      "MedicationRequest",
      (requestIds) =>
        prisma.epsPrescription.findMany({
          where: { requestId: { in: requestIds } },
          orderBy: [{ requestId: "asc" }, { issuedAt: "desc" }, { id: "desc" }],
          distinct: ["requestId"],
        }),
      (p) => p.requestId,
      "latestPrescription",
    ),
    dispenses: cachedRelation(
      cache,
      "MedicationRequest",
      "dispenses",
      (requestIds) =>
        prisma.medicationDispense.findMany({
          where: { requestId: { in: requestIds }, enteredInError: false },
          orderBy: [{ handedOverAt: "desc" }, { id: "asc" }],
        }),
      (d) => d.requestId,
    ),
    /**
     * What's new (ADR 0006): the changes of these residents' requests and EPS prescriptions received
     * since `since`, one statement per table (not cached: a look back is asked once per look).
     */
    async changesOf(nhsNumbers: string[], since: Date): Promise<ResidentChange[]> {
      const received = { OR: [{ recordedAt: { gte: since } }, { updatedAt: { gte: since } }] };
      const [requests, prescriptions] = await Promise.all([
        prisma.medicationRequest.findMany({
          where: { nhsNumber: { in: nhsNumbers }, ...received },
          select: { nhsNumber: true, status: true, recordedAt: true, updatedAt: true },
        }),
        // Joined to its request for the NHS number in the same statement (a relation select would be a second one).
        prisma.$queryRaw<{ nhsNumber: string; status: EpsPrescriptionStatus; recordedAt: Date; updatedAt: Date }[]>`
          SELECT r.nhs_number AS "nhsNumber", p.status::text AS status, p.recorded_at AS "recordedAt", p.updated_at AS "updatedAt"
            FROM medications.eps_prescription p JOIN medications.medication_request r ON r.id = p.request_id
           WHERE r.nhs_number IN (${Prisma.join(nhsNumbers)}) AND r.status <> 'ENTERED_IN_ERROR' AND (p.recorded_at >= ${since} OR p.updated_at >= ${since})`,
      ]);
      return medicationChanges({ requests, prescriptions }, since);
    },
    ping: async () => void (await prisma.$queryRaw`SELECT 1`),
    close: () => prisma.$disconnect(),
    /** Bulk load (seeder, ingestion): one statement per table, parents first. */
    async insertBatch(batch: MedicationsBatch) {
      await bulkInsert(db.sql, "medications", "medication_request", batch.requests);
      await bulkInsert(db.sql, "medications", "eps_prescription", batch.prescriptions);
      await bulkInsert(db.sql, "medications", "medication_dispense", batch.dispenses);
      await cache.purge([
        ...batch.requests.map((r) => cache.key("Resident", r.nhsNumber)),
        ...[...batch.requests.map((r) => r.id), ...batch.prescriptions.map((p) => p.requestId), ...batch.dispenses.map((d) => d.requestId)].map((id) =>
          cache.key("MedicationRequest", id),
        ),
      ]);
    },
    /**
     * FHIR ingestion (issue 11): the medications FhirApplier. Applies one submission's matched
     * MedicationRequest and MedicationDispense entries (the rules are in fhir.ts) and returns one
     * outcome per entry, in their order. Requests first, then dispenses (so a dispense may name a
     * prescription sent in the same submission). Per item, against the row with the same business
     * key (source_key):
     *  - none: inserted (recorded_at = updated_at = now): APPLIED;
     *  - recorded for another patient: REJECTED (never moved between patients);
     *  - meta.lastUpdated older than the applied version's: SUPERSEDED, equal: DUPLICATE (nothing written);
     *  - newer: updated in place (id and recorded_at kept, updated_at = now, status as sent, so a
     *    stopped or cancelled request is MEDICINE_STOPPED in what's new): APPLIED.
     * A request's EPS claim (groupIdentifier and business status) inserts its EPS prescription, or
     * moves that prescription's status; a dispense is recorded against the latest EPS prescription of
     * the request it names (or REJECTED, see fhir.ts rule 9) and moves its status. A status moves only
     * for a claim dated (meta.lastUpdated) after the prescription's last status change, so an older
     * message never undoes a newer one; updated_at moves with it (what's new: DISPENSED).
     * One transaction per call and a fixed number of statements whatever the number of entries
     * (advisory locks on every key involved, so a prescription and a dispense naming it queue; three
     * SELECT ... FOR UPDATE; an UPDATE and a bulk INSERT per table). The caches of every written
     * request and its resident are purged after the commit.
     */
    async applyFhir(batch: readonly SubmissionEntries<MatchedEntry>[]): Promise<EntryOutcome[][]> {
      const lifted = liftIndexes(batch);
      const { requests, dispenses, rejected } = joinRows(
        lifted.parts.map((part) => medicationsFhir.toRows(part.meta, part.entries)),
        { requests: [], dispenses: [], rejected: [] },
      );
      const outcomes = new Map<number, EntryOutcome>(rejected.map((o) => [o.index, o]));
      const decide = (index: number, status: EntryStatus, reason?: string) => outcomes.set(index, reason ? { index, status, reason } : { index, status });
      let purge: { nhsNumbers: string[]; requestIds: string[] } = { nhsNumbers: [], requestIds: [] };
      if (requests.length + dispenses.length > 0) {
        const now = new Date();
        await prisma.$transaction(
          async (tx) => {
            const sql = transactionSql(tx);
            const requestKeys = requests.map((r) => r.request.sourceKey);
            const identifierKeys = [...requests.map((r) => r.request.identifierKey), ...dispenses.map((d) => d.prescriptionKey)];
            const dispenseKeys = dispenses.map((d) => d.dispense.sourceKey);
            await lockKeys(sql, INGEST_LOCK_CLASS, [...requestKeys, ...identifierKeys, ...dispenseKeys]);
            const params = [textArray([...new Set(requestKeys)]), textArray([...new Set(identifierKeys)])];
            const named = `SELECT id FROM "medications"."medication_request" WHERE source_key = ANY($1::text[]) OR identifier_key = ANY($2::text[])`;
            const storedRequests = await sql.query<StoredRequest>(
              `SELECT id, source_key, identifier_key, nhs_number, status::text AS status, quantity_unit, source_version_at, recorded_at, submission_id
                 FROM "medications"."medication_request" WHERE source_key = ANY($1::text[]) OR identifier_key = ANY($2::text[]) FOR UPDATE`,
              params,
            );
            const storedPrescriptions = await sql.query<StoredPrescription>(
              `SELECT id, request_id, prescription_id, status::text AS status, issued_at, last_status_change_at, pharmacy_name, pharmacy_ods, source_system
                 FROM "medications"."eps_prescription" WHERE request_id IN (${named}) FOR UPDATE`,
              params,
            );
            const storedDispenses = await sql.query<StoredDispense>(
              `SELECT id, source_key, request_id, prescription_id, status::text AS status, entered_in_error, handed_over_at, source_version_at, recorded_at, submission_id
                 FROM "medications"."medication_dispense" WHERE source_key = ANY($3::text[]) OR request_id IN (${named}) FOR UPDATE`,
              [...params, textArray([...new Set(dispenseKeys)])],
            );
            const plan = planWrites({ requests, dispenses, storedRequests, storedPrescriptions, storedDispenses }, now, decide);
            await updateRows(sql, "medication_request", plan.requests.updates, REQUEST_COLUMNS);
            await bulkInsert(sql, "medications", "medication_request", plan.requests.inserts);
            await updateRows(sql, "eps_prescription", plan.prescriptions.updates, PRESCRIPTION_COLUMNS);
            await bulkInsert(sql, "medications", "eps_prescription", plan.prescriptions.inserts);
            await updateRows(sql, "medication_dispense", plan.dispenses.updates, DISPENSE_COLUMNS);
            await bulkInsert(sql, "medications", "medication_dispense", plan.dispenses.inserts);
            purge = plan.purge;
          },
          { maxWait: 10_000, timeout: 60_000 },
        );
      }
      if (purge.requestIds.length > 0)
        await cache.purge([...purge.nhsNumbers.map((n) => cache.key("Resident", n)), ...purge.requestIds.map((id) => cache.key("MedicationRequest", id))]);
      return lifted.split(outcomes);
    },
  };
}

/** The medications subgraph's FHIR applier (the worker's entry point; issue 11). */
export const medicationsApplier = (repo: MedicationsRepository): FhirApplier => ({ apply: (batch) => repo.applyFhir(batch) });

// ---------------------------------------------------------------------------------------------
// Applying a batch: what is stored under its keys, and what to write

/** What the applier reads of a request recorded under one of the batch's keys or identifiers. */
interface StoredRequest {
  id: string;
  source_key: string | null;
  identifier_key: string | null;
  nhs_number: string;
  status: MedicationRequestStatus;
  quantity_unit: string;
  source_version_at: Date | null;
  recorded_at: Date;
  submission_id: string | null;
}
interface StoredPrescription {
  id: string;
  request_id: string;
  prescription_id: string;
  status: EpsPrescriptionStatus;
  issued_at: Date;
  last_status_change_at: Date;
  pharmacy_name: string | null;
  pharmacy_ods: string | null;
  source_system: string;
}
interface StoredDispense {
  id: string;
  source_key: string | null;
  request_id: string;
  prescription_id: string;
  status: DispenseStatus;
  entered_in_error: boolean;
  handed_over_at: Date;
  source_version_at: Date | null;
  recorded_at: Date;
  submission_id: string | null;
}

type Stamped<R> = R & { recordedAt: Date; updatedAt: Date };
type RequestWrite = Stamped<Omit<RequestRow, never>>;
interface PrescriptionWrite {
  id: string;
  requestId: string;
  prescriptionId: string;
  status: EpsPrescriptionStatus;
  issuedAt: Date;
  lastStatusChangeAt: Date;
  pharmacyName: string | null;
  pharmacyOds: string | null;
  sourceSystem: string;
  recordedAt: Date;
  updatedAt: Date;
}
interface DispenseWrite {
  id: string;
  prescriptionId: string;
  requestId: string;
  status: DispenseStatus;
  enteredInError: boolean;
  pharmacyName: string;
  pharmacyOds: string;
  handedOverAt: Date;
  quantityValue: number;
  quantityUnit: string;
  sourceSystem: string;
  sourceKey: string;
  sourceVersionAt: Date;
  senderOds: string;
  submissionId: string;
  recordedAt: Date;
  updatedAt: Date;
}
interface Writes<R> {
  inserts: R[];
  updates: R[];
}
interface WritePlan {
  requests: Writes<RequestWrite>;
  prescriptions: Writes<PrescriptionWrite>;
  dispenses: Writes<DispenseWrite>;
  /** What the written rows' caches are keyed by. */
  purge: { nhsNumbers: string[]; requestIds: string[] };
}

/** The columns an update sets (the others, id and recorded_at above all, are kept), with their PostgreSQL types. */
const REQUEST_COLUMNS: Readonly<Record<string, string>> = {
  medication_code: "text",
  medication_name: "text",
  status: `"medications"."MedicationRequestStatus"`,
  course: `"medications"."MedicationCourse"`,
  dosage_text: "text",
  quantity_value: "double precision",
  quantity_unit: "text",
  authored_on: "timestamptz",
  prescriber_name: "text",
  prescriber_ods: "text",
  source_system: "text",
  source_version_at: "timestamptz",
  sender_ods: "text",
  submission_id: "text",
  updated_at: "timestamptz",
};
const PRESCRIPTION_COLUMNS: Readonly<Record<string, string>> = {
  status: `"medications"."EpsPrescriptionStatus"`,
  last_status_change_at: "timestamptz",
  pharmacy_name: "text",
  pharmacy_ods: "text",
  source_system: "text",
  updated_at: "timestamptz",
};
const DISPENSE_COLUMNS: Readonly<Record<string, string>> = {
  status: `"medications"."DispenseStatus"`,
  entered_in_error: "boolean",
  pharmacy_name: "text",
  pharmacy_ods: "text",
  handed_over_at: "timestamptz",
  quantity_value: "double precision",
  quantity_unit: "text",
  source_system: "text",
  source_version_at: "timestamptz",
  sender_ods: "text",
  submission_id: "text",
  updated_at: "timestamptz",
};

/** One UPDATE of these rows by id, setting `columns` from a jsonb recordset (nothing when there are none). */
async function updateRows(sql: SqlRunner, table: string, rows: object[], columns: Readonly<Record<string, string>>): Promise<void> {
  if (rows.length === 0) return;
  const names = Object.keys(columns);
  await sql.query(
    `UPDATE "medications"."${table}" AS t SET ${names.map((c) => `${c} = u.${c}`).join(", ")}
       FROM jsonb_to_recordset($1::jsonb) AS u(id text, ${names.map((c) => `${c} ${columns[c]}`).join(", ")})
      WHERE t.id = u.id`,
    [JSON.stringify(rows.map(snakeKeys))],
  );
}

/**
 * Decides each entry of the batch against what is stored under its keys and against earlier entries
 * of the same batch (as if applied one after the other): requests first, then dispenses.
 */
function planWrites(
  batch: {
    requests: RequestRows[];
    dispenses: DispenseRows[];
    storedRequests: StoredRequest[];
    storedPrescriptions: StoredPrescription[];
    storedDispenses: StoredDispense[];
  },
  now: Date,
  decide: (index: number, status: EntryStatus, reason?: string) => void,
): WritePlan {
  interface RequestState {
    id: string;
    nhsNumber: string;
    status: MedicationRequestStatus;
    quantityUnit: string;
    versionAt: number;
    recordedAt: Date;
    stored: boolean;
    /** The submission whose version is stored (null for seeded rows). */
    submissionId: string | null;
    write: RequestRow | null;
  }
  interface PrescriptionState {
    row: Omit<PrescriptionWrite, "updatedAt">;
    stored: boolean;
    changed: boolean;
  }
  interface DispenseState {
    id: string;
    requestId: string;
    prescriptionId: string;
    status: DispenseStatus;
    enteredInError: boolean;
    handedOverAt: Date;
    versionAt: number;
    recordedAt: Date;
    stored: boolean;
    /** The submission whose version is stored (null for seeded rows). */
    submissionId: string | null;
    write: Omit<DispenseWrite, "recordedAt" | "updatedAt"> | null;
  }
  const requestsByKey = new Map<string, RequestState>();
  const requestsById = new Map<string, RequestState>();
  const byIdentifier = new Map<string, Set<string>>();
  const identify = (identifierKey: string, id: string) => byIdentifier.set(identifierKey, (byIdentifier.get(identifierKey) ?? new Set()).add(id));
  for (const r of batch.storedRequests) {
    const state: RequestState = {
      id: r.id,
      nhsNumber: r.nhs_number,
      status: r.status,
      quantityUnit: r.quantity_unit,
      versionAt: r.source_version_at?.getTime() ?? Number.NEGATIVE_INFINITY,
      recordedAt: r.recorded_at,
      stored: true,
      submissionId: r.submission_id,
      write: null,
    };
    requestsById.set(r.id, state);
    if (r.source_key) requestsByKey.set(r.source_key, state);
    if (r.identifier_key) identify(r.identifier_key, r.id);
  }
  const prescriptions = new Map<string, PrescriptionState[]>();
  for (const p of batch.storedPrescriptions) {
    const row = {
      id: p.id,
      requestId: p.request_id,
      prescriptionId: p.prescription_id,
      status: p.status,
      issuedAt: p.issued_at,
      lastStatusChangeAt: p.last_status_change_at,
      pharmacyName: p.pharmacy_name,
      pharmacyOds: p.pharmacy_ods,
      sourceSystem: p.source_system,
      recordedAt: now, // not written for a stored row (an update keeps recorded_at)
    };
    prescriptions.set(p.request_id, [...(prescriptions.get(p.request_id) ?? []), { row, stored: true, changed: false }]);
  }
  const dispensesByKey = new Map<string, DispenseState>();
  const dispensesOf = new Map<string, DispenseState[]>();
  const track = (d: DispenseState) => dispensesOf.set(d.prescriptionId, [...(dispensesOf.get(d.prescriptionId) ?? []).filter((x) => x.id !== d.id), d]);
  for (const d of batch.storedDispenses) {
    const state: DispenseState = {
      id: d.id,
      requestId: d.request_id,
      prescriptionId: d.prescription_id,
      status: d.status,
      enteredInError: d.entered_in_error,
      handedOverAt: d.handed_over_at,
      versionAt: d.source_version_at?.getTime() ?? Number.NEGATIVE_INFINITY,
      recordedAt: d.recorded_at,
      stored: true,
      submissionId: d.submission_id,
      write: null,
    };
    if (d.source_key) dispensesByKey.set(d.source_key, state);
    track(state);
  }

  /** A status claim on an EPS prescription: taken when dated after its last status change. */
  // `sourceSystem`: the system whose claim it is (the request's or the dispense's), recorded on the prescription it changes.
  const claimStatus = (p: PrescriptionState, status: EpsPrescriptionStatus, at: Date, sourceSystem: string) => {
    if (status === p.row.status || at.getTime() <= p.row.lastStatusChangeAt.getTime()) return;
    Object.assign(p.row, { status, lastStatusChangeAt: at, sourceSystem });
    p.changed = true;
  };
  const claimPrescription = (requestId: string, claim: EpsClaim, at: Date, sourceSystem: string) => {
    const list = prescriptions.get(requestId) ?? [];
    const found = list.find((p) => p.row.prescriptionId === claim.prescriptionId);
    if (!found) {
      list.push({
        row: {
          id: prescriptionIdOf(requestId, claim.prescriptionId),
          requestId,
          prescriptionId: claim.prescriptionId,
          status: claim.status,
          issuedAt: claim.issuedAt,
          lastStatusChangeAt: at,
          pharmacyName: claim.pharmacyName,
          pharmacyOds: claim.pharmacyOds,
          sourceSystem,
          recordedAt: now,
        },
        stored: false,
        changed: true,
      });
      prescriptions.set(requestId, list);
      return;
    }
    claimStatus(found, claim.status, at, sourceSystem);
    if (claim.pharmacyName && (claim.pharmacyName !== found.row.pharmacyName || claim.pharmacyOds !== found.row.pharmacyOds)) {
      Object.assign(found.row, { pharmacyName: claim.pharmacyName, pharmacyOds: claim.pharmacyOds });
      found.changed = true;
    }
  };
  /** The request's latest EPS prescription (by issue time, then id, as latestPrescriptions reads it). */
  const latestOf = (requestId: string) =>
    [...(prescriptions.get(requestId) ?? [])].sort(
      (a, b) => b.row.issuedAt.getTime() - a.row.issuedAt.getTime() || (a.row.id < b.row.id ? 1 : a.row.id > b.row.id ? -1 : 0),
    )[0];

  for (const { index, request, eps } of batch.requests) {
    const version = request.sourceVersionAt.getTime();
    let s = requestsByKey.get(request.sourceKey);
    if (!s) {
      s = {
        id: request.id,
        nhsNumber: request.nhsNumber,
        status: request.status,
        quantityUnit: request.quantityUnit,
        versionAt: version,
        recordedAt: now,
        stored: false,
        submissionId: request.submissionId,
        write: request,
      };
      requestsByKey.set(request.sourceKey, s);
      requestsById.set(s.id, s);
      identify(request.identifierKey, s.id);
    } else if (s.nhsNumber !== request.nhsNumber) {
      decide(index, "REJECTED", "the prescription is already recorded for another patient");
      continue;
    } else if (version < s.versionAt) {
      decide(index, "SUPERSEDED", "a later version of the prescription is already applied");
      continue;
    } else if (version === s.versionAt) {
      // The same submission's own version, stored by an earlier attempt of this job (its outcome
      // lost to a crash or a restart before it was logged): what this submission did is APPLIED.
      if (s.stored && s.submissionId === request.submissionId) decide(index, "APPLIED");
      else decide(index, "DUPLICATE", "this version of the prescription is already applied");
      continue;
    } else Object.assign(s, { status: request.status, quantityUnit: request.quantityUnit, versionAt: version, write: { ...request, id: s.id } });
    if (eps) claimPrescription(s.id, eps, request.sourceVersionAt, request.sourceSystem);
    decide(index, "APPLIED");
  }

  for (const { index, dispense, prescriptionKey, epsStatus } of batch.dispenses) {
    const version = dispense.sourceVersionAt.getTime();
    const named = [...(byIdentifier.get(prescriptionKey) ?? [])];
    let s = dispensesByKey.get(dispense.sourceKey);
    if (s) {
      const request = requestsById.get(s.requestId);
      if (!named.includes(s.requestId)) {
        decide(index, "REJECTED", "the dispense is already recorded against another prescription");
        continue;
      }
      if (request!.nhsNumber !== dispense.nhsNumber) {
        decide(index, "REJECTED", "the dispense is already recorded for another patient");
        continue;
      }
      if (version < s.versionAt) {
        decide(index, "SUPERSEDED", "a later version of the dispense is already applied");
        continue;
      }
      if (version === s.versionAt) {
        if (s.stored && s.submissionId === dispense.submissionId) decide(index, "APPLIED");
        else decide(index, "DUPLICATE", "this version of the dispense is already applied");
        continue;
      }
    } else {
      if (named.length === 0) {
        decide(index, "REJECTED", "the prescription it names (authorizingPrescription) is not in the record: send the dispense again once it has arrived");
        continue;
      }
      if (named.length > 1) {
        decide(index, "REJECTED", "the identifier in authorizingPrescription names more than one prescription");
        continue;
      }
      const request = requestsById.get(named[0]!)!;
      if (request.nhsNumber !== dispense.nhsNumber) {
        decide(index, "REJECTED", "the prescription it names is recorded for another patient");
        continue;
      }
      if (request.status === "ENTERED_IN_ERROR" && !dispense.enteredInError) {
        decide(index, "REJECTED", "the prescription it names was withdrawn as entered in error");
        continue;
      }
      const latest = latestOf(request.id);
      if (!latest) {
        decide(index, "REJECTED", "the prescription it names has no EPS prescription (groupIdentifier) to dispense against");
        continue;
      }
      s = {
        id: dispense.id,
        requestId: request.id,
        prescriptionId: latest.row.id,
        status: dispense.status,
        enteredInError: dispense.enteredInError,
        handedOverAt: dispense.handedOverAt,
        versionAt: Number.NEGATIVE_INFINITY,
        recordedAt: now,
        stored: false,
        submissionId: dispense.submissionId,
        write: null,
      };
      dispensesByKey.set(dispense.sourceKey, s);
    }
    const request = requestsById.get(s.requestId)!;
    // A retraction keeps what it withdraws (status, for audit); the rest is the version as sent.
    const status = dispense.enteredInError && s.stored ? s.status : dispense.status;
    const { nhsNumber: _patient, ...fields } = dispense;
    void _patient;
    Object.assign(s, {
      status,
      enteredInError: dispense.enteredInError,
      handedOverAt: dispense.handedOverAt,
      versionAt: version,
      write: {
        ...fields,
        id: s.id,
        status,
        prescriptionId: s.prescriptionId,
        requestId: s.requestId,
        quantityUnit: dispense.quantityUnit ?? request.quantityUnit,
      },
    });
    track(s);
    // The EPS status after it: as the pharmacy states it, else what the dispense says; a retraction
    // goes back to what the dispenses left show (the latest handed over), or WITH_DISPENSER.
    const prescription = (prescriptions.get(s.requestId) ?? []).find((p) => p.row.id === s.prescriptionId);
    if (prescription) {
      let target = epsStatus;
      if (!target && !dispense.enteredInError) target = EPS_AFTER_DISPENSE[status];
      if (!target) {
        const left = (dispensesOf.get(s.prescriptionId) ?? []).filter((d) => !d.enteredInError);
        const last = left.sort((a, b) => b.handedOverAt.getTime() - a.handedOverAt.getTime())[0];
        target = last ? EPS_AFTER_DISPENSE[last.status] : "WITH_DISPENSER";
      }
      claimStatus(prescription, target, dispense.sourceVersionAt, dispense.sourceSystem);
    }
    decide(index, "APPLIED");
  }

  const plan: WritePlan = {
    requests: { inserts: [], updates: [] },
    prescriptions: { inserts: [], updates: [] },
    dispenses: { inserts: [], updates: [] },
    purge: { nhsNumbers: [], requestIds: [] },
  };
  const purged = new Set<string>();
  const purgeRequest = (id: string) => {
    if (purged.has(id)) return;
    purged.add(id);
    plan.purge.requestIds.push(id);
    plan.purge.nhsNumbers.push(requestsById.get(id)!.nhsNumber);
  };
  for (const s of requestsByKey.values()) {
    if (!s.write) continue;
    (s.stored ? plan.requests.updates : plan.requests.inserts).push({ ...s.write, recordedAt: s.recordedAt, updatedAt: now });
    purgeRequest(s.id);
  }
  for (const list of prescriptions.values())
    for (const p of list) {
      if (!p.changed) continue;
      (p.stored ? plan.prescriptions.updates : plan.prescriptions.inserts).push({ ...p.row, updatedAt: now });
      purgeRequest(p.row.requestId);
    }
  for (const s of dispensesByKey.values()) {
    if (!s.write) continue;
    (s.stored ? plan.dispenses.updates : plan.dispenses.inserts).push({ ...s.write, recordedAt: s.recordedAt, updatedAt: now });
    purgeRequest(s.requestId);
  }
  return plan;
}

export interface MedicationsBatch {
  requests: Prisma.MedicationRequestCreateManyInput[];
  prescriptions: Prisma.EpsPrescriptionCreateManyInput[];
  dispenses: Prisma.MedicationDispenseCreateManyInput[];
}

export type MedicationsRepository = ReturnType<typeof createMedicationsRepository>;
