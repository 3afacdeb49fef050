// Permissions for a subgraph that contributes sections to Resident (discharge, labs, medications,
// care plans). The residents subgraph decides the caller's access to each resident; the gateway
// hands that decision over with the entity reference (@requires accessGrant), and these rules
// refuse any section the decision does not cover. Everything else in the subgraph is reachable only
// through a permitted section.
import type { DocumentNode } from "graphql";
import { allow, type IRule, type IRules } from "graphql-shield";
import { fromWire, type GrantWire } from "./grant.js";
import { sectionAccess, type SectionAccess } from "./policy.js";
import { recordChangesRule } from "./record-changes.js";
import { federationQueryRules, federationTypeRules, residentFieldRules, typesBehindTheirParent } from "./rules.js";
import type { Section } from "./sections.js";

export interface ResidentRepresentation {
  nhsNumber: string;
  accessGrant?: Partial<GrantWire> | null;
}

/** The caller's grant on the resident, as the residents subgraph decided it and the gateway handed it over. */
export const grantOf = (parent: ResidentRepresentation) => fromWire(parent.accessGrant);

/** How much of a section the resolver may show, once the section rule has let the field through. */
export function allowedAccess(parent: ResidentRepresentation, section: Section): Exclude<SectionAccess, "NONE"> {
  const grant = grantOf(parent);
  const access = grant.allowed ? sectionAccess(grant.group, section) : "NONE";
  // Unreachable behind the shield rule; kept so a resolver can never widen access by mistake.
  if (access === "NONE") throw new Error("section resolved without access");
  return access;
}

/** A subgraph's own actions (actions.ts): its mutations. (A section field's own action is its spec's, section-field.ts.) */
export interface ContributedActions {
  Mutation?: Record<string, IRule>;
}

export function contributedSectionsPermissions(
  typeDefs: DocumentNode,
  residentFields: Readonly<Record<string, Section | null>>,
  actions: ContributedActions = {},
): IRules {
  const sections = residentFieldRules(residentFields, grantOf, typeDefs);
  return {
    ...(federationTypeRules as object),
    Query: federationQueryRules,
    ...(actions.Mutation ? { Mutation: actions.Mutation } : {}),
    // recordChanges: what changed, for the usage subgraph's "what's new" (record-changes.ts).
    Resident: { nhsNumber: allow, accessGrant: allow, recordChanges: recordChangesRule, ...sections },
    ...Object.fromEntries(typesBehindTheirParent(typeDefs).map((t) => [t, allow])),
  };
}
