// The changes each section's subgraph reports for a batch of residents (Resident.recordChanges,
// platform/access/record-changes.ts), asked for as the caller, with the grant the residents
// subgraph decided handed over exactly as the gateway hands it over. One call per subgraph per
// batch. A subgraph that does not answer, or fails for one resident, makes its sections
// UNAVAILABLE for them: unknown, never "nothing new".
import type { Identity } from "../../../platform/identity/identity.js";
import { toWire } from "../../../platform/access/grant.js";
import type { UnseenRequest } from "./loader.js";
import { toldOfChanges, windowFrom } from "../../../platform/access/record-changes.js";
import { peerQuery, type Peers } from "../../../platform/subgraph/peer-query.js";
import { logger } from "../../../platform/observability/logger.js";
import { knownChanges, type SectionChanges } from "./compute.js";
import { CHANGE_SOURCES, type ChangeSource, type ChangingSection } from "./sections.js";

const QUERY = `query ($r: [_Any!]!, $since: DateTime!) {
  _entities(representations: $r) { ... on Resident { recordChanges(since: $since) { section kind at abnormal } } }
}`;

interface WireChange {
  section: string;
  kind: string;
  at: string;
  abnormal: boolean;
}

/** When each source was first found not answering, in this run of failures (SourceOutage.since). */
const failingSince = new Map<string, Date>();

function outageOf(source: ChangeSource, now: Date) {
  const since = failingSince.get(source.subgraph) ?? now;
  failingSince.set(source.subgraph, since);
  return { outage: { sourceSystem: source.sourceSystem, since } };
}

async function fromSource(peers: Peers, identity: Identity, source: ChangeSource, residents: UnseenRequest[], now: Date) {
  const answers = residents.map(() => new Map<ChangingSection, SectionChanges>());
  // Nobody in the batch may see these sections: nothing to ask (and nothing to show as unavailable).
  if (!residents.some((r) => source.sections.some((s) => toldOfChanges(r.grant.group, s)))) return answers;
  const fail = (i: number) => {
    for (const section of source.sections) answers[i]!.set(section, outageOf(source, now));
  };
  let body;
  try {
    body = await peerQuery<{ _entities?: ({ recordChanges?: WireChange[] | null } | null)[] }>(peers, source.subgraph, identity, QUERY, {
      r: residents.map((r) => ({ __typename: "Resident", nhsNumber: r.nhsNumber, accessGrant: toWire(r.grant) })),
      since: windowFrom(now).toISOString(),
    });
  } catch {
    residents.forEach((_, i) => fail(i));
    return answers;
  }
  const failed = new Set((body.errors ?? []).map((e) => (e.path?.[0] === "_entities" && typeof e.path[1] === "number" ? e.path[1] : -1)));
  if (failed.has(-1)) logger.warn({ subgraph: source.subgraph, codes: body.errors?.map((e) => e.extensions?.code) }, "changes not reported");
  let answeredAll = true;
  residents.forEach((_, i) => {
    const rows = body.data?._entities?.[i]?.recordChanges;
    if (failed.has(i) || failed.has(-1) || !Array.isArray(rows)) {
      answeredAll = false;
      return fail(i);
    }
    for (const section of source.sections) {
      const mine = rows.filter((r) => r.section === section).map((r) => ({ kind: r.kind, at: new Date(r.at), abnormal: r.abnormal === true }));
      answers[i]!.set(section, { changes: knownChanges(mine.filter((c) => !Number.isNaN(c.at.getTime()))) });
    }
  });
  if (answeredAll) failingSince.delete(source.subgraph);
  return answers;
}

/** Every changing section of every resident: its changes, or its outage. Residents must be ones the caller may see. */
export async function reportedChanges(peers: Peers, identity: Identity, residents: UnseenRequest[], now: Date) {
  if (residents.length === 0) return [];
  const perSource = await Promise.all(CHANGE_SOURCES.map((source) => fromSource(peers, identity, source, residents, now)));
  return residents.map((_, i) => new Map(perSource.flatMap((answers) => [...answers[i]!])));
}
