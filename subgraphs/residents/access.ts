// Per-request access decisions for residents, from the organisation registry, placements, GP
// registration, objections and break-glass sessions. Batched like every other read.
import DataLoader from "dataloader";
import type { Identity } from "../../platform/identity/identity.js";
import { residentGrant, type OrganisationFacts, type ResidentGrant } from "../../platform/access/policy.js";
import type { ResidentsLoaders } from "./loaders.js";
import type { ResidentsRepository } from "./repository.js";
import { registryOf } from "./registry.js";

export function createAccess(repo: ResidentsRepository, loaders: ResidentsLoaders, identity: Identity, now = new Date()) {
  let org: Promise<OrganisationFacts | null> | undefined;
  const organisation = () => (org ??= registryOf(repo)(identity.orgCode));
  const breakGlass = new DataLoader<string, boolean>(async (nhsNumbers) => {
    const active = new Set((await repo.activeBreakGlass(identity.userId, [...nhsNumbers], now)).map((b) => b.nhsNumber));
    return nhsNumbers.map((n) => active.has(n));
  });
  const grants = new DataLoader<string, ResidentGrant>(async (nhsNumbers) =>
    Promise.all(
      nhsNumbers.map(async (nhsNumber) => {
        const [resident, placements, glass, orgFacts] = await Promise.all([
          loaders.resident.load(nhsNumber),
          loaders.placements.load(nhsNumber),
          breakGlass.load(nhsNumber),
          organisation(),
        ]);
        // An unknown resident is judged like a known one with no relationships, so a denial never
        // reveals whether a record exists.
        const facts = {
          nhsNumber,
          gpPracticeCode: resident?.gpPracticeCode ?? "",
          sharingObjection: resident?.sharingObjection ?? false,
          placements: placements.map((p) => ({ careHomeId: p.careHomeId, startDate: p.startDate, endDate: p.endDate })),
        };
        return residentGrant(identity, orgFacts, facts, glass, now);
      }),
    ),
  );
  return { grant: (nhsNumber: string) => grants.load(nhsNumber), organisation, now };
}

export type ResidentsAccess = ReturnType<typeof createAccess>;
