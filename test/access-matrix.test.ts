// The matrix: every role x every resident section x situation (own resident, another home's or
// practice's resident, a resident who objected, another home's or practice's resident after the
// caller broke the glass), through the running gateway, and under break-glass every write.
// Expectations come from docs/access-policy.md, not from the code under test.
import { leastSelection, sectionEntriesOf } from "./support/selection.js";
import { readFileSync } from "node:fs";
import { Role, defaultOrgTypeForRole, type Identity } from "../platform/identity/identity.js";
import { RESIDENT_FIELD_SECTIONS } from "../subgraphs/registry.js";
import { gatewayQuery, startTestStack, type Stack } from "./support/stack.js";
import { markdownTable } from "./support/markdown-table.js";

const doc = readFileSync(new URL("../docs/access-policy.md", import.meta.url), "utf8");
const rowsOf = (heading: string) => markdownTable(doc, heading);
const groupOfRole = Object.fromEntries(rowsOf("role").rows.map(([r, g]) => [r, g]));
const matrix = (() => {
  const { header, rows } = rowsOf("section");
  return Object.fromEntries(header.slice(1).map((g, i) => [g, Object.fromEntries(rows.map((r) => [r[0], r[i + 1]]))])) as Record<
    string,
    Record<string, string>
  >;
})();
const restrictedFor = doc.match(/are shown only to: ([A-Z_, ]+)\./)![1]!.split(", ");
const scopeRoles = (scope: string) =>
  rowsOf("scope")
    .rows.find(([s]) => s === scope)![2]!
    .split(", ");
