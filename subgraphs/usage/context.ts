import type { BaseContext } from "../../platform/subgraph/server.js";
import type { ResidentGrant } from "../../platform/access/policy.js";
import type { Peers } from "../../platform/subgraph/peer-query.js";
import type { UsageRepository } from "./repository.js";
import type { UnseenLoader } from "./unseen/loader.js";

export interface UsageContext extends BaseContext {
  repo: UsageRepository;
  peers: Peers;
  /** "What's new" for the residents this request asks about, in one batch (unseen/loader.ts). */
  unseen: UnseenLoader;
  /** The caller's grant on a resident, from the residents subgraph (for markSeen). */
  grantFor(nhsNumber: string): Promise<ResidentGrant>;
}
