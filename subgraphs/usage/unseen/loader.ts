// "What's new" for every resident a request asks about, in one batch: one call per reporting
// subgraph and one read of the caller's last looks, however many residents (the dashboard's 40).
import DataLoader from "dataloader";
import type { Identity } from "../../../platform/identity/identity.js";
import type { ResidentGrant } from "../../../platform/access/policy.js";
import type { Peers } from "../../../platform/subgraph/peer-query.js";
import type { UsageRepository } from "../repository.js";
import { residentUnseen, type LastLook, type ResidentUnseen } from "./compute.js";
import { reportedChanges } from "./reported-changes.js";
import { isChangingSection, type ChangingSection } from "./sections.js";

export interface UnseenRequest {
  nhsNumber: string;
  /** The caller's grant on the resident; only allowed grants are asked about. */
  grant: Extract<ResidentGrant, { allowed: true }>;
}

export function createUnseenLoader(repo: UsageRepository, peers: Peers, identity: Identity, viewMarginMs: number) {
  return new DataLoader<UnseenRequest, ResidentUnseen, string>(
    async (requests) => {
      const now = new Date();
      const [answers, looks] = await Promise.all([
        reportedChanges(peers, identity, [...requests], now),
        repo.lastLooks(
          identity.userId,
          requests.map((r) => r.nhsNumber),
        ),
      ]);
      const looksOf = new Map<string, Map<ChangingSection, LastLook>>();
      for (const look of looks) {
        if (!isChangingSection(look.section)) continue;
        const mine = looksOf.get(look.nhsNumber) ?? new Map<ChangingSection, LastLook>();
        mine.set(look.section, { viewedAt: look.viewedAt, acknowledgedUpTo: look.acknowledgedUpTo });
        looksOf.set(look.nhsNumber, mine);
      }
      return requests.map((r, i) => residentUnseen(r.grant.group, answers[i]!, looksOf.get(r.nhsNumber) ?? new Map(), viewMarginMs));
    },
    { cacheKeyFn: (r) => r.nhsNumber },
  );
}

export type UnseenLoader = ReturnType<typeof createUnseenLoader>;
