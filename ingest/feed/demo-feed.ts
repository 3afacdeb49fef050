// What `npm run feed` (scripts/feed.ts) needs beside the generators: whom to send results for,
// learnt through the gateway as the home's nurse (the embedded database is locked by `npm start`,
// and the demo residents' dates of birth depend on the day they were seeded), and what became of
// what it sent, read back from the front door's submission status.
import type { BundlePatient } from "./lab-bundle.js";
import type { SourceClient } from "./source-client.js";

const RESIDENTS = `query FeedResidents($home: ID!, $after: String) {
  careHome(id: $home) { residents(first: 100, after: $after) { edges { node { nhsNumber dateOfBirth name { family } } } pageInfo { hasNextPage endCursor } } }
}`;

interface ResidentNode {
  nhsNumber: string;
  dateOfBirth: string | null;
  name: { family: string | null } | null;
}

/**
 * The residents placed at `home` today, as its nurse sees them through the gateway. A resident whose
 * fields are refused (an objection to sharing) is left out: the feed never sends for someone it
 * could not name in full.
 */
export async function demoResidents(gatewayUrl: string, userToken: string, home: string): Promise<BundlePatient[]> {
  const out: BundlePatient[] = [];
  let after: string | null = null;
  for (;;) {
    const res = await fetch(gatewayUrl, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${userToken}` },
      body: JSON.stringify({ query: RESIDENTS, variables: { home, after } }),
    });
    const body = (await res.json()) as {
      data?: {
        careHome: { residents: { edges: { node: ResidentNode | null }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } | null } | null;
      };
      errors?: { message: string; path?: unknown[] }[];
    };
    const list = body.data?.careHome?.residents;
    if (!list) throw new Error(body.errors?.[0]?.message ?? `the gateway answered ${res.status}`);
    for (const { node } of list.edges)
      if (node?.dateOfBirth && node.name?.family) out.push({ nhsNumber: node.nhsNumber, birthDate: node.dateOfBirth, family: node.name.family });
    if (!list.pageInfo.hasNextPage || !list.pageInfo.endCursor) return out;
    after = list.pageInfo.endCursor;
  }
}

/** Entries by status over the given submissions, waiting (up to `timeoutMs` each) until none is QUEUED. */
export async function tallySubmissions(
  submissions: readonly { client: SourceClient; location: string }[],
  timeoutMs = 60_000,
): Promise<Record<string, number>> {
  const tally: Record<string, number> = {};
  for (const { client, location } of submissions) {
    let outcomes: Map<number, { status: string }>;
    try {
      outcomes = await client.settled(location, timeoutMs);
    } catch {
      // Still QUEUED after the wait: counted per submission, so it is never mistaken for an outcome.
      tally["submissions not settled"] = (tally["submissions not settled"] ?? 0) + 1;
      continue;
    }
    for (const { status } of outcomes.values()) tally[status] = (tally[status] ?? 0) + 1;
  }
  return tally;
}
