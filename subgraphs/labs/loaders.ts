import { manyLoader, manyWithArgsLoader, uniqueLoader } from "../../platform/db/loaders.js";
import type { LabsRepository, ReportQuery } from "./repository.js";

export function createLabsLoaders(repo: LabsRepository) {
  return {
    report: uniqueLoader(repo.reports, (r) => r.id),
    reportsOfResident: manyWithArgsLoader<ReportQuery, Awaited<ReturnType<LabsRepository["reports"]>>[number]>(repo.reportsOfResidents, (r) => r.nhsNumber),
    observations: manyLoader(repo.observations, (o) => o.reportId),
    // What's new (ADR 0006): batched per request by recordChangesField (platform/access/record-changes.ts).
    changesOf: repo.changesOf,
  };
}

export type LabsLoaders = ReturnType<typeof createLabsLoaders>;
