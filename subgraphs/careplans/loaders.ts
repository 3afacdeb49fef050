import { manyLoader, uniqueLoader } from "../../platform/db/loaders.js";
import type { CareplansRepository } from "./repository.js";

export function createCareplansLoaders(repo: CareplansRepository) {
  return {
    plan: uniqueLoader(repo.plans, (p) => p.id),
    approvedPlan: uniqueLoader(repo.approvedPlans, (p) => p.nhsNumber),
    history: manyLoader(repo.planHistories, (p) => p.nhsNumber),
    // What's new (ADR 0006): batched per request by recordChangesField (platform/access/record-changes.ts).
    changesOf: repo.changesOf,
  };
}

export type CareplansLoaders = ReturnType<typeof createCareplansLoaders>;
