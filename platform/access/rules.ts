// graphql-shield building blocks shared by every subgraph: deny by default, let the federation
// plumbing through, and turn a policy decision into a field result or a coded error.
import {
  GraphQLError,
  Kind,
  isObjectType,
  print,
  type DocumentNode,
  type GraphQLSchema,
  type ObjectTypeDefinitionNode,
  type ObjectTypeExtensionNode,
  type TypeNode,
} from "graphql";
import { applyMiddleware } from "graphql-middleware";
import { isUnavailable, serviceUnavailable } from "../errors/unavailable.js";
import { allow, chain, rule, shield, type IRules } from "graphql-shield";
import type { Identity } from "../identity/identity.js";
import { callerDenial, sectionAccess, type DenialCode, type OrganisationFacts, type ResidentGrant, type RoleGroup, type SectionAccess } from "./policy.js";
import type { Section } from "./sections.js";
import { ACTIONS, actionDenial, actionEntry, isAction, type Action, type SubjectOf } from "./actions.js";

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

/**
 * Runs what a rule needs to decide. graphql-shield turns anything a rule throws into its generic
 * FORBIDDEN, which would tell a client "not allowed" when the truth is "the database is down, try
 * again": a lookup that failed for want of a connection is answered SERVICE_UNAVAILABLE instead.
 * Anything else still fails closed as FORBIDDEN.
 */
function decidedOrUnavailable<A extends unknown[]>(decide: (...args: A) => Promise<true | GraphQLError>) {
  return async (...args: A): Promise<true | GraphQLError> => {
    try {
      return await decide(...args);
    } catch (error) {
      if (isUnavailable(error)) return serviceUnavailable();
      throw error;
    }
  };
}

/** A shield rule for a section field, given how to find the grant for the parent resident. */
export function sectionRule<P, C>(section: Section, grantOf: (parent: P, ctx: C) => Promise<ResidentGrant> | ResidentGrant) {
  return rule(`section:${section}`, { cache: "no_cache" })(
    decidedOrUnavailable(async (parent: P, _args: unknown, ctx: C) => {
      const decision = sectionDecision(await grantOf(parent, ctx), section);
      return decision instanceof GraphQLError ? decision : true;
    }),
  );
}

const ACTION_RULE_PREFIX = "action:";

/**
 * The shield rule for an action of the catalogue (actions.ts): `subjectOf` finds what the action is
 * decided on (the caller, their grant on the resident, the care home...) from the field's parent,
 * arguments and context; null means this request does not perform the action (e.g. it asks only
 * for what a LIMITED section shows). Runs before the resolver, so a refused write stores nothing.
 */
export function performsAction<A extends Action, P = unknown, Args = unknown, C = unknown>(
  action: A,
  subjectOf: (parent: P, args: Args, ctx: C) => Promise<SubjectOf<A> | null> | SubjectOf<A> | null,
) {
  return rule(`${ACTION_RULE_PREFIX}${action}`, { cache: "no_cache" })(
    decidedOrUnavailable(async (parent: P, args: Args, ctx: C) => {
      const subject = await subjectOf(parent, args, ctx);
      const denied = subject === null ? null : actionDenial(action, subject);
      return denied ? actionRefusal(action, denied) : true;
    }),
  );
}

/** The error for an action refused: a ROLE_NOT_PERMITTED names the section the action is about, where it has one. */
export function actionRefusal(action: Action, code: DenialCode): GraphQLError {
  const { section } = actionEntry(action);
  return denialError(code, code === "ROLE_NOT_PERMITTED" && section ? { section } : {});
}

/** An action decided on who the caller is alone. */
export const callerPerforms = (action: Action) => performsAction(action, (_p: unknown, _a: unknown, ctx: { identity: Identity }) => ctx.identity as never);

/** The action a rule decides, when it is one made by performsAction. */
function actionOf(candidate: unknown): Action | null {
  const name = (candidate as { name?: unknown } | undefined)?.name;
  if (typeof name !== "string" || !name.startsWith(ACTION_RULE_PREFIX)) return null;
  const action = name.slice(ACTION_RULE_PREFIX.length);
  return isAction(action) ? action : null;
}

