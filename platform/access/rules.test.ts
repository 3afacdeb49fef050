// applyPermissions: plain `allow` fields get their own resolvers back (no shield wrapper), while
// rule-guarded fields and fields the rule tree does not mention stay behind the shield; every root
// field other than federation's own sits behind the caller's preconditions and performs one action
// of the catalogue, with that action's scope declared.
import { buildSchema, graphql, isObjectType } from "graphql";
import { allow, rule } from "graphql-shield";
import type { Identity } from "../identity/identity.js";
import type { OrganisationFacts } from "./policy.js";
import { applyPermissions, callerPerforms, denialError, performsAction } from "./rules.js";

const open = () => "open";
const scoped = (scope: string) => `@requiresScopes(scopes: [["${scope}"]])`;
const sdl = `directive @requiresScopes(scopes: [[String!]!]!) on FIELD_DEFINITION
  type Query { thing: Thing ${scoped("audit:read")} root: String ${scoped("audit:read")} _service: String }
  type Mutation { write: String ${scoped("audit:read")} }
  type Thing { open: String guarded: String unlisted: String a: String }`;
const schema = buildSchema(sdl);
const fields = (type: string) => (schema.getType(type) as import("graphql").GraphQLObjectType).getFields();
Object.assign(fields("Thing").open!, { resolve: open });
Object.assign(fields("Thing").guarded!, { resolve: () => "secret" });
Object.assign(fields("Thing").unlisted!, { resolve: () => "secret" });
Object.assign(fields("Thing").a!, { resolve: () => "x" });
Object.assign(fields("Query").thing!, { resolve: () => ({}) });
Object.assign(fields("Query").root!, { resolve: () => "root" });
Object.assign(fields("Query")._service!, { resolve: () => "sdl" });
Object.assign(fields("Mutation").write!, { resolve: () => "written" });
const refuse = rule("refuse", { cache: "no_cache" })(() => denialError("ROLE_NOT_PERMITTED"));
const rootRules = {
  Query: { thing: callerPerforms("listBreakGlassSessions"), root: callerPerforms("readAccessEvents"), _service: allow },
  Mutation: callerPerforms("closeBreakGlassReview"),
};
const permitted = applyPermissions(schema, { ...rootRules, Thing: { open: allow, guarded: refuse, a: allow } });

const identity: Identity = { userId: "u", name: "U", role: "privacy_officer", orgCode: "CRO01", orgType: "record_operator", trainingCompletedAt: "2025-01-01" };
const operator: OrganisationFacts = { odsCode: "CRO01", type: "record_operator", dsptStandardMet: true, sharingAgreementSigned: true };
const ctx = (org: OrganisationFacts | null, who: Identity = identity) => ({ identity: who, organisation: async () => org });

