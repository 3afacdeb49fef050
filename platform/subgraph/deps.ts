// What a subgraph is built from besides its database: its peers (the residents subgraph decides
// access for mutations) and the process's caches.
import type { Peers } from "../access/peer-grant.js";
import type { CacheHub } from "../cache/hub.js";

export interface SubgraphDeps {
  peers: Peers;
  caches: CacheHub;
}
