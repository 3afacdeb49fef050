import { manyLoader, manyWithArgsLoader, uniqueLoader } from "../../platform/db/loaders.js";
import type { ResidentChange } from "../../platform/access/record-changes.js";
import type { CareplansRepository } from "./repository.js";

export function createCareplansLoaders(repo: CareplansRepository) {
  return {
    plan: uniqueLoader(repo.plans, (p) => p.id),
    approvedPlan: uniqueLoader(repo.approvedPlans, (p) => p.nhsNumber),
    history: manyLoader(repo.planHistories, (p) => p.nhsNumber),
    // What's new (ADR 0006): keyed by resident, with the look back (an ISO instant) as arguments, so
    // every resident of one `_entities` call asked for the same look back shares one statement per table.
    changesOfResident: manyWithArgsLoader<string, ResidentChange>(
      (nhsNumbers, since) => repo.changesOf(nhsNumbers, new Date(since)),
      (c) => c.nhsNumber,
    ),
  };
}

export type CareplansLoaders = ReturnType<typeof createCareplansLoaders>;
