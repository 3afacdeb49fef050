// Permissions for a subgraph that contributes sections to Resident (discharge, labs, medications,
// care plans). The residents subgraph decides the caller's access to each resident; the gateway
// hands that decision over with the entity reference (@requires accessGrant), and these rules
// refuse any section the decision does not cover. Everything else in the subgraph is reachable only
// through a permitted section.
import type { DocumentNode } from "graphql";
import { allow, type IRules } from "graphql-shield";
type ShieldRule = typeof allow;
import { fromWire, type GrantWire } from "./grant.js";
import { sectionAccess, type SectionAccess } from "./policy.js";
import { federationQueryRules, federationTypeRules, residentFieldRules, typesBehindTheirParent } from "./rules.js";
import type { Section } from "./sections.js";

export interface ResidentRepresentation {
  nhsNumber: string;
  accessGrant?: Partial<GrantWire> | null;
}

const grantOf = (parent: ResidentRepresentation) => fromWire(parent.accessGrant);

/** How much of a section the resolver may show, once the section rule has let the field through. */
export function allowedAccess(parent: ResidentRepresentation, section: Section): Exclude<SectionAccess, "NONE"> {
  const grant = grantOf(parent);
  const access = grant.allowed ? sectionAccess(grant.group, section) : "NONE";
  // Unreachable behind the shield rule; kept so a resolver can never widen access by mistake.
  if (access === "NONE") throw new Error("section resolved without access");
  return access;
}

export function contributedSectionsPermissions(
  typeDefs: DocumentNode,
  residentFields: Readonly<Record<string, Section | null>>,
  mutations?: Record<string, ShieldRule>,
): IRules {
  return {
    ...(federationTypeRules as object),
    Query: federationQueryRules,
    ...(mutations ? { Mutation: mutations } : {}),
    Resident: { nhsNumber: allow, accessGrant: allow, ...residentFieldRules(residentFields, grantOf) },
    ...Object.fromEntries(typesBehindTheirParent(typeDefs).map((t) => [t, allow])),
  };
}
