// Break-glass is for viewing only. From the attacker's side: a clinician with no relationship to a
// resident breaks the glass (a real, audited session) and then tries every write the glass might
// seem to open, with variables, aliases and fragments. The writes keep their relationship rules,
// and the approved plan urgent care reads (with its CPR decision) stays exactly as it was.
import type { Identity } from "../platform/identity/identity.js";
import { gatewayQuery, gpAt, identities, nurseAt, startTestStack, type Stack } from "./support/stack.js";

let stack: Stack;
let nhs: string; // a resident of CH00002 with an approved plan, no objection
let practice: string;
let otherPractice: string;
let objected: { nhs: string; home: string; practice: string };
let restricted: { nhs: string; practice: string }; // a resident with legally restricted history
const runId = `${process.pid}-${Date.now()}`;

beforeAll(async () => {
  stack = await startTestStack();
  // Away from the residents other test files read or write (they take the first rows in order).
  const [row] = await stack.db.sql.query<{ n: string; practice: string }>(
    `SELECT r.nhs_number AS n, r.gp_practice_code AS practice FROM residents.resident r
       JOIN residents.placement p ON p.nhs_number = r.nhs_number AND p.end_date IS NULL
      WHERE p.care_home_id = 'CH00002' AND NOT r.sharing_objection
        AND EXISTS (SELECT 1 FROM careplans.care_plan c WHERE c.nhs_number = r.nhs_number AND c.status = 'APPROVED') ORDER BY 1 DESC LIMIT 1`,
  );
  ({ n: nhs, practice } = row!);
  otherPractice = practice === "G00001" ? "G00002" : "G00001";
  [objected] = (await stack.db.sql.query<{ nhs: string; home: string; practice: string }>(
    `SELECT r.nhs_number AS nhs, p.care_home_id AS home, r.gp_practice_code AS practice FROM residents.resident r
       JOIN residents.placement p ON p.nhs_number = r.nhs_number AND p.end_date IS NULL WHERE r.sharing_objection ORDER BY 1 DESC LIMIT 1`,
  )) as [typeof objected];
  [restricted] = (await stack.db.sql.query<{ nhs: string; practice: string }>(
    `SELECT r.nhs_number AS nhs, r.gp_practice_code AS practice FROM residents.resident r WHERE NOT r.sharing_objection
        AND EXISTS (SELECT 1 FROM residents.condition c WHERE c.nhs_number = r.nhs_number AND c.restricted_category IS NOT NULL) ORDER BY 1 DESC LIMIT 1`,
  )) as [typeof restricted];
});
afterAll(() => stack.close());

const BREAK = `mutation Glass($who: NhsNumber!, $why: String!) { session: breakGlass(nhsNumber: $who, reason: $why) { breakGlassSession { id expiresAt } userErrors { code } } }`;
async function breakGlass(identity: Identity, n: string) {
  const res = await gatewayQuery(stack, BREAK, { who: n, why: "Called out of hours, resident deteriorating, need the plan" }, identity);
  expect(res.errors).toBeUndefined();
  expect(res.data.session.userErrors).toEqual([]);
  expect(res.data.session.breakGlassSession.id).toEqual(expect.any(String));
}

const SUBMIT = `mutation Submit($n: NhsNumber!, $input: CarePlanQuestionnaireInput!) { submitted: submitCarePlanQuestionnaire(nhsNumber: $n, input: $input) { plan: carePlan { ...P } userErrors { code } } }
  fragment P on CarePlan { id version status }`;
