import { manyLoader, manyWithArgsLoader, uniqueLoader } from "../../platform/db/loaders.js";
import type { ResidentChange } from "../../platform/access/record-changes.js";
import type { LabsRepository, ReportQuery } from "./repository.js";

export function createLabsLoaders(repo: LabsRepository) {
  return {
    report: uniqueLoader(repo.reports, (r) => r.id),
    reportsOfResident: manyWithArgsLoader<ReportQuery, Awaited<ReturnType<LabsRepository["reports"]>>[number]>(repo.reportsOfResidents, (r) => r.nhsNumber),
    observations: manyLoader(repo.observations, (o) => o.reportId),
    // What's new (ADR 0006): keyed by resident, with the look back (an ISO instant) as arguments, so
    // every resident of one `_entities` call asked for the same look back shares one statement per table.
    changesOfResident: manyWithArgsLoader<string, ResidentChange>(
      (nhsNumbers, since) => repo.changesOf(nhsNumbers, new Date(since)),
      (c) => c.nhsNumber,
    ),
  };
}

export type LabsLoaders = ReturnType<typeof createLabsLoaders>;
