import { manyLoader, manyWithArgsLoader, uniqueLoader } from "../../platform/db/loaders.js";
import type { MedicationRequestStatus } from "./prisma/generated/enums.js";
import type { MedicationRequest, MedicationsRepository } from "./repository.js";

export function createMedicationsLoaders(repo: MedicationsRepository) {
  return {
    request: uniqueLoader(repo.requests, (r) => r.id),
    requestsOfResident: manyWithArgsLoader<MedicationRequestStatus[], MedicationRequest>(repo.requestsOfResidents, (r) => r.nhsNumber),
    latestPrescription: uniqueLoader(repo.latestPrescriptions, (p) => p.requestId),
    dispenses: manyLoader(repo.dispenses, (d) => d.requestId),
    // What's new (ADR 0006): batched per request by recordChangesField (platform/access/record-changes.ts).
    changesOf: repo.changesOf,
  };
}

export type MedicationsLoaders = ReturnType<typeof createMedicationsLoaders>;
