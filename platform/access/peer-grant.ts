// For root mutations, which cannot @require the grant from the gateway: ask the residents
// subgraph directly, signed as the gateway would sign it, for this caller's grant on a resident.
import type { Identity } from "../identity/identity.js";
import { INTERNAL_HEADER, signInternalIdentity } from "../identity/internal-auth.js";
import { fromWire, type GrantWire } from "./grant.js";
import type { ResidentGrant } from "./policy.js";
import { serviceUnavailable } from "../errors/unavailable.js";

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
  // A residents subgraph that cannot decide (its database is down, it answers 5xx) is an outage,
  // not a refusal: answering ROLE_NOT_PERMITTED would tell the client not to retry.
  if (!res.ok) throw serviceUnavailable();
  const body = (await res.json()) as { data?: { _entities?: ({ accessGrant?: GrantWire } | null)[] }; errors?: { extensions?: { code?: string } }[] };
  const codes = body.errors?.map((e) => e.extensions?.code) ?? [];
  if (codes.includes("SERVICE_UNAVAILABLE")) throw serviceUnavailable();
  if (codes.includes("INTERNAL_SERVER_ERROR")) throw new Error("the residents subgraph failed to decide a grant");
  // No answer, an error or a malformed grant all deny (fromWire).
  return fromWire(body.data?._entities?.[0]?.accessGrant);
}
