import { manyLoader, manyWithArgsLoader, uniqueLoader } from "../../platform/db/loaders.js";
import type { TimeKeyset } from "../../platform/graphql/paging.js";
import type { ResidentChange } from "../../platform/access/record-changes.js";
import type { DischargeRepository, DischargeSummary, EmergencyCareSummary, HospitalStay, SummaryQuery } from "./repository.js";

export function createDischargeLoaders(repo: DischargeRepository) {
  return {
    stay: uniqueLoader(repo.stays, (s) => s.id),
    summary: uniqueLoader(repo.summaries, (s) => s.id),
    summariesOfResident: manyWithArgsLoader<SummaryQuery, DischargeSummary>(repo.summariesOfResidents, (s) => s.nhsNumber),
    staysOfResident: manyWithArgsLoader<TimeKeyset | null, HospitalStay>(repo.staysOfResidents, (s) => s.nhsNumber),
    currentStays: manyLoader(repo.currentStays, (s) => s.nhsNumber),
    emergencyCareOfResident: manyWithArgsLoader<TimeKeyset | null, EmergencyCareSummary>(repo.emergencyCareOfResidents, (s) => s.nhsNumber),
    // What's new (ADR 0006): keyed by resident, with the look back (an ISO instant) as arguments, so
    // every resident of one `_entities` call asked for the same look back shares one statement per table.
    changesOfResident: manyWithArgsLoader<string, ResidentChange>(
      (nhsNumbers, since) => repo.changesOf(nhsNumbers, new Date(since)),
      (c) => c.nhsNumber,
    ),
  };
}

export type DischargeLoaders = ReturnType<typeof createDischargeLoaders>;