const QUESTIONNAIRE = {
  whatMattersToMe: "Quiet mornings",
  concerns: ["Falls"],
  goals: ["Stay at home"],
  preferredPlaceOfCare: "CARE_HOME",
  preferredPlaceOfDeath: "CARE_HOME",
};
const DETAIL = `mutation Detail($id: ID!, $input: CarePlanClinicalDetailInput!) { d: addCarePlanClinicalDetail(id: $id, input: $input) { carePlan { id clinicalDetailAddedBy { name } } userErrors { code } } }`;
const CLINICAL = {
  diagnoses: [{ code: "52448006", display: "Dementia" }],
  keyMedications: ["Donepezil 5mg"],
  emergencyPlan: "Transfer to hospital for everything",
  cprDecision: "FOR_CPR",
  ceilingOfTreatment: "FULL_ESCALATION",
};
const APPROVE = `mutation Approve($id: ID!, $on: Date!) { ok: approveCarePlan(id: $id, reviewDate: $on) { carePlan { id status } userErrors { code } } }`;
const PLANS = `query ($n: NhsNumber!) { resident(nhsNumber: $n) { approved: carePlan { status item { id version cpr { decision } } } history: carePlanHistory { status items { id status } } } }`;

const plansOf = (n: string) =>
  stack.db.sql.query<{ id: string; version: number; status: string; cpr_decision: string; clinical_detail_at: Date | null; updated_at: Date }>(
    `SELECT id, version, status, cpr_decision, clinical_detail_at, updated_at FROM careplans.care_plan WHERE nhs_number = $1 ORDER BY version`,
    [n],
  );
const codeOf = (res: { errors?: { extensions?: { code?: string } }[] }) => res.errors?.map((e) => e.extensions?.code);

describe("break-glass opens a record for viewing, never for writing", () => {
  it("a GP of another practice who broke the glass sees the plans but can neither add clinical detail nor approve", async () => {
    const intruder = { ...gpAt(otherPractice), userId: `bg-gp-${runId}` };
    const registered = gpAt(practice);
    // The care home submits a new version; the registered GP adds clinical detail (DNACPR).
    const submitted = await gatewayQuery(stack, SUBMIT, { n: nhs, input: QUESTIONNAIRE }, nurseAt("CH00002"));
    expect(submitted.errors).toBeUndefined();
    const plan = submitted.data.submitted.plan;
    await breakGlass(intruder, nhs);

    // Viewing works through the glass: the submitted version is in the history.
    const seen = await gatewayQuery(stack, PLANS, { n: nhs }, intruder);
    expect(seen.errors).toBeUndefined();
    expect(seen.data.resident.history.status).toBe("PRESENT");
    expect(seen.data.resident.history.items.map((p: { id: string }) => p.id)).toContain(plan.id);
    const approvedBefore = seen.data.resident.approved;

    // Clinical detail through the glass: refused, and the submitted version is untouched.
    const detail = await gatewayQuery(stack, DETAIL, { id: plan.id, input: CLINICAL }, intruder);
    expect(detail.data?.d ?? null).toBeNull();
    expect(codeOf(detail)).toEqual(["NO_CARE_RELATIONSHIP"]);
    expect((await plansOf(nhs)).find((p) => p.id === plan.id)!.clinical_detail_at).toBeNull();

    const legit = await gatewayQuery(
      stack,
      DETAIL,
      { id: plan.id, input: { ...CLINICAL, cprDecision: "DNACPR", ceilingOfTreatment: "WARD_BASED_CARE" } },
      registered,
    );
    expect(legit.errors).toBeUndefined();
    expect(legit.data.d.userErrors).toEqual([]);
    const before = await plansOf(nhs);

    // Approval through the glass, twice in one document under aliases: refused, nothing superseded.
    const approve = await gatewayQuery(
      stack,
      `mutation ($id: ID!) { a: approveCarePlan(id: $id, reviewDate: "2030-01-01") { carePlan { id } } b: approveCarePlan(id: $id, reviewDate: "2031-01-01") { carePlan { status } userErrors { code } } }`,
      { id: plan.id },
      intruder,
    );
    expect(approve.data).toEqual({ a: null, b: null });
    expect(codeOf(approve)).toEqual(["NO_CARE_RELATIONSHIP", "NO_CARE_RELATIONSHIP"]);
    expect(await plansOf(nhs)).toEqual(before);
    const urgent = await gatewayQuery(stack, PLANS.replace(" history: carePlanHistory { status items { id status } }", ""), { n: nhs }, identities.paramedic);
    expect(urgent.data.resident.approved).toEqual(approvedBefore);

    // The registered GP still can.
    const ok = await gatewayQuery(stack, APPROVE, { id: plan.id, on: "2030-01-01" }, registered);
    expect(ok.errors).toBeUndefined();
    expect(ok.data.ok).toEqual({ carePlan: { id: plan.id, status: "APPROVED" }, userErrors: [] });
  });

  it("a nurse of another home who broke the glass cannot submit a questionnaire", async () => {
    const intruder = { ...nurseAt("CH00001"), userId: `bg-nurse-${runId}` };
    await breakGlass(intruder, nhs);
    expect((await gatewayQuery(stack, PLANS, { n: nhs }, intruder)).errors).toBeUndefined();
    const before = await plansOf(nhs);
    const res = await gatewayQuery(stack, SUBMIT, { n: nhs, input: QUESTIONNAIRE }, intruder);
    expect(res.data?.submitted ?? null).toBeNull();
    expect(codeOf(res)).toEqual(["NO_CARE_RELATIONSHIP"]);
    expect(await plansOf(nhs)).toEqual(before);
  });

  it("decision: no new plan version for a resident who objected, even by their own home's nurse through the glass", async () => {
    const nurse = { ...nurseAt(objected.home), userId: `bg-own-nurse-${runId}` };
    const before = await plansOf(objected.nhs);
    expect(codeOf(await gatewayQuery(stack, SUBMIT, { n: objected.nhs, input: QUESTIONNAIRE }, nurse))).toEqual(["SHARING_OBJECTION"]);
    await breakGlass(nurse, objected.nhs);
    expect(codeOf(await gatewayQuery(stack, SUBMIT, { n: objected.nhs, input: QUESTIONNAIRE }, nurse))).toEqual(["SHARING_OBJECTION"]);
    expect(await plansOf(objected.nhs)).toEqual(before);
  });
});

