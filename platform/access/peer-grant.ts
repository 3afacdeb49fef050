// For root mutations, which cannot @require the grant from the gateway: ask the residents
// subgraph directly, signed as the gateway would sign it, for this caller's grant on a resident.
import type { Identity } from "../identity/identity.js";
import { fromWire, type GrantWire } from "./grant.js";
import type { ResidentGrant } from "./policy.js";
import { serviceUnavailable } from "../errors/unavailable.js";
import { peerQuery, type Peers } from "../subgraph/peer-query.js";

const QUERY = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Resident { accessGrant { allowed group code breakGlass relationship } } } }`;

export async function fetchGrant(peers: Peers, identity: Identity, nhsNumber: string): Promise<ResidentGrant> {
  // A residents subgraph that cannot decide (its database is down, it answers 5xx) is an outage,
  // not a refusal: answering ROLE_NOT_PERMITTED would tell the client not to retry.
  const body = await peerQuery<{ _entities?: ({ accessGrant?: GrantWire } | null)[] }>(peers, "residents", identity, QUERY, {
    r: [{ __typename: "Resident", nhsNumber }],
  });
  const codes = body.errors?.map((e) => e.extensions?.code) ?? [];
  if (codes.includes("SERVICE_UNAVAILABLE")) throw serviceUnavailable();
  if (codes.includes("INTERNAL_SERVER_ERROR")) throw new Error("the residents subgraph failed to decide a grant");
  // No answer, an error or a malformed grant all deny (fromWire).
  return fromWire(body.data?._entities?.[0]?.accessGrant);
}

/**
 * The caller's grant per resident for one request, each asked of the residents subgraph once: the
 * permission rule and the resolver behind it (markSeen) ask for the same grant.
 */
export function requestGrants(peers: Peers, identity: Identity): (nhsNumber: string) => Promise<ResidentGrant> {
  const asked = new Map<string, Promise<ResidentGrant>>();
  return (nhsNumber) => {
    let grant = asked.get(nhsNumber);
    if (!grant) asked.set(nhsNumber, (grant = fetchGrant(peers, identity, nhsNumber)));
    return grant;
  };
}
