// Every entity in every subgraph resolves through `_entities` (how the gateway joins subgraphs),
// straight against the subgraph with the gateway's signature; unknown keys resolve to null.
import { SUBGRAPHS, type SubgraphName } from "../subgraphs/registry.js";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { getNamedType, isLeafType, isObjectType, type GraphQLObjectType } from "graphql";
import { loadTypeDefs } from "../platform/subgraph/server.js";
import { identities, nurseAt, startTestStack, subgraphQuery, type Stack } from "./support/stack.js";

let stack: Stack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack.close());

/** Sample keys per entity, read from the fixture database. */
const SAMPLE_SQL: Record<string, string> = {
  Resident: `SELECT nhs_number AS key FROM residents.resident WHERE gp_practice_code = 'G00001' AND NOT sharing_objection ORDER BY 1 LIMIT 3`,
  CareHome: `SELECT id AS key FROM residents.care_home WHERE id = 'CH00001'`,
  GpPractice: `SELECT ods_code AS key FROM residents.gp_practice ORDER BY 1 LIMIT 1`,
  DischargeSummary: `SELECT id AS key FROM discharge.discharge_summary ORDER BY 1 LIMIT 2`,
  HospitalStay: `SELECT id AS key FROM discharge.hospital_stay ORDER BY 1 LIMIT 2`,
  DiagnosticReport: `SELECT id AS key FROM labs.diagnostic_report ORDER BY 1 LIMIT 2`,
  MedicationRequest: `SELECT id AS key FROM medications.medication_request ORDER BY 1 LIMIT 2`,
  CarePlan: `SELECT id AS key FROM careplans.care_plan ORDER BY 1 LIMIT 2`,
};
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
    expect(cases.map(([n, t]) => `${n}.${t}`).sort()).toEqual([
      "careplans.CarePlan",
      "careplans.Resident",
      "discharge.DischargeSummary",
      "discharge.HospitalStay",
      "discharge.Resident",
      "labs.DiagnosticReport",
      "labs.Resident",
      "medications.MedicationRequest",
      "medications.Resident",
      "residents.CareHome",
      "residents.GpPractice",
      "residents.Resident",
    ]);
    for (const type of Object.keys(SAMPLE_SQL)) expect(cases.some(([, t]) => t === type)).toBe(true);
  });

  it.each(cases)("%s resolves %s by key, in key order, with every field", async (name, typeName, entity) => {
    const keys = (await stack.db.sql.query<{ key: string }>(SAMPLE_SQL[typeName]!)).map((r) => r.key);
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
    expect(res.errors).toBeUndefined();
    const results = res.data._entities as Record<string, unknown>[];
    expect(results.slice(0, keys.length).map((e) => e[entity.keyField])).toEqual(keys);
    // The owner of an entity returns null for a key it does not know; contributing subgraphs
    // (Resident outside `residents`) echo the key with empty sections.
    const last = results.at(-1);
    if (typeName === "Resident" && name !== "residents") expect(last?.[entity.keyField]).toBe(representations.at(-1)![entity.keyField]);
    else expect(last).toBeNull();
  });
});
