// "What's new since I last looked" (ADR 0006), the side of a subgraph that holds sections of
// Resident: it reports the changes the care record received for a resident (derived from each row's
// recorded_at / updated_at, the times the record received it, never the clinical times), and the
// usage subgraph compares them with the caller's last look, which the audit knows. Only sections the
// caller may see are reported: a change in a section they may not see would itself tell them that
// something happened.
import { rule } from "graphql-shield";
import type { ResidentRepresentation } from "./contributed.js";
import { fromWire } from "./grant.js";
import { sectionAccess, type RoleGroup } from "./policy.js";
import { denialError } from "./rules.js";
import { manyWithArgsLoader } from "../db/loaders.js";
import type { Section } from "./sections.js";

/** One change as a subgraph reports it (RecordChange in platform/graphql/shared.graphql). */
export interface RecordChangeRow {
  section: Section;
  kind: string;
  at: Date;
  abnormal: boolean;
}

/** A change with the resident it is about, as a subgraph's batched query derives it. */
export type ResidentChange = RecordChangeRow & { nhsNumber: string };

/** The columns every row has that say when the care record received it. */
export interface ReceivedRow {
  nhsNumber: string;
  recordedAt: Date;
  updatedAt: Date;
}

/** The longest look back a subgraph answers for: older changes are never "new" (ADR 0006). */
export const CHANGE_WINDOW_DAYS = 30;
/** At most this many changes per resident, newest first: a bounded answer whatever the data. */
export const MAX_CHANGES_PER_RESIDENT = 200;
const DAY_MS = 86_400_000;

/** The start of the window at `now`: the oldest change ever reported. */
export const windowFrom = (now: Date) => new Date(now.getTime() - CHANGE_WINDOW_DAYS * DAY_MS);

/** The earliest change worth reporting for a look back to `since` (never before the window, never after now). */
export const windowStart = (since: Date, now = new Date()) => new Date(Math.min(now.getTime(), Math.max(since.getTime(), windowFrom(now).getTime())));

/**
 * Whether a caller is told of a section's changes: only with FULL access. A LIMITED view (urgent
 * care's current medicines, approved plan, recent summaries) would learn from the changes what it
 * does not show (a medicine stopped, a plan submitted and not approved); urgent care looks a
 * resident up when called, and has no "since I last looked".
 */
export const toldOfChanges = (group: RoleGroup, section: Section) => sectionAccess(group, section) === "FULL";

/**
 * Per request (its context): one "now", so every resident of one `_entities` call gets the same
 * window start (a clock read per resident would split a look back clamped to the window into a batch
 * per millisecond), and one loader, so those residents cost one `changesOf` call (one statement per
 * table) for each distinct window start.
 */
interface RequestChanges {
  now: Date;
  loader: ReturnType<typeof manyWithArgsLoader<string, ResidentChange>>;
}

/**
 * The shield rule of `Resident.recordChanges`: the caller must be allowed to see the resident at all.
 * The grant is the representation's `accessGrant`, which the usage subgraph sends with each resident
 * (missing, it denies). The field is `@shareable @inaccessible` without `@requires`: it is never
 * planned by the gateway, and the gateway runtime (graphql-tools stitching) cannot load a supergraph
 * where four subgraphs each have an `@requires` field returning one shared type ("Multiple
 * canonical definitions for RecordChange": every query then fails).
 */
export const recordChangesRule = rule("recordChanges", { cache: "no_cache" })(async (parent: ResidentRepresentation) => {
  const grant = fromWire(parent.accessGrant);
  return grant.allowed ? true : denialError(grant.code);
});

/**
 * The resolver of `Resident.recordChanges(since)` for a subgraph holding `sections`: the changes
 * `load` derives from its rows since the window start, without those in sections the caller may not
 * see, newest first and bounded.
 */
export function recordChangesField<C extends object>(
  sections: readonly Section[],
  changesOf: (ctx: C) => (nhsNumbers: string[], since: Date) => Promise<ResidentChange[]>,
) {
  const perRequest = new WeakMap<C, RequestChanges>();
  const forRequest = (ctx: C): RequestChanges => {
    let request = perRequest.get(ctx);
    if (!request) {
      const load = changesOf(ctx);
      request = {
        now: new Date(),
        loader: manyWithArgsLoader<string, ResidentChange>(
          (nhsNumbers, since) => load(nhsNumbers, new Date(since)),
          (c) => c.nhsNumber,
        ),
      };
      perRequest.set(ctx, request);
    }
    return request;
  };
  return async (parent: ResidentRepresentation, args: { since: Date }, ctx: C): Promise<RecordChangeRow[]> => {
    const grant = fromWire(parent.accessGrant);
    // Unreachable behind recordChangesRule; kept so the resolver can never report without a grant.
    if (!grant.allowed) throw denialError(grant.code);
    const visible = new Set(sections.filter((s) => toldOfChanges(grant.group, s)));
    if (visible.size === 0) return [];
    const { now, loader } = forRequest(ctx);
    const rows = await loader.load({ key: parent.nhsNumber, args: windowStart(args.since, now).toISOString() });
    return rows
      .filter((r) => visible.has(r.section))
      .sort((a, b) => b.at.getTime() - a.at.getTime())
      .slice(0, MAX_CHANGES_PER_RESIDENT);
  };
}