/** The scope sets a field's @requiresScopes asks for, as written in the SDL. */
function requiredScopes(schema: GraphQLSchema, type: string, field: string): string[][] {
  const root = schema.getType(type);
  const directive = isObjectType(root) ? root.getFields()[field]?.astNode?.directives?.find((d) => d.name.value === "requiresScopes") : undefined;
  const arg = directive?.arguments?.[0]?.value;
  if (arg?.kind !== Kind.LIST) return [];
  return arg.values.map((set) => (set.kind === Kind.LIST ? set.values.map((s) => (s.kind === Kind.STRING ? s.value : "?")) : ["?"]));
}

/**
 * Start-up check: every guarded root field performs one action of the catalogue, and declares
 * exactly that action's scope with @requiresScopes, so the gateway's coarse check and the
 * subgraph's decision cannot drift apart and no root field is decided anywhere else.
 */
export function checkRootActions(schema: GraphQLSchema, rules: IRules): void {
  const problems: string[] = [];
  for (const { type, field } of guardedRootFields(schema)) {
    const forType = (rules as Record<string, unknown>)[type];
    const candidate = forType && Object.getPrototypeOf(forType) === Object.prototype ? (forType as Record<string, unknown>)[field] : forType;
    const action = actionOf(candidate);
    if (!action) {
      problems.push(`${type}.${field} performs no action: give it performsAction(<an action of platform/access/actions.ts>, ...) in permissions`);
      continue;
    }
    const declared = JSON.stringify(requiredScopes(schema, type, field));
    const expected = JSON.stringify([[ACTIONS[action].scope]]);
    if (declared !== expected) problems.push(`${type}.${field} performs ${action}, so it needs @requiresScopes(scopes: ${expected}), not ${declared}`);
  }
  if (problems.length > 0) throw new Error(`Root fields without a matching action:\n  ${problems.join("\n  ")}`);
}

/**
 * Resident fields whose type is a section wrapper (a type with `status: SectionStatus!`, ADR 0005):
 * their resolver (section-field.ts) decides access itself and answers a refusal as data.
 */
export function sectionWrapperFields(typeDefs: DocumentNode): Set<string> {
  const objects = typeDefs.definitions.filter(
    (d): d is ObjectTypeDefinitionNode | ObjectTypeExtensionNode => d.kind === Kind.OBJECT_TYPE_DEFINITION || d.kind === Kind.OBJECT_TYPE_EXTENSION,
  );
  const wrappers = new Set(
    objects.filter((d) => d.fields?.some((f) => f.name.value === "status" && print(f.type) === "SectionStatus!")).map((d) => d.name.value),
  );
  const namedType = (t: TypeNode): string => (t.kind === Kind.NAMED_TYPE ? t.name.value : namedType(t.type));
  return new Set(
    objects
      .filter((d) => d.name.value === "Resident")
      .flatMap((d) => d.fields ?? [])
      .filter((f) => wrappers.has(namedType(f.type)))
      .map((f) => f.name.value),
  );
}

/**
 * Rules for a subgraph's Resident fields from its manifest's field -> section map (the key, null,
 * gets none here). A section wrapper field is let through: its resolver decides (section-field.ts).
 */
export function residentFieldRules<P, C>(
  residentFields: Readonly<Record<string, Section | null>>,
  grantOf: (parent: P, ctx: C) => Promise<ResidentGrant> | ResidentGrant,
  typeDefs: DocumentNode,
): Record<string, ReturnType<typeof sectionRule> | typeof allow> {
  const wrapped = sectionWrapperFields(typeDefs);
  // One rule per section: graphql-shield requires rule names to be unique.
  const bySection = new Map<Section, ReturnType<typeof sectionRule>>();
  const ruleFor = (section: Section) => bySection.get(section) ?? bySection.set(section, sectionRule(section, grantOf)).get(section)!;
  return Object.fromEntries(
    Object.entries(residentFields).flatMap(([field, section]) => (section === null ? [] : [[field, wrapped.has(field) ? allow : ruleFor(section)]])),
  );
}

