import { manyLoader, manyWithArgsLoader, uniqueLoader } from "../../platform/db/loaders.js";
import type { TimeKeyset } from "../../platform/graphql/paging.js";
import type { DischargeRepository, DischargeSummary, EmergencyCareSummary, HospitalStay, SummaryQuery } from "./repository.js";

export function createDischargeLoaders(repo: DischargeRepository) {
  return {
    stay: uniqueLoader(repo.stays, (s) => s.id),
    summary: uniqueLoader(repo.summaries, (s) => s.id),
    summariesOfResident: manyWithArgsLoader<SummaryQuery, DischargeSummary>(repo.summariesOfResidents, (s) => s.nhsNumber),
    staysOfResident: manyWithArgsLoader<TimeKeyset | null, HospitalStay>(repo.staysOfResidents, (s) => s.nhsNumber),
    currentStays: manyLoader(repo.currentStays, (s) => s.nhsNumber),
    emergencyCareOfResident: manyWithArgsLoader<TimeKeyset | null, EmergencyCareSummary>(repo.emergencyCareOfResidents, (s) => s.nhsNumber),
    // What's new (ADR 0006): batched per request by recordChangesField (platform/access/record-changes.ts).
    changesOf: repo.changesOf,
  };
}

export type DischargeLoaders = ReturnType<typeof createDischargeLoaders>;
