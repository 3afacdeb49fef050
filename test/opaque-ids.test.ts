// Record ids are opaque (schema/CHANGELOG.md, platform/ids/opaque-id.ts): they end up in URLs and
// logs, so no id a client can reach from a resident may carry the resident's NHS number, or any
// other long number (a date, another identifier). Every `id` field reachable from Resident is
// asked for, by the registered GP (who sees every section), for residents with data in every
// section, and a care plan submitted now is checked the same way.
import { getNamedType, isEnumType, isObjectType, type GraphQLEnumType, type GraphQLObjectType } from "graphql";
import { isSectionWrapper } from "../gateway/sections.js";
import { apiSchema } from "./support/selection.js";
import { gatewayQuery, gpAt, nurseAt, startTestStack, type Stack } from "./support/stack.js";

let stack: Stack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack.close());

const sql = <T>(text: string, params: unknown[] = []) => stack.db.sql.query<T>(text, params);

/**
 * The selection of `type` that reaches every `id` below it (with `__typename` beside each), built
 * from the published schema so a new record type cannot be missed. Types already on the path are
 * not entered again (CareHome.residents would lead back to Resident). A section wrapper gets its
 * `status` (the gateway requires it with the entries); a list filtered by status asks for every
 * status. `types` collects the types whose ids the selection reaches.
 */
function idSelection(type: GraphQLObjectType, path: Set<string>, types: Set<string>): string {
  const parts: string[] = [];
  for (const field of Object.values(type.getFields())) {
    const named = getNamedType(field.type);
    if (field.name === "id" && !isObjectType(named)) {
      parts.push("__typename id");
      types.add(type.name);
      continue;
    }
    if (!isObjectType(named) || path.has(named.name)) continue;
    if (field.args.some((a) => a.type.toString().endsWith("!") && a.defaultValue === undefined)) continue;
    const inner = idSelection(named, new Set([...path, named.name]), types);
    if (!inner) continue;
    const status = field.args.find((a) => a.name === "status" && String(a.type).startsWith("[") && isEnumType(getNamedType(a.type)));
    const args = status ? `(status: [${(getNamedType(status.type) as GraphQLEnumType).getValues().map((v) => v.name)}])` : "";
    parts.push(`${field.name}${args} { ${isSectionWrapper(named) ? "status " : ""}${inner} }`);
  }
  return parts.join(" ");
}

const reachable = new Set<string>();
const RESIDENT_IDS = idSelection(apiSchema.getType("Resident") as GraphQLObjectType, new Set(["Resident"]), reachable);
const VIEW = `query Ids($nhs: NhsNumber!) { resident(nhsNumber: $nhs) { nhsNumber ${RESIDENT_IDS} } }`;

interface Seen {
  id: string;
  type: string;
  /** Where in the answer, list positions left out: one list's entries share it. */
  at: string;
}

/** Every `{ __typename, id }` in an answer, with where it was. */
function idsIn(value: unknown, at: string[] = [], out: Seen[] = []): Seen[] {
  if (Array.isArray(value)) value.forEach((v) => idsIn(v, at, out));
  else if (value && typeof value === "object") {
    const o = value as Record<string, unknown>;
    if (typeof o.id === "string" && typeof o.__typename === "string") out.push({ id: o.id, type: o.__typename, at: at.join(".") });
    for (const [k, v] of Object.entries(o)) idsIn(v, [...at, k], out);
  }
  return out;
}

/** Fails with the offending ids: none may hold an NHS number given, nor 6 or more digits in a row. */
function expectOpaque(seen: Seen[], nhsNumbers: string[]) {
  expect(seen.filter((s) => nhsNumbers.some((n) => s.id.includes(n)) || /\d{6,}/.test(s.id))).toEqual([]);
}

/** Residents (not objecting, so the GP sees everything) with rows in every section, and their GP. */
async function residentsWithEverything(): Promise<{ nhs: string; practice: string }[]> {
  const has = (table: string, extra = "") => `EXISTS (SELECT 1 FROM ${table} x WHERE x.nhs_number = r.nhs_number ${extra})`;
  const everything = [
    has("residents.allergy"),
    has("residents.condition"),
    has("residents.placement", "AND x.end_date IS NULL"),
    has("discharge.hospital_stay"),
    has("discharge.discharge_summary"),
    has("discharge.emergency_care_summary"),
    has("labs.diagnostic_report"),
    `EXISTS (SELECT 1 FROM medications.medication_request m JOIN medications.medication_dispense d ON d.request_id = m.id WHERE m.nhs_number = r.nhs_number)`,
    // An approved plan (the carePlan section) and an older version (a history of more than one).
    has("careplans.care_plan", "AND x.status = 'APPROVED'"),
    has("careplans.care_plan", "AND x.status <> 'APPROVED'"),
  ].join(" AND ");
  const rows = await sql<{ nhs: string; practice: string }>(
    `SELECT r.nhs_number AS nhs, r.gp_practice_code AS practice FROM residents.resident r WHERE NOT r.sharing_objection AND ${everything} ORDER BY 1 LIMIT 4`,
  );
  // And an inpatient (the current hospital stay), if the demo has one with a care plan.
  const inpatient = await sql<{ nhs: string; practice: string }>(
    `SELECT r.nhs_number AS nhs, r.gp_practice_code AS practice FROM residents.resident r
      WHERE NOT r.sharing_objection AND ${has("discharge.hospital_stay", "AND x.status = 'IN_PROGRESS'")} AND ${has("careplans.care_plan")} ORDER BY 1 LIMIT 1`,
  );
  return [...rows, ...inpatient];
}

