// Per-request DataLoaders: one SQL statement per relation per tick, whatever the number of residents.
import { manyLoader, uniqueLoader } from "../../platform/db/loaders.js";
import type { ResidentsRepository } from "./repository.js";

export function createResidentsLoaders(repo: ResidentsRepository) {
  return {
    resident: uniqueLoader(repo.residents, (r) => r.nhsNumber),
    careHome: uniqueLoader(repo.careHomes, (h) => h.id),
    gpPractice: uniqueLoader(repo.gpPractices, (p) => p.odsCode),
    placements: manyLoader(repo.placements, (p) => p.nhsNumber),
    currentPlacements: manyLoader(repo.currentPlacements, (p) => p.nhsNumber),
    allergies: manyLoader(repo.allergies, (a) => a.nhsNumber),
    conditions: manyLoader(repo.conditions, (c) => c.nhsNumber),
  };
}

export type ResidentsLoaders = ReturnType<typeof createResidentsLoaders>;
