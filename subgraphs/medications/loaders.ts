import { manyLoader, manyWithArgsLoader, uniqueLoader } from "../../platform/db/loaders.js";
import type { MedicationRequestStatus } from "./prisma/generated/enums.js";
import type { ResidentChange } from "../../platform/access/record-changes.js";
import type { MedicationRequest, MedicationsRepository } from "./repository.js";

export function createMedicationsLoaders(repo: MedicationsRepository) {
  return {
    request: uniqueLoader(repo.requests, (r) => r.id),
    requestsOfResident: manyWithArgsLoader<MedicationRequestStatus[], MedicationRequest>(repo.requestsOfResidents, (r) => r.nhsNumber),
    latestPrescription: uniqueLoader(repo.latestPrescriptions, (p) => p.requestId),
    dispenses: manyLoader(repo.dispenses, (d) => d.requestId),
    // What's new (ADR 0006): keyed by resident, with the look back (an ISO instant) as arguments, so
    // every resident of one `_entities` call asked for the same look back shares one statement per table.
    changesOfResident: manyWithArgsLoader<string, ResidentChange>(
      (nhsNumbers, since) => repo.changesOf(nhsNumbers, new Date(since)),
      (c) => c.nhsNumber,
    ),
  };
}

export type MedicationsLoaders = ReturnType<typeof createMedicationsLoaders>;
