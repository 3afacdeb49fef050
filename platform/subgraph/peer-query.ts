// A subgraph asking another subgraph, signed as the gateway would sign it for the same caller: for
// what the gateway cannot hand over through @requires (a root mutation's access grant, the changes
// the usage subgraph compares with the audit). The peer applies its own rules to the caller.
import type { Identity } from "../identity/identity.js";
import { INTERNAL_HEADER, signInternalIdentity } from "../identity/internal-auth.js";
import { serviceUnavailable } from "../errors/unavailable.js";

/** Where the other subgraphs of this deployment answer (filled in as they start), and the shared secret. */
export interface Peers {
  urls: Partial<Record<string, string>>;
  internalSecret: string;
}

export interface PeerAnswer<D> {
  data?: D | null;
  errors?: { message?: string; path?: (string | number)[]; extensions?: { code?: string } }[];
}

/** How long a peer may take: an outage, never a hang (the gateway's own deadline bounds the whole request). */
const PEER_TIMEOUT_MS = 3000;

/**
 * Runs `query` on the peer subgraph `name` for `identity`. A peer that is unknown, unreachable, slow
 * or answers 5xx is an outage (SERVICE_UNAVAILABLE), never an empty answer.
 */
export async function peerQuery<D>(peers: Peers, name: string, identity: Identity, query: string, variables: Record<string, unknown>): Promise<PeerAnswer<D>> {
  const url = peers.urls[name];
  if (!url) throw serviceUnavailable();
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", [INTERNAL_HEADER]: await signInternalIdentity(identity, peers.internalSecret) },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(PEER_TIMEOUT_MS),
    });
  } catch {
    throw serviceUnavailable();
  }
  if (!res.ok) throw serviceUnavailable();
  try {
    return (await res.json()) as PeerAnswer<D>;
  } catch {
    throw serviceUnavailable();
  }
}
