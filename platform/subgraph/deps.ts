// What a subgraph is built from besides its database: its peers (the residents subgraph decides
// access for mutations; the usage subgraph reads the others' changes), the process's caches, and
// its link to FHIR ingestion (the residents subgraph hands an administrator's matches on with it).
import type { Peers } from "./peer-query.js";
import type { CacheHub } from "../cache/hub.js";
import type { IngestQueue } from "../ingest/queue.js";

/**
 * The process's FHIR ingestion queue, for a resolver that passes entries on to the subgraph that
 * owns their type (ADR 0008). The queue opens after the subgraphs are built (app/ingest.ts), so
 * the link is filled in then, as `peers.urls` are as the servers start: `current` is null until
 * then, after ingestion has stopped, and in a process that runs no ingestion.
 */
export interface IngestLink {
  current: { queue: IngestQueue; ownerOf: (resourceType: string) => string } | null;
}

export interface SubgraphDeps {
  peers: Peers;
  caches: CacheHub;
  /** Optional: only a subgraph that passes entries on to ingestion reads it. */
  ingest?: IngestLink;
}
