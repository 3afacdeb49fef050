// "What's new" over a care home's residents (ADR 0006): who is placed there today, and the caller's
// grant on each, come from the residents subgraph (which owns placements and decides access),
// asked as the caller, so its own rule for listing a home's residents applies as well as ours.
import type { Identity } from "../../../platform/identity/identity.js";
import { fromWire, type GrantWire } from "../../../platform/access/grant.js";
import type { DenialCode, ResidentGrant } from "../../../platform/access/policy.js";
import { DENIAL_MESSAGES, denialError } from "../../../platform/access/rules.js";
import { serviceUnavailable } from "../../../platform/errors/unavailable.js";
import { peerQuery, type PeerAnswer, type Peers } from "../../../platform/subgraph/peer-query.js";
import type { ResidentUnseen } from "./compute.js";
import { CHANGING_SECTIONS, type ChangingSection } from "./sections.js";

const QUERY = `query ($r: [_Any!]!, $after: String) {
  _entities(representations: $r) { ... on CareHome { residents(first: 100, after: $after) {
    edges { node { nhsNumber accessGrant { allowed group code breakGlass relationship } } }
    pageInfo { hasNextPage endCursor }
  } } }
}`;
/** A home larger than this many pages of 100 is refused rather than read without bound. */
const MAX_PAGES = 20;

interface Page {
  edges: { node: { nhsNumber: string; accessGrant?: GrantWire | null } }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}
type Answer = { _entities?: ({ residents?: Page | null } | null)[] };

/** The residents placed at the home today, with the caller's grant on each. */
export async function residentsOfHome(peers: Peers, identity: Identity, homeId: string): Promise<{ nhsNumber: string; grant: ResidentGrant }[]> {
  const residents: { nhsNumber: string; grant: ResidentGrant }[] = [];
  let after: string | null = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    const body: PeerAnswer<Answer> = await peerQuery<Answer>(peers, "residents", identity, QUERY, {
      r: [{ __typename: "CareHome", id: homeId }],
      after,
    });
    // The residents subgraph's refusal is ours (the same action); anything else is an outage.
    const code = body.errors?.map((e) => e.extensions?.code).find((c): c is string => typeof c === "string");
    if (code && Object.hasOwn(DENIAL_MESSAGES, code)) throw denialError(code as DenialCode);
    const list: Page | null | undefined = body.data?._entities?.[0]?.residents;
    if (code || !list) throw serviceUnavailable();
    for (const { node } of list.edges) residents.push({ nhsNumber: node.nhsNumber, grant: fromWire(node.accessGrant) });
    if (!list.pageInfo.hasNextPage) return residents;
    after = list.pageInfo.endCursor;
  }
  // Unreachable for a real home (beds bound it); a fault, not an answer without some residents.
  throw new Error(`care home has more than ${MAX_PAGES * 100} residents`);
}

export interface CareHomeSection {
  section: ChangingSection;
  residents: number;
  changes: number;
  abnormal: number;
  unavailable: number;
}

export interface HomeSummary {
  residentsWithNew: number;
  residentsWithAbnormal: number;
  residentsIncomplete: number;
  sections: CareHomeSection[];
  /** Residents with something new, the longest waiting first. */
  ranked: { nhsNumber: string }[];
}

/** Sums the residents' "what's new" for the home's dashboard. */
export function homeSummary(unseen: { nhsNumber: string; unseen: ResidentUnseen }[]): HomeSummary {
  const sections = CHANGING_SECTIONS.map((section) => {
    const entries = unseen.map((u) => u.unseen.sections.find((s) => s.section === section)).filter((s) => s !== undefined);
    return {
      section,
      residents: entries.filter((s) => (s.count ?? 0) > 0).length,
      changes: entries.reduce((n, s) => n + (s.count ?? 0), 0),
      abnormal: entries.filter((s) => s.abnormal).length,
      unavailable: entries.filter((s) => s.status === "UNAVAILABLE").length,
    };
  }).filter((s) => unseen.some((u) => u.unseen.sections.some((x) => x.section === s.section)));
  const withNew = unseen.filter((u) => u.unseen.count > 0);
  return {
    residentsWithNew: withNew.length,
    residentsWithAbnormal: unseen.filter((u) => u.unseen.abnormal).length,
    residentsIncomplete: unseen.filter((u) => u.unseen.incomplete).length,
    sections,
    ranked: withNew
      .sort((a, b) => a.unseen.since!.getTime() - b.unseen.since!.getTime() || a.nhsNumber.localeCompare(b.nhsNumber))
      .map((u) => ({ nhsNumber: u.nhsNumber })),
  };
}