/** Every object type of a subgraph but Query, Mutation and Resident: reachable only through a permitted parent. */
export function typesBehindTheirParent(typeDefs: DocumentNode): string[] {
  return typeDefs.definitions
    .filter((d) => d.kind === Kind.OBJECT_TYPE_DEFINITION && !["Query", "Mutation", "Resident"].includes(d.name.value))
    .map((d) => (d as { name: { value: string } }).name.value);
}

/**
 * Federation's own fields: the gateway must be able to resolve entities and read the SDL. (Only
 * the gateway can call a subgraph at all; each entity's fields keep their own rules.)
 */
export const federationQueryRules = { _entities: allow, _service: allow };
export const federationTypeRules: IRules = { _Service: allow };

/** What the preconditions rule needs from a subgraph's request context. */
export interface PreconditionContext {
  identity: Identity;
  /** The caller's organisation in the registry (null when unknown), looked up once per request. */
  organisation?: () => Promise<OrganisationFacts | null>;
}

/**
 * The caller's preconditions (registry, organisation type, DSPT, sharing agreement, training),
 * decided by callerDenial. applyPermissions puts it in front of every root field of every subgraph,
 * so no query or mutation can be reached without it; cached per request.
 */
export const preconditions = rule("preconditions", { cache: "contextual" })(
  decidedOrUnavailable(async (_p: unknown, _a: unknown, ctx: PreconditionContext) => {
    if (!ctx.organisation) throw new Error("a subgraph with root fields must give its context the organisation registry");
    const denied = callerDenial(ctx.identity, await ctx.organisation());
    return denied ? denialError(denied) : true;
  }),
);

/** Root fields that only the gateway's federation plumbing calls; each entity's fields keep their own rules. */
const FEDERATION_ROOT_FIELDS: ReadonlySet<string> = new Set(["_entities", "_service"]);

/** Every root field of the schema other than federation's own (they all need the preconditions). */
export function guardedRootFields(schema: GraphQLSchema): { type: "Query" | "Mutation"; field: string }[] {
  return (["Query", "Mutation"] as const).flatMap((type) => {
    const root = schema.getType(type);
    return isObjectType(root)
      ? Object.keys(root.getFields())
          .filter((f) => !FEDERATION_ROOT_FIELDS.has(f))
          .map((field) => ({ type, field }))
      : [];
  });
}

/** The rule tree with the preconditions chained in front of every guarded root field's own rule. */
function withPreconditions(schema: GraphQLSchema, rules: IRules): IRules {
  const out = { ...(rules as Record<string, unknown>) };
  const isFieldMap = (x: unknown) => !!x && Object.getPrototypeOf(x) === Object.prototype;
  for (const type of ["Query", "Mutation"] as const) {
    const root = schema.getType(type);
    if (!isObjectType(root)) continue;
    const forType = out[type];
    // A rule for the whole type becomes that rule on each of its fields, so the fields can be chained one by one.
    const fieldRules: Record<string, unknown> = isFieldMap(forType)
      ? { ...(forType as object) }
      : forType
        ? Object.fromEntries(Object.keys(root.getFields()).map((f) => [f, forType]))
        : {};
    for (const { field } of guardedRootFields(schema).filter((r) => r.type === type))
      // A field the tree does not name keeps the deny-by-default fallback, behind the preconditions.
      fieldRules[field] = chain(preconditions, (fieldRules[field] ?? shieldOptions.fallbackRule) as typeof preconditions);
    out[type] = fieldRules;
  }
  return out as IRules;
}

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
export function applyPermissions(schema: GraphQLSchema, given: IRules): GraphQLSchema {
  checkRootActions(schema, given);
  const rules = withPreconditions(schema, given);
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
