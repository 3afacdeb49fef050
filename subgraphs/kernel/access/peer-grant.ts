// For root mutations, which cannot @require the grant from the gateway: ask the residents
// subgraph directly, signed as the gateway would sign it, for this caller's grant on a resident.
import type { Identity } from "../identity.js";
import { INTERNAL_HEADER, signInternalIdentity } from "../internal-auth.js";
import { fromWire, type GrantWire } from "./grant.js";
import type { ResidentGrant } from "./policy.js";

export interface Peers {
  residentsUrl: string;
  internalSecret: string;
}

const QUERY = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Resident { accessGrant { allowed group code breakGlass relationship } } } }`;

export async function fetchGrant(peers: Peers, identity: Identity, nhsNumber: string): Promise<ResidentGrant> {
  const res = await fetch(peers.residentsUrl, {
    method: "POST",
    headers: { "content-type": "application/json", [INTERNAL_HEADER]: await signInternalIdentity(identity, peers.internalSecret) },
    body: JSON.stringify({ query: QUERY, variables: { r: [{ __typename: "Resident", nhsNumber }] } }),
  });
  if (!res.ok) throw new Error(`residents subgraph answered ${res.status}`);
  const body = (await res.json()) as { data?: { _entities?: ({ accessGrant?: GrantWire } | null)[] } };
  // No answer, an error or a malformed grant all deny (fromWire).
  return fromWire(body.data?._entities?.[0]?.accessGrant);
}
