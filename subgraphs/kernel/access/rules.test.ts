// applyPermissions: plain `allow` fields get their own resolvers back (no shield wrapper), while
// rule-guarded fields and fields the rule tree does not mention stay behind the shield.
import { buildSchema, graphql, isObjectType } from "graphql";
import { allow, rule } from "graphql-shield";
import { applyPermissions, denialError } from "./rules.js";

const open = () => "open";
const schema = buildSchema(`type Query { open: String guarded: String unlisted: String thing: Thing } type Thing { a: String }`);
Object.assign(schema.getQueryType()!.getFields().open!, { resolve: open });
Object.assign(schema.getQueryType()!.getFields().guarded!, { resolve: () => "secret" });
Object.assign(schema.getQueryType()!.getFields().unlisted!, { resolve: () => "secret" });
Object.assign(schema.getQueryType()!.getFields().thing!, { resolve: () => ({ a: "x" }) });
const refuse = rule("refuse", { cache: "no_cache" })(() => denialError("ROLE_NOT_PERMITTED"));
const permitted = applyPermissions(schema, { Query: { open: allow, guarded: refuse, thing: allow }, Thing: allow });

describe("applyPermissions", () => {
  it("unwraps allow-only fields and keeps rules and the deny-by-default fallback", async () => {
    const query = permitted.getQueryType()!;
    expect(query.getFields().open!.resolve).toBe(open);
    expect(query.getFields().guarded!.resolve).not.toBe(schema.getQueryType()!.getFields().guarded!.resolve);
    const res = await graphql({ schema: permitted, source: "{ open guarded unlisted thing { a } }", contextValue: {} });
    expect(res.data).toEqual({ open: "open", guarded: null, unlisted: null, thing: { a: "x" } });
    expect(res.errors?.map((e) => [e.path?.[0], e.extensions?.code]).sort()).toEqual([["guarded", "ROLE_NOT_PERMITTED"], ["unlisted", "FORBIDDEN"]]);
    const thing = permitted.getType("Thing");
    expect(isObjectType(thing) && thing.getFields().a!.resolve).toBeFalsy();
  });
});
