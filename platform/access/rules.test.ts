// applyPermissions: plain `allow` fields get their own resolvers back (no shield wrapper), while
// rule-guarded fields and fields the rule tree does not mention stay behind the shield; every root
// field other than federation's own sits behind the caller's preconditions.
import { buildSchema, graphql, isObjectType } from "graphql";
import { allow, rule } from "graphql-shield";
import type { Identity } from "../identity/identity.js";
import type { OrganisationFacts } from "./policy.js";
import { applyPermissions, denialError } from "./rules.js";

const open = () => "open";
const schema = buildSchema(`type Query { thing: Thing root: String _service: String } type Mutation { write: String }
  type Thing { open: String guarded: String unlisted: String a: String }`);
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
const permitted = applyPermissions(schema, {
  Query: { thing: allow, root: allow, _service: allow },
  Mutation: allow,
  Thing: { open: allow, guarded: refuse, a: allow },
});

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

  it("puts the caller's preconditions in front of every root field, even one the tree allows outright", async () => {
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
