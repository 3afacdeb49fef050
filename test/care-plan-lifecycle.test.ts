// The care plan lifecycle and who may move it: the care home submits, the resident's GP adds
// clinical detail and approves, urgent care sees only the approved version.
import { gatewayQuery, gpAt, identities, nurseAt, startTestStack, type Stack } from "./support/stack.js";

let stack: Stack;
let nhs: string;
let home: string;
let practice: string;
beforeAll(async () => {
  stack = await startTestStack();
  // A resident with no care plan yet, away from the homes other tests read plans in.
  const [row] = await stack.db.sql.query<{ n: string; home: string; practice: string }>(
    `SELECT r.nhs_number AS n, p.care_home_id AS home, r.gp_practice_code AS practice FROM residents.resident r
       JOIN residents.placement p ON p.nhs_number = r.nhs_number AND p.end_date IS NULL
      WHERE p.care_home_id = 'CH00003' AND NOT r.sharing_objection
        AND NOT EXISTS (SELECT 1 FROM careplans.care_plan c WHERE c.nhs_number = r.nhs_number) ORDER BY 1 DESC LIMIT 1`,
  );
  ({ n: nhs, home, practice } = row!);
});
afterAll(() => stack.close());

const SUBMIT = `mutation ($n: NhsNumber!) { submitCarePlanQuestionnaire(nhsNumber: $n, input: {
  whatMattersToMe: "Seeing my grandchildren on Sundays", concerns: ["Falls"], goals: ["Walk to the garden"],
  preferredPlaceOfCare: CARE_HOME, preferredPlaceOfDeath: CARE_HOME }) { carePlan { id version status } userErrors { code field } } }`;
const DETAIL = `mutation ($id: ID!) { addCarePlanClinicalDetail(id: $id, input: { diagnoses: [{ code: "52448006", display: "Dementia" }],
  keyMedications: ["Donepezil 5mg"], emergencyPlan: "Treat in the home where possible", cprDecision: DNACPR, ceilingOfTreatment: WARD_BASED_CARE }) { carePlan { id clinicalDetailAddedBy { name } } userErrors { code field } } }`;
const APPROVE = `mutation ($id: ID!) { approveCarePlan(id: $id, reviewDate: "2027-06-01") { carePlan { id status approvedBy reviewDate } userErrors { code field } } }`;
const URGENT_VIEW = `query ($n: NhsNumber!) { resident(nhsNumber: $n) { carePlan { status item { id status cpr { decision } } } } }`;