describe("applyPermissions", () => {
  it("unwraps allow-only fields and keeps rules and the deny-by-default fallback", async () => {
    const thing = permitted.getType("Thing");
    expect(isObjectType(thing) && thing.getFields().open!.resolve).toBe(open);
    expect(isObjectType(thing) && thing.getFields().guarded!.resolve).not.toBe(fields("Thing").guarded!.resolve);
    const res = await graphql({ schema: permitted, source: "{ thing { open guarded unlisted a } }", contextValue: ctx(operator) });
    expect(res.data).toEqual({ thing: { open: "open", guarded: null, unlisted: null, a: "x" } });
    expect(res.errors?.map((e) => [e.path?.[1], e.extensions?.code]).sort()).toEqual([
      ["guarded", "ROLE_NOT_PERMITTED"],
      ["unlisted", "FORBIDDEN"],
    ]);
  });

  it("puts the caller's preconditions in front of every root field, before its action", async () => {
    const ok = await graphql({ schema: permitted, source: "{ root a: thing { a } }", contextValue: ctx(operator) });
    expect(ok).toEqual({ data: { root: "root", a: { a: "x" } } });
    for (const [org, who, code] of [
      [null, identity, "ORG_NOT_REGISTERED"],
      [{ ...operator, dsptStandardMet: false }, identity, "ORG_DSPT_NOT_MET"],
      [{ ...operator, sharingAgreementSigned: false }, identity, "ORG_SHARING_AGREEMENT_MISSING"],
      [operator, { ...identity, trainingCompletedAt: "2999-01-01" }, "TRAINING_NOT_COMPLETED"],
      [operator, { ...identity, orgType: "integrated_care_board" }, "ROLE_NOT_PERMITTED"],
    ] as const) {
      const q = await graphql({ schema: permitted, source: "{ root x: thing { a } }", contextValue: ctx(org, who as Identity) });
      expect(q.data).toEqual({ root: null, x: null });
      expect(q.errors?.map((e) => e.extensions?.code)).toEqual([code, code]);
      const m = await graphql({ schema: permitted, source: "mutation { write }", contextValue: ctx(org, who as Identity) });
      expect([m.data, m.errors?.[0]?.extensions?.code]).toEqual([{ write: null }, code]);
    }
  });

  it("leaves federation's own root fields to their rules, and fails closed without a registry", async () => {
    expect(await graphql({ schema: permitted, source: "{ _service }", contextValue: ctx(null) })).toEqual({ data: { _service: "sdl" } });
    const res = await graphql({ schema: permitted, source: "{ root }", contextValue: { identity } });
    expect(res.data).toEqual({ root: null });
    expect(res.errors).toHaveLength(1);
  });
});

describe("root fields and the action catalogue", () => {
  it("refuses to start with a root field that performs no action, naming it", () => {
    expect(() => applyPermissions(schema, { ...rootRules, Query: { ...rootRules.Query, root: allow } })).toThrow(/Query\.root performs no action/);
    // A rule that merely looks like one (any other name) is not an action either.
    const lookalike = rule("readUsage", { cache: "no_cache" })(() => true);
    expect(() => applyPermissions(schema, { ...rootRules, Mutation: lookalike })).toThrow(/Mutation\.write performs no action/);
    // A field the tree does not name at all keeps deny-by-default, but is still refused at start-up.
    expect(() => applyPermissions(schema, { Query: { thing: rootRules.Query.thing } })).toThrow(/Query\.root[^]*Mutation\.write/);
  });

  it("refuses an action whose scope the field does not declare, or declares differently", () => {
    expect(() => applyPermissions(schema, { ...rootRules, Mutation: callerPerforms("readUsage") })).toThrow(
      /Mutation\.write performs readUsage, so it needs @requiresScopes\(scopes: \[\["usage:read"\]\]\)/,
    );
    const unscoped = buildSchema(sdl.replace(`write: String ${scoped("audit:read")}`, "write: String"));
    expect(() => applyPermissions(unscoped, rootRules)).toThrow(/Mutation\.write performs closeBreakGlassReview, so it needs/);
    const either = buildSchema(sdl.replace(`root: String ${scoped("audit:read")}`, `root: String @requiresScopes(scopes: [["audit:read"], ["usage:read"]])`));
    expect(() => applyPermissions(either, rootRules)).toThrow(/Query\.root performs readAccessEvents/);
  });

  it("an action rule refuses a caller outside its performers with the action's section, and lets a null subject through", async () => {
    const analyst: Identity = { ...identity, role: "analyst", orgCode: "ICB01", orgType: "integrated_care_board" };
    const icb: OrganisationFacts = { ...operator, odsCode: "ICB01", type: "integrated_care_board" };
    const res = await graphql({ schema: permitted, source: "{ root }", contextValue: ctx(icb, analyst) });
    expect(res.errors?.map((e) => [e.extensions?.code, e.extensions?.section])).toEqual([["ROLE_NOT_PERMITTED", "AUDIT"]]);
    const notAsked = applyPermissions(schema, {
      ...rootRules,
      Query: { ...rootRules.Query, root: performsAction("readAccessEvents", () => null) },
      Thing: allow,
    });
    expect((await graphql({ schema: notAsked, source: "{ root }", contextValue: ctx(icb, analyst) })).data).toEqual({ root: "root" });
  });
});