describe("opaque record ids", () => {
  it("reaches every record type with an id from Resident", () => {
    // The types of schema/api.graphql with `id: ID!` that hang off a resident.
    expect([...reachable].sort()).toEqual(
      expect.arrayContaining([
        "Allergy",
        "CarePlan",
        "Condition",
        "DiagnosticReport",
        "DischargeSummary",
        "EmergencyCareSummary",
        "HospitalStay",
        "MedicationDispense",
        "MedicationRequest",
        "Observation",
        "Placement",
      ]),
    );
  });

  it("no id reachable from a resident carries an NHS number or a long number, and ids are unique", async () => {
    const people = await residentsWithEverything();
    expect(people.length).toBeGreaterThanOrEqual(3);
    const everyNhs = people.map((p) => p.nhs);
    const seen: Seen[] = [];
    for (const { nhs, practice } of people) {
      const res = await gatewayQuery(stack, VIEW, { nhs }, gpAt(practice));
      expect(res.errors).toBeUndefined();
      expect(res.data.resident.nhsNumber).toBe(nhs);
      seen.push(...idsIn(res.data.resident));
    }
    // Every record type was seen (a section that came back empty would prove nothing).
    expect([...new Set(seen.map((s) => s.type))].sort()).toEqual([...reachable].sort());
    expectOpaque(seen, everyNhs);
    // One id is one record: never shared by two types, never by two entries of one list. The same
    // record may be reached twice (the approved plan in carePlan and in carePlanHistory), and a
    // care home is shared by its residents' placements.
    const typesOf = new Map<string, Set<string>>();
    for (const s of seen) typesOf.set(s.id, (typesOf.get(s.id) ?? new Set()).add(s.type));
    expect([...typesOf].filter(([, types]) => types.size > 1)).toEqual([]);
    const records = seen.filter((s) => s.type !== "CareHome");
    const byList = new Map<string, string[]>();
    for (const s of records) byList.set(s.at, [...(byList.get(s.at) ?? []), s.id]);
    for (const [at, ids] of byList) expect({ at, duplicates: ids.filter((id, i) => ids.indexOf(id) !== i) }).toEqual({ at, duplicates: [] });
  });

  it("a care plan submitted now gets an opaque id, and is found by it", async () => {
    // A resident with no plan yet, away from those other tests read plans of (care-plan-lifecycle
    // takes the last of CH00003, resident-view the first of G00001).
    const [who] = await sql<{ nhs: string; home: string; practice: string }>(
      `SELECT r.nhs_number AS nhs, p.care_home_id AS home, r.gp_practice_code AS practice FROM residents.resident r
         JOIN residents.placement p ON p.nhs_number = r.nhs_number AND p.end_date IS NULL
        WHERE p.care_home_id = 'CH00002' AND NOT r.sharing_objection
          AND NOT EXISTS (SELECT 1 FROM careplans.care_plan c WHERE c.nhs_number = r.nhs_number) ORDER BY 1 DESC LIMIT 1`,
    );
    const submitted = await gatewayQuery(
      stack,
      `mutation ($n: NhsNumber!) { submitCarePlanQuestionnaire(nhsNumber: $n, input: { whatMattersToMe: "My garden", concerns: ["Falls"],
        goals: ["Walk daily"], preferredPlaceOfCare: CARE_HOME, preferredPlaceOfDeath: CARE_HOME }) { carePlan { __typename id version } userErrors { code } } }`,
      { n: who!.nhs },
      nurseAt(who!.home),
    );
    expect(submitted.errors).toBeUndefined();
    const plan = submitted.data.submitCarePlanQuestionnaire.carePlan;
    expect(plan).toMatchObject({ __typename: "CarePlan", version: 1 });
    expect(plan.id).toMatch(/^CP-/);
    expectOpaque(idsIn(plan), [who!.nhs]);
    // The resident and version come from the store, never from the id.
    const [row] = await sql<{ nhs_number: string; version: number }>(`SELECT nhs_number, version FROM careplans.care_plan WHERE id = $1`, [plan.id]);
    expect(row).toEqual({ nhs_number: who!.nhs, version: 1 });
    const detail = await gatewayQuery(
      stack,
      `mutation ($id: ID!) { addCarePlanClinicalDetail(id: $id, input: { diagnoses: [], keyMedications: [], emergencyPlan: "Treat in the home",
        cprDecision: NOT_RECORDED, ceilingOfTreatment: NOT_STATED }) { carePlan { id version } userErrors { code } } }`,
      { id: plan.id },
      gpAt(who!.practice),
    );
    expect(detail.errors).toBeUndefined();
    expect(detail.data.addCarePlanClinicalDetail).toEqual({ carePlan: { id: plan.id, version: 1 }, userErrors: [] });
  });
});