const breakGlassRoles = scopeRoles("breakglass:use");
/** Under break-glass: each write, the group that may make it, and the refusal when the glass is all the caller has. */
const writesUnderGlass = rowsOf("write").rows.map(([field, who, code]) => ({
  field: /`(\w+)`/.exec(field!)![1]!,
  who: who!.split(", "),
  code: code!.replace(/`/g, ""),
}));

const ORG: Record<string, string> = {
  nhs111_clinician: "NHS111L",
  ooh_gp: "OOHL01",
  ambulance_clinician: "RRU",
  ed_clinician: "RJ1",
  analyst: "QKK",
  privacy_officer: "CRO01",
  administrator: "CRO01",
};
const FIELDS = Object.entries(RESIDENT_FIELD_SECTIONS).filter(([, s]) => s !== null) as [string, string][];
// Fields whose content the assertions below read; every other field (a new subgraph's included)
// is asked for with the least selection its type allows (a section wrapper's: its status and entries).
const SELECTION: Record<string, string> = {
  conditions: "conditions { status items { id } }",
  carePlan: "carePlan { status item { id status } }",
};
const VIEW = `query ($n: NhsNumber!) { resident(nhsNumber: $n) { nhsNumber ${FIELDS.map(([f]) => SELECTION[f] ?? leastSelection("Resident", f)).join(" ")} } }`;
/** Per Resident field that is a section wrapper (ADR 0005), the field holding its entries: where a refusal's error sits. */
const ENTRIES = Object.fromEntries(FIELDS.flatMap(([f]) => (sectionEntriesOf("Resident", f) ? [[f, sectionEntriesOf("Resident", f)!]] : [])));

type Situation = "own" | "elsewhere" | "objected" | "glass";
let stack: Stack;
const people: Record<Situation, { nhs: string; home: string; practice: string }> = {} as never;
let glassPlan: string; // the id of the break-glass resident's latest care plan
const runId = `${process.pid}-${Date.now()}`;
beforeAll(async () => {
  stack = await startTestStack();
  const pick = async (where: string) =>
    (
      await stack.db.sql.query<{ nhs: string; home: string; practice: string }>(
        `SELECT r.nhs_number AS nhs, p.care_home_id AS home, r.gp_practice_code AS practice FROM residents.resident r
         JOIN residents.placement p ON p.nhs_number = r.nhs_number AND p.end_date IS NULL WHERE ${where} ORDER BY 1 LIMIT 1`,
      )
    )[0]!;
  people.own = await pick(
    `p.care_home_id = 'CH00001' AND NOT r.sharing_objection AND EXISTS (SELECT 1 FROM residents.condition c WHERE c.nhs_number = r.nhs_number AND c.restricted_category IS NOT NULL)`,
  );
  people.elsewhere = await pick(`p.care_home_id = 'CH00002' AND NOT r.sharing_objection AND r.gp_practice_code <> '${people.own.practice}'`);
  people.objected = await pick(`p.care_home_id = 'CH00001' AND r.sharing_objection`);
  // Another home's resident with legally restricted history (for care home staff and, below, a GP of another practice).
  people.glass = await pick(`p.care_home_id <> 'CH00001' AND NOT r.sharing_objection
    AND EXISTS (SELECT 1 FROM residents.condition c WHERE c.nhs_number = r.nhs_number AND c.restricted_category IS NOT NULL)`);
  glassPlan = (
    await stack.db.sql.query<{ id: string }>(`SELECT id FROM careplans.care_plan WHERE nhs_number = $1 ORDER BY version DESC LIMIT 1`, [people.glass.nhs])
  )[0]!.id;
});
afterAll(() => stack.close());

/**
 * The caller for a role: care home staff of CH00001; for the GP, the practice of the resident in
 * question, except "elsewhere", where it is the own resident's practice (which that resident is not
 * registered with).
 */
function identityFor(role: Role, situation: Situation): Identity {
  const otherThan = (p: string) => (p === "G00001" ? "G00002" : "G00001");
  const practice = situation === "elsewhere" ? people.own.practice : situation === "glass" ? otherThan(people.glass.practice) : people[situation].practice;
  const orgCode = groupOfRole[role] === "CARE_HOME" ? "CH00001" : groupOfRole[role] === "GP" ? practice : ORG[role]!;
  const userId = situation === "glass" ? `matrix-glass-${role}-${runId}` : `matrix-${role}`;
  return { userId, name: `Matrix ${role}`, role, orgCode, orgType: defaultOrgTypeForRole[role], trainingCompletedAt: "2025-01-15" };
}

function expected(role: Role, situation: Situation): { record: string | null; fields: Record<string, string | null> } {
  const group = groupOfRole[role]!;
  const sections = matrix[group]!;
  if (Object.values(sections).every((a) => a === "NONE")) return { record: "ROLE_NOT_PERMITTED", fields: {} };
  const related = situation === "own" || situation === "objected";
  const glass = situation === "glass" && breakGlassRoles.includes(role);
  if (!related && !glass && (group === "CARE_HOME" || group === "GP")) return { record: "NO_CARE_RELATIONSHIP", fields: {} };
  if (situation === "objected") return { record: "SHARING_OBJECTION", fields: {} };
  return { record: null, fields: Object.fromEntries(FIELDS.map(([f, s]) => [f, sections[s] === "NONE" ? "ROLE_NOT_PERMITTED" : null])) };
}

const cases = Role.options.flatMap((role) => (["own", "elsewhere", "objected", "glass"] as const).map((situation) => [role, situation] as const));

const BREAK = `mutation ($n: NhsNumber!) { breakGlass(nhsNumber: $n, reason: "Matrix: emergency, no other way to the record") { breakGlassSession { id } } }`;

describe("access matrix", () => {
  it.each(cases)("%s, %s resident", async (role, situation) => {
    if (situation === "glass" && breakGlassRoles.includes(role)) {
      const glass = await gatewayQuery(stack, BREAK, { n: people.glass.nhs }, identityFor(role, situation));
      expect(glass.errors).toBeUndefined();
    }
    const res = await gatewayQuery(stack, VIEW, { n: people[situation].nhs }, identityFor(role, situation));
    const want = expected(role, situation);
    const errorAt = (field?: string) => res.errors?.find((e) => (field ? e.path?.[1] === field : e.path?.length === 1));
    const codeAt = (field?: string) => errorAt(field)?.extensions?.code ?? null;
    if (want.record) {
      expect(res.data?.resident ?? null).toBeNull();
      expect(codeAt()).toBe(want.record);
      return;
    }
    const r = res.data.resident;
    for (const [field, code] of Object.entries(want.fields)) {
      expect({ field, code: codeAt(field) }).toEqual({ field, code });
      if (!code) continue;
      const entries = ENTRIES[field];
      if (entries) {
        // A refused section wrapper says so, its entries null with the error at their path (ADR 0005).
        expect({ field, value: r[field] }).toEqual({ field, value: { status: "REFUSED", [entries]: null } });
        expect(errorAt(field)?.path).toEqual(["resident", field, entries]);
      } else expect(r[field]).toBeNull();
    }
    // Restricted history only for the groups the policy names, through their own relationship (never
    // through the glass); urgent care sees approved plans only.
    if (r.conditions?.items) {
      const restricted = await stack.db.sql.query<{ id: string }>(
        `SELECT id FROM residents.condition WHERE nhs_number = $1 AND restricted_category IS NOT NULL`,
        [people[situation].nhs],
      );
      if (situation === "own" || situation === "glass") expect(restricted.length).toBeGreaterThan(0);
      const shown = new Set(r.conditions.items.map((c: { id: string }) => c.id));
      for (const x of restricted) expect(shown.has(x.id)).toBe(situation !== "glass" && restrictedFor.includes(groupOfRole[role]!));
    }
    if (r.carePlan?.item) expect(r.carePlan).toMatchObject({ status: "PRESENT", item: { status: "APPROVED" } });
  });
});

const WRITES: Record<string, (plan: string, nhs: string) => { query: string; variables: Record<string, unknown> }> = {
  submitCarePlanQuestionnaire: (_plan, nhs) => ({
    query: `mutation ($n: NhsNumber!) { w: submitCarePlanQuestionnaire(nhsNumber: $n, input: { whatMattersToMe: "x", concerns: [], goals: [], preferredPlaceOfCare: CARE_HOME, preferredPlaceOfDeath: CARE_HOME }) { carePlan { id } userErrors { code } } }`,
    variables: { n: nhs },
  }),
  addCarePlanClinicalDetail: (plan) => ({
    query: `mutation ($id: ID!) { w: addCarePlanClinicalDetail(id: $id, input: { diagnoses: [], keyMedications: [], emergencyPlan: "x", cprDecision: FOR_CPR, ceilingOfTreatment: FULL_ESCALATION }) { carePlan { id } userErrors { code } } }`,
    variables: { id: plan },
  }),
  approveCarePlan: (plan) => ({
    query: `mutation ($id: ID!) { w: approveCarePlan(id: $id, reviewDate: "2031-01-01") { carePlan { id } userErrors { code } } }`,
    variables: { id: plan },
  }),
  markSeen: (_plan, nhs) => ({
    query: `mutation ($n: NhsNumber!) { w: markSeen(input: { nhsNumber: $n }) { markedAt userErrors { code } } }`,
    variables: { n: nhs },
  }),
};

/** What any of the writes could have written for the resident: plan versions and acknowledgements. */
const written = async (nhs: string) => [
  await stack.db.sql.query(`SELECT * FROM careplans.care_plan WHERE nhs_number = $1 ORDER BY version`, [nhs]),
  await stack.db.sql.query(`SELECT id FROM usage.access_event WHERE nhs_number = $1 AND outcome::text = 'ACKNOWLEDGED' ORDER BY id`, [nhs]),
];

describe("writes under break-glass", () => {
  const writeCases = Role.options.flatMap((role) => writesUnderGlass.map((w) => [w.field, role, w] as const));
  it.each(writeCases)("%s by %s after breaking the glass", async (_field, role, write) => {
    const who = identityFor(role, "glass");
    if (breakGlassRoles.includes(role)) expect((await gatewayQuery(stack, BREAK, { n: people.glass.nhs }, who)).errors).toBeUndefined();
    const before = await written(people.glass.nhs);
    const { query, variables } = WRITES[write.field]!(glassPlan, people.glass.nhs);
    const res = await gatewayQuery(stack, query, variables, who);
    expect(res.data?.w ?? null).toBeNull();
    expect(res.errors?.map((e) => e.extensions?.code)).toEqual([write.who.includes(groupOfRole[role]!) ? write.code : "ROLE_NOT_PERMITTED"]);
    expect(await written(people.glass.nhs)).toEqual(before);
  });
});