describe("care plan lifecycle", () => {
  it("submit -> clinical detail -> approve, each step only by the role allowed to take it", async () => {
    // Urgent care and a GP cannot submit the questionnaire; another home's staff cannot either: top-level errors, no payload.
    const byParamedic = await gatewayQuery(stack, SUBMIT, { n: nhs }, identities.paramedic);
    expect(byParamedic.errors?.[0]?.extensions?.code).toBe("ROLE_NOT_PERMITTED");
    expect(byParamedic.data?.submitCarePlanQuestionnaire ?? null).toBeNull();
    expect((await gatewayQuery(stack, SUBMIT, { n: nhs }, gpAt(practice))).errors?.[0]?.extensions?.code).toBe("ROLE_NOT_PERMITTED");
    expect((await gatewayQuery(stack, SUBMIT, { n: nhs }, nurseAt("CH00001"))).errors?.[0]?.extensions?.code).toBe("NO_CARE_RELATIONSHIP");

    const submitted = await gatewayQuery(stack, SUBMIT, { n: nhs }, nurseAt(home));
    expect(submitted.errors).toBeUndefined();
    expect(submitted.data.submitCarePlanQuestionnaire.userErrors).toEqual([]);
    const plan = submitted.data.submitCarePlanQuestionnaire.carePlan;
    expect(plan).toMatchObject({ version: 1, status: "SUBMITTED" });

    // Submitted plans are invisible to urgent care: no plan in force is recorded.
    expect((await gatewayQuery(stack, URGENT_VIEW, { n: nhs }, identities.paramedic)).data.resident.carePlan).toEqual({ status: "NOT_RECORDED", item: null });

    // Approval needs clinical detail first (a user error), and only the resident's GP may add it.
    const early = await gatewayQuery(stack, APPROVE, { id: plan.id }, gpAt(practice));
    expect(early.errors).toBeUndefined();
    expect(early.data.approveCarePlan).toEqual({ carePlan: null, userErrors: [{ code: "NOT_APPROVABLE", field: null }] });
    expect((await gatewayQuery(stack, DETAIL, { id: plan.id }, nurseAt(home))).errors?.[0]?.extensions?.code).toBe("ROLE_NOT_PERMITTED");
    const otherPractice = practice === "G00001" ? "G00002" : "G00001";
    expect((await gatewayQuery(stack, DETAIL, { id: plan.id }, gpAt(otherPractice))).errors?.[0]?.extensions?.code).toBe("NO_CARE_RELATIONSHIP");
    const detailed = await gatewayQuery(stack, DETAIL, { id: plan.id }, gpAt(practice));
    expect(detailed.errors).toBeUndefined();
    expect(detailed.data.addCarePlanClinicalDetail.userErrors).toEqual([]);

    expect((await gatewayQuery(stack, APPROVE, { id: plan.id }, nurseAt(home))).errors?.[0]?.extensions?.code).toBe("ROLE_NOT_PERMITTED");
    const approved = await gatewayQuery(stack, APPROVE, { id: plan.id }, gpAt(practice));
    expect(approved.errors).toBeUndefined();
    expect(approved.data.approveCarePlan.carePlan).toMatchObject({ status: "APPROVED", reviewDate: "2027-06-01" });

    // Now urgent care sees it, with the GP's CPR decision.
    const seen = await gatewayQuery(stack, URGENT_VIEW, { n: nhs }, identities.paramedic);
    expect(seen.data.resident.carePlan).toMatchObject({ status: "PRESENT", item: { id: plan.id, status: "APPROVED", cpr: { decision: "DNACPR" } } });

    // A second version supersedes the first on approval; only one approved plan ever exists.
    const second = (await gatewayQuery(stack, SUBMIT, { n: nhs }, nurseAt(home))).data.submitCarePlanQuestionnaire.carePlan;
    expect(second.version).toBe(2);
    await gatewayQuery(stack, DETAIL, { id: second.id }, gpAt(practice));
    expect((await gatewayQuery(stack, APPROVE, { id: second.id }, gpAt(practice))).data.approveCarePlan.userErrors).toEqual([]);
    const history = await gatewayQuery(
      stack,
      `query ($n: NhsNumber!) { resident(nhsNumber: $n) { carePlanHistory { status items { version status } } } }`,
      { n: nhs },
      gpAt(practice),
    );
    expect(history.data.resident.carePlanHistory).toEqual({
      status: "PRESENT",
      items: [
        { version: 2, status: "APPROVED" },
        { version: 1, status: "SUPERSEDED" },
      ],
    });
  });
});

describe("a plan a mutation returns is audited (ADR 0004)", () => {
  it("as a view of the plan's versions (CARE_PLAN_HISTORY) for its writer, aliased and through a fragment; a refused write shows nothing and records nothing", async () => {
    const writer = { ...nurseAt(home), userId: `plan-audit-${process.pid}-${Date.now()}` };
    const aliased = `mutation ($n: NhsNumber!) { s: submitCarePlanQuestionnaire(nhsNumber: $n, input: {
      whatMattersToMe: "Music in the afternoons", concerns: [], goals: [], preferredPlaceOfCare: CARE_HOME, preferredPlaceOfDeath: CARE_HOME }) {
      plan: carePlan { ...P } userErrors { code } } } fragment P on CarePlan { ref: id emergencyPlan }`;
    const res = await gatewayQuery(stack, aliased, { n: nhs }, writer);
    expect(res.errors).toBeUndefined();
    expect(res.data.s.plan.ref).toEqual(expect.any(String));
    expect(JSON.stringify(res.data)).not.toMatch(/_carerecord/);
    const events = () =>
      stack.db.sql.query<{ nhs_number: string; section: string; outcome: string }>(
        `SELECT nhs_number, section, outcome::text FROM usage.access_event WHERE user_id = $1`,
        [writer.userId],
      );
    expect(await events()).toEqual([{ nhs_number: nhs, section: "CARE_PLAN_HISTORY", outcome: "ALLOWED" }]);
    const refused = await gatewayQuery(stack, aliased.replace("Music in the afternoons", " "), { n: nhs }, writer);
    expect(refused.data.s).toMatchObject({ plan: null, userErrors: [{ code: "INVALID_INPUT" }] });
    expect(await events()).toHaveLength(1);
  });
});
