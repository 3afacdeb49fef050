// What a subgraph is built from besides its database: its peers (the residents subgraph decides
// access for mutations; the usage subgraph reads the others' changes) and the process's caches.
import type { Peers } from "./peer-query.js";
import type { CacheHub } from "../cache/hub.js";

export interface SubgraphDeps {
  peers: Peers;
  caches: CacheHub;
}