describe("restricted history under break-glass", () => {
  const CONDITIONS = `query ($n: NhsNumber!) { resident(nhsNumber: $n) { ... on Resident { c1: conditions { status items { id } } } c2: conditions { status items { id display } } } }`;

  it("a GP of another practice who broke the glass sees the conditions but not the legally restricted ones", async () => {
    const other = restricted.practice === "G00001" ? "G00002" : "G00001";
    const intruder = { ...gpAt(other), userId: `bg-restricted-${runId}` };
    const hidden = (
      await stack.db.sql.query<{ id: string }>(`SELECT id FROM residents.condition WHERE nhs_number = $1 AND restricted_category IS NOT NULL`, [restricted.nhs])
    ).map((r) => r.id);
    expect(hidden.length).toBeGreaterThan(0);
    await breakGlass(intruder, restricted.nhs);
    const res = await gatewayQuery(stack, CONDITIONS, { n: restricted.nhs }, intruder);
    expect(res.errors).toBeUndefined();
    for (const alias of ["c1", "c2"]) {
      const shown = res.data.resident[alias].items.map((c: { id: string }) => c.id);
      for (const id of hidden) expect(shown).not.toContain(id);
    }
    // The registered GP sees them.
    const own = await gatewayQuery(stack, CONDITIONS, { n: restricted.nhs }, gpAt(restricted.practice));
    for (const id of hidden) expect(own.data.resident.c2.items.map((c: { id: string }) => c.id)).toContain(id);
  });
});

describe("decision: a home's resident list", () => {
  it("includes the NHS number of a resident who objected, and refuses everything else about them", async () => {
    const home = nurseAt(objected.home);
    const LIST = `query ($home: ID!) { careHome(id: $home) { residents(first: 100) { edges { node { nhsNumber name { family } } } } } }`;
    const res = await gatewayQuery(stack, LIST, { home: objected.home }, home);
    const nodes = res.data.careHome.residents.edges.map((e: { node: { nhsNumber: string; name: unknown } }) => e.node);
    const theirs = nodes.find((n: { nhsNumber: string }) => n.nhsNumber === objected.nhs);
    expect(theirs).toEqual({ nhsNumber: objected.nhs, name: null });
    expect(res.errors?.map((e) => e.extensions?.code)).toEqual(["SHARING_OBJECTION"]);
  });
});
