// Every entity in every subgraph resolves through `_entities` (how the gateway joins subgraphs),
// straight against the subgraph with the gateway's signature; unknown keys resolve to null.
import { SUBGRAPHS, SUBGRAPH_DESCRIPTIONS, type SubgraphName } from "../subgraphs/registry.js";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { getNamedType, isLeafType, isObjectType, type GraphQLObjectType } from "graphql";
import { loadTypeDefs } from "../platform/subgraph/server.js";
import { dmmfOf } from "./support/prisma-dmmf.js";
import { identities, nurseAt, startTestStack, subgraphQuery, type Stack } from "./support/stack.js";

let stack: Stack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack.close());

/**
 * Sample keys per entity, read from the fixture database: by a query of its own where the keys
 * must meet a condition, otherwise the first keys of the entity's table (from its Prisma model).
 */
const SAMPLE_SQL: Record<string, string> = {
  Resident: `SELECT nhs_number AS key FROM residents.resident WHERE gp_practice_code = 'G00001' AND NOT sharing_objection ORDER BY 1 LIMIT 3`,
  CareHome: `SELECT id AS key FROM residents.care_home WHERE id = 'CH00001'`,
  GpPractice: `SELECT ods_code AS key FROM residents.gp_practice ORDER BY 1 LIMIT 1`,
};
function sampleSql(subgraph: SubgraphName, typeName: string, keyField: string): string {
  if (SAMPLE_SQL[typeName]) return SAMPLE_SQL[typeName];
  const model = dmmfOf(subgraph).datamodel.models.find((m) => m.name === typeName);
  if (!model) throw new Error(`${subgraph}.${typeName}: no Prisma model of that name to sample keys from; add it to SAMPLE_SQL`);
  const column = model.fields.find((f) => f.name === keyField)?.dbName ?? keyField;
  return `SELECT "${column}" AS key FROM "${subgraph}"."${model.dbName ?? model.name}" ORDER BY 1 LIMIT 2`;
}
const UNKNOWN: Record<string, string> = { Resident: "9434765919", GpPractice: "G99999" };

function entitiesOf(name: SubgraphName): { type: GraphQLObjectType; keyField: string }[] {
  const typeDefs = loadTypeDefs(new URL(`../subgraphs/${name}/schema.graphql`, import.meta.url));
  const schema = buildSubgraphSchema({ typeDefs });
  const out: { type: GraphQLObjectType; keyField: string }[] = [];
  for (const def of typeDefs.definitions) {
    if (def.kind !== "ObjectTypeDefinition") continue;
    const key = def.directives?.find((d) => d.name.value === "key");
    if (!key) continue;
    const fields = key.arguments?.find((a) => a.name.value === "fields");
    out.push({ type: schema.getType(def.name.value) as GraphQLObjectType, keyField: (fields?.value as { value: string }).value });
  }
  return out;
}

/** All fields without required arguments, one level deep into objects (leaves only there). */
function selection(type: GraphQLObjectType): string {
  return Object.values(type.getFields())
    .filter((f) => !f.args.some((a) => a.type.toString().endsWith("!")))
    .map((f) => {
      const named = getNamedType(f.type);
      if (isLeafType(named)) return f.name;
      if (!isObjectType(named)) return null;
      const inner = Object.values(named.getFields())
        .filter((g) => isLeafType(getNamedType(g.type)) && !g.args.length)
        .map((g) => g.name);
      if (inner.length) return `${f.name} { ${inner.join(" ")} }`;
      // connections: edges { node { leaves } }
      const edges = named.getFields().edges;
      if (!edges) return null;
      const node = getNamedType(edges.type) as GraphQLObjectType;
      const nodeType = getNamedType(node.getFields().node!.type) as GraphQLObjectType;
      const leaves = Object.values(nodeType.getFields())
        .filter((g) => isLeafType(getNamedType(g.type)))
        .map((g) => g.name);
      return `${f.name} { edges { node { ${leaves.join(" ")} } } }`;
    })
    .filter(Boolean)
    .join(" ");
}

const cases = SUBGRAPHS.flatMap((name) => entitiesOf(name).map((e) => [name, e.type.name, e] as const));

describe("_entities", () => {
  it("covers every entity the subgraphs declare", () => {
    const declared = new Set(cases.map(([n, t]) => `${n}.${t}`));
    // Today's twelve at least (a floor, so entitiesOf cannot quietly find none); new ones join by themselves.
    expect(declared.size).toBeGreaterThanOrEqual(12);
    // Every subgraph that contributes to Resident resolves Resident references, and every entity has sample keys.
    for (const d of SUBGRAPH_DESCRIPTIONS) if (Object.keys(d.residentFields).length > 0) expect(declared).toContain(`${d.name}.Resident`);
    for (const [n, t, e] of cases) expect(() => sampleSql(n, t, e.keyField)).not.toThrow();
    for (const type of Object.keys(SAMPLE_SQL)) expect(cases.some(([, t]) => t === type)).toBe(true);
  });

  it.each(cases)("%s resolves %s by key, in key order, with every field", async (name, typeName, entity) => {
    const keys = (await stack.db.sql.query<{ key: string }>(sampleSql(name, typeName, entity.keyField))).map((r) => r.key);
    expect(keys.length).toBeGreaterThan(0);
    // Contributing subgraphs get the residents subgraph's access decision with each Resident, as
    // the gateway sends it (@requires); here, the registered GP's.
    const grant = typeName === "Resident" && name !== "residents" ? { accessGrant: { allowed: true, group: "GP", code: null, breakGlass: false } } : {};
    const representations: Record<string, unknown>[] = [...keys, UNKNOWN[typeName] ?? "NO-SUCH-ID"].map((k) => ({
      __typename: typeName,
      [entity.keyField]: k,
      ...grant,
    }));
    const caller = typeName === "CareHome" ? nurseAt("CH00001") : identities.gp;
    const res = await subgraphQuery(
      stack.subgraphUrls[name],
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on ${typeName} { ${selection(entity.type)} } } }`,
      { r: representations },
      caller,
    );
    // The usage subgraph contributes what is new to CareHome (ADR 0006) without owning homes: a home
    // it does not know is echoed, and its staff-only summary refused to this caller.
    const contributedHome = typeName === "CareHome" && name === "usage";
    const unknownAt = representations.length - 1;
    expect(res.errors?.map((e) => [e.extensions?.code, e.path])).toEqual(
      contributedHome ? [["NO_CARE_RELATIONSHIP", ["_entities", unknownAt, "unseen"]]] : undefined,
    );
    const results = res.data._entities as Record<string, unknown>[];
    expect(results.slice(0, keys.length).map((e) => e[entity.keyField])).toEqual(keys);
    // The owner of an entity returns null for a key it does not know; contributing subgraphs
    // (Resident outside `residents`, CareHome in usage) echo the key with empty sections.
    const last = results.at(-1);
    if ((typeName === "Resident" && name !== "residents") || contributedHome) expect(last?.[entity.keyField]).toBe(representations.at(-1)![entity.keyField]);
    else expect(last).toBeNull();
  });
});
