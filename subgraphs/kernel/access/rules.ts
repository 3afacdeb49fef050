// graphql-shield building blocks shared by every subgraph: deny by default, let the federation
// plumbing through, and turn a policy decision into a field result or a coded error.
import { GraphQLError, isObjectType, type GraphQLSchema } from "graphql";
import { applyMiddleware } from "graphql-middleware";
import { allow, rule, shield, type IRules } from "graphql-shield";
import { sectionAccess, type DenialCode, type ResidentGrant, type RoleGroup, type SectionAccess } from "./policy.js";
import type { Section } from "./sections.js";

export const DENIAL_MESSAGES: Record<DenialCode, string> = {
  ORG_NOT_REGISTERED: "Your organisation is not registered to use the care record",
  ORG_DSPT_NOT_MET: "Your organisation does not meet the Data Security and Protection Toolkit standard",
  ORG_SHARING_AGREEMENT_MISSING: "Your organisation has not signed the data-sharing agreement",
  TRAINING_NOT_COMPLETED: "Complete the care record access training before viewing records",
  ROLE_NOT_PERMITTED: "Your role may not see this information",
  NO_CARE_RELATIONSHIP: "You have no care relationship with this resident",
  SHARING_OBJECTION: "This resident has objected to sharing their record; a clinician may use break-glass with a reason",
};

export function denialError(code: DenialCode, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(DENIAL_MESSAGES[code], { extensions: { code, ...extra } });
}

/** The decision for one section of one resident: how much may be shown, or the error to show instead. */
export function sectionDecision(grant: ResidentGrant, section: Section): { access: Exclude<SectionAccess, "NONE">; group: RoleGroup } | GraphQLError {
  if (!grant.allowed) return denialError(grant.code, { section });
  const access = sectionAccess(grant.group, section);
  if (access === "NONE") return denialError("ROLE_NOT_PERMITTED", { section });
  return { access, group: grant.group };
}

/** A shield rule for a section field, given how to find the grant for the parent resident. */
export function sectionRule<P, C>(section: Section, grantOf: (parent: P, ctx: C) => Promise<ResidentGrant> | ResidentGrant) {
  return rule(`section:${section}`, { cache: "no_cache" })(async (parent: P, _args: unknown, ctx: C) => {
    const decision = sectionDecision(await grantOf(parent, ctx), section);
    return decision instanceof GraphQLError ? decision : true;
  });
}

/**
 * Federation's own fields: the gateway must be able to resolve entities and read the SDL. (Only
 * the gateway can call a subgraph at all; each entity's fields keep their own rules.)
 */
export const federationQueryRules = { _entities: allow, _service: allow };
export const federationTypeRules: IRules = { _Service: allow };

/** Whether the rule tree says plain `allow` for this field (type-wide or field by field). */
function allowedOutright(rules: IRules, type: string, field: string): boolean {
  const forType = (rules as Record<string, unknown>)[type];
  if (forType === allow) return true;
  // A field map is a plain object; a rule (allow, deny, rule(), and/or...) is a class instance.
  return !!forType && Object.getPrototypeOf(forType) === Object.prototype && (forType as Record<string, unknown>)[field] === allow;
}

/**
 * The schema with the permissions applied. graphql-middleware wraps every field in an async
 * resolver, which on a 40-resident dashboard cost a quarter of the throughput (bench/RESULTS.md);
 * a field whose rule is plain `allow` is guarded by nothing, so it gets its own resolver back.
 * Every other field — every section rule, and every field the tree does not mention (the
 * deny-by-default fallback) — keeps the shield.
 */
export function applyPermissions(schema: GraphQLSchema, rules: IRules): GraphQLSchema {
  const guarded = applyMiddleware(schema, shield(rules, shieldOptions));
  for (const type of Object.values(guarded.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith("__")) continue;
    const original = schema.getType(type.name);
    if (!isObjectType(original)) continue;
    for (const [name, field] of Object.entries(type.getFields()))
      if (allowedOutright(rules, type.name, name)) field.resolve = original.getFields()[name]?.resolve;
  }
  return guarded;
}

export const shieldOptions: NonNullable<Parameters<typeof shield>[1]> = {
  fallbackRule: rule("deny-by-default", { cache: "no_cache" })(() => new GraphQLError("Not authorised", { extensions: { code: "FORBIDDEN" } })),
  allowExternalErrors: true, // our resolvers' coded GraphQLErrors (BAD_USER_INPUT) pass through unchanged
  debug: false,
  fallbackError: () => new GraphQLError("Not authorised", { extensions: { code: "FORBIDDEN" } }),
};
