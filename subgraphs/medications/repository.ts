// The only code in this subgraph that talks to Prisma. Reads take batches of keys.
import { Prisma, PrismaClient } from "./prisma/generated/client.js";
import type { EpsPrescriptionStatus, MedicationRequestStatus } from "./prisma/generated/enums.js";
import type { Database } from "../../platform/db/database.js";
import { countStatements, prismaOptions } from "../../platform/db/prisma.js";
import { bulkInsert } from "../../platform/db/bulk-insert.js";
import { cachedRelation, cachedRows } from "../../platform/cache/batched.js";
import type { EntityCache } from "../../platform/cache/entity-cache.js";
import { medicationChanges } from "./changes.js";
import type { ResidentChange } from "../../platform/access/record-changes.js";

import type { EpsPrescription, MedicationRequest } from "./prisma/generated/client.js";
import type { SectionResult } from "../../platform/access/section-field.js";
export type { MedicationRequest, EpsPrescription, MedicationDispense } from "./prisma/generated/client.js";
/** The medications section as its resolver hands it to its wrapper type (ADR 0005). */
export type MedicationsSection = SectionResult<MedicationRequest[]>;
/** A request's dispensing status is its latest EPS prescription (codegen.ts maps types to rows by name). */
export type DispensingStatus = EpsPrescription;

export function createMedicationsRepository(db: Database, cache: EntityCache) {
  const prisma = countStatements(new PrismaClient(prismaOptions(db.adapterFor("medications"))));
  return {
    requests: cachedRows(
      cache,
      "MedicationRequest",
      (ids) => prisma.medicationRequest.findMany({ where: { id: { in: ids } } }),
      (r) => r.id,
    ),
    requestsOfResidents: cachedRelation(
      cache,
      "Resident",
      "requests",
      (nhsNumbers: string[], statuses: MedicationRequestStatus[]) =>
        prisma.medicationRequest.findMany({
          where: { nhsNumber: { in: nhsNumbers }, status: { in: statuses } },
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
      (requestIds) => prisma.medicationDispense.findMany({ where: { requestId: { in: requestIds } }, orderBy: [{ handedOverAt: "desc" }, { id: "asc" }] }),
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
           WHERE r.nhs_number IN (${Prisma.join(nhsNumbers)}) AND (p.recorded_at >= ${since} OR p.updated_at >= ${since})`,
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
  };
}

export interface MedicationsBatch {
  requests: Prisma.MedicationRequestCreateManyInput[];
  prescriptions: Prisma.EpsPrescriptionCreateManyInput[];
  dispenses: Prisma.MedicationDispenseCreateManyInput[];
}

export type MedicationsRepository = ReturnType<typeof createMedicationsRepository>;
