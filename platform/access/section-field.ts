// A section of a resident's record as data that says what it holds (ADR 0005): PRESENT,
// NONE_KNOWN, NOT_RECORDED, REFUSED or UNAVAILABLE. The access decision is the same as for every
// section (sectionDecision over the caller's grant, then any action of the catalogue the request
// performs), made here, before anything is loaded; a subgraph gives only how to load the entries.
// A refused or unavailable section keeps its error one level down, at `items`, which is null
// because of it: so GraphQL's null still means "because of an error", the audit's rule ("a code at
// or below the section") holds, and a client reading `status` alone cannot mistake it for "none".
import { GraphQLError } from "graphql";
import { isUnavailable, serviceUnavailable } from "../errors/unavailable.js";
import { actionDenial, type Action } from "./actions.js";
import { DENIAL_MESSAGES, actionRefusal, sectionDecision } from "./rules.js";
import type { DenialCode, ResidentGrant } from "./policy.js";
import type { Section } from "./sections.js";

export type SectionStatus = "PRESENT" | "NONE_KNOWN" | "NOT_RECORDED" | "REFUSED" | "UNAVAILABLE";

/** Why `items` is null: thrown when `items` is resolved, so the error sits at its path. */
const WHY = Symbol("why items is null");

/**
 * A section as its resolver hands it to its wrapper type. `V` is what the wrapper's entries field
 * shows: a list (`items`), one page of a connection (`page`) or a single record (`item`).
 */
export interface SectionResult<V> {
  status: SectionStatus;
  value: V | null;
  refusal: { code: DenialCode; message: string } | null;
  outage: { sourceSystem: string; since: Date } | null;
  sourceSystem: string;
  lastUpdatedAt: Date | null;
  [WHY]?: GraphQLError;
}

/** The entry type of a list (what a list section's entries are). */
type ListEntry<V> = V extends readonly (infer E)[] ? E : never;

export interface SectionSpec<P, A, C, V, T> {
  section: Section;
  /** The system the section comes from, when its entries do not say (nothing recorded). */
  sourceSystem: string;
  grantOf(parent: P, ctx: C): Promise<ResidentGrant> | ResidentGrant;
  /** An action of the catalogue the request performs beyond what a LIMITED view shows, when `performed(args)`. */
  action?: { action: Action; performed(args: A): boolean };
  /** What the caller may see, for the access they have: the entries, a page of them, or one record. */
  load(parent: P, args: A, ctx: C, access: "FULL" | "LIMITED", grant: ResidentGrant): Promise<V>;
  /** The entries in what was loaded (default: it is the list itself), for the status and provenance. */
  entries?(value: V): T[];
  /**
   * Entries that are the source stating "none" (e.g. SNOMED 716186003 "No known allergy"): not
   * shown as entries. Only for a list section: the value shown is the list without them.
   */
  assertsNone?(item: T): boolean;
  /** Each entry's provenance, for `sourceSystem` and `lastUpdatedAt`. */
  provenance(item: T): { sourceSystem: string; updatedAt: Date };
}

/** Marks the resolvers made here, so a start-up check can tell a section field resolved some other way. */
export const SECTION_FIELD = Symbol("section field");

function refused<V>(code: DenialCode, sourceSystem: string, error: GraphQLError): SectionResult<V> {
  return { status: "REFUSED", value: null, refusal: { code, message: DENIAL_MESSAGES[code] }, outage: null, sourceSystem, lastUpdatedAt: null, [WHY]: error };
}

/** The resolver of a section field on Resident: decides, loads and says what the section holds. */
export function sectionField<P, A, C, V, T = ListEntry<V>>(spec: SectionSpec<P, A, C, V, T>) {
  const resolve = async (parent: P, args: A, ctx: C): Promise<SectionResult<V>> => {
    let grant: ResidentGrant;
    let value: V;
    try {
      grant = await spec.grantOf(parent, ctx);
      const decision = sectionDecision(grant, spec.section);
      if (decision instanceof GraphQLError) return refused(decision.extensions.code as DenialCode, spec.sourceSystem, decision);
      if (spec.action?.performed(args)) {
        const denied = actionDenial(spec.action.action, grant as never);
        if (denied) return refused(denied, spec.sourceSystem, actionRefusal(spec.action.action, denied));
      }
      value = await spec.load(parent, args, ctx, decision.access, grant);
    } catch (error) {
      // The section's own store is down: UNAVAILABLE, retryable. Anything else is a fault (masked).
      if (!isUnavailable(error)) throw error;
      const since = new Date();
      return {
        status: "UNAVAILABLE",
        value: null,
        refusal: null,
        outage: { sourceSystem: spec.sourceSystem, since },
        sourceSystem: spec.sourceSystem,
        lastUpdatedAt: null,
        [WHY]: serviceUnavailable(),
      };
    }
    const items = spec.entries ? spec.entries(value) : (value as unknown as T[]);
    const shown = spec.assertsNone ? items.filter((i) => !spec.assertsNone!(i)) : items;
    const status: SectionStatus = shown.length > 0 ? "PRESENT" : items.length > 0 ? "NONE_KNOWN" : "NOT_RECORDED";
    const provenance = items.map(spec.provenance);
    const newest = provenance.reduce<{ sourceSystem: string; updatedAt: Date } | null>((a, p) => (!a || p.updatedAt > a.updatedAt ? p : a), null);
    return {
      status,
      value: spec.assertsNone ? (shown as unknown as V) : value,
      refusal: null,
      outage: null,
      sourceSystem: newest?.sourceSystem ?? spec.sourceSystem,
      lastUpdatedAt: newest?.updatedAt ?? null,
    };
  };
  return Object.assign(resolve, { [SECTION_FIELD]: true as const });
}

const shownValue = <V>(result: SectionResult<V>): V | null => {
  if (result[WHY]) throw result[WHY];
  return result.value;
};

/**
 * The resolvers of every section wrapper type (AllergiesSection, ...): its entries field (`items`
 * for a list, `page` for a connection, `item` for one record) throws why it is null.
 */
export const sectionResultResolvers = { items: shownValue, page: shownValue, item: shownValue };
