// The only code in this subgraph that talks to Prisma. Reads take batches of keys.
import { PrismaClient, type Prisma } from "./prisma/generated/client.js";
import type { MedicationRequestStatus } from "./prisma/generated/enums.js";
import type { Database } from "../../platform/db/database.js";
import { countStatements, prismaOptions } from "../../platform/db/prisma.js";
import { bulkInsert } from "../../platform/db/bulk-insert.js";
import { cachedRelation, cachedRows } from "../../platform/cache/batched.js";
import type { EntityCache } from "../../platform/cache/entity-cache.js";

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
