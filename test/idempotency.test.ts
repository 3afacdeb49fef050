// Mutations under retries and races: a retried call with the same idempotency key returns the
// first result and never writes twice (sequential and concurrent retries), a key reused with other
// arguments is refused with a code, and concurrent submissions for one resident all get distinct
// versions (or the user error CONFLICT in the payload), never a 500.
import { randomUUID } from "node:crypto";
import { startScratchStack, pickResident } from "./support/scratch-stack.js";
import { gatewayQuery, gpAt, nurseAt, type GraphQLResponse, type Stack } from "./support/stack.js";

let scratch: Awaited<ReturnType<typeof startScratchStack>>;
let stack: Stack;
let resident: { nhs: string; home: string; practice: string };
beforeAll(async () => {
  // One nurse sends every request of this file, eight at once in the race: the per-user rate, cost
  // and concurrency limits are not what it tests (a fresh-clone run once answered RATE_LIMITED).
  scratch = await startScratchStack("idempotency", 20, {
    RATE_LIMIT_PER_MINUTE: 1_000_000,
    COST_PER_MINUTE_PER_USER: 1_000_000_000,
    MAX_CONCURRENT_PER_USER: 64,
  });
  stack = scratch.stack;
  resident = await pickResident(stack, "NOT r.sharing_objection");
}, 120_000);
afterAll(() => scratch?.close());

const SUBMIT = `mutation Submit($n: NhsNumber!, $what: String!, $key: String) {
  submitCarePlanQuestionnaire(nhsNumber: $n, idempotencyKey: $key, input: {
    whatMattersToMe: $what, concerns: ["Falls"], goals: ["Walk daily"], preferredPlaceOfCare: CARE_HOME, preferredPlaceOfDeath: CARE_HOME }) { carePlan { id version status } userErrors { code message field } } }`;
const DETAIL = `mutation ($id: ID!, $key: String) { addCarePlanClinicalDetail(id: $id, idempotencyKey: $key, input: { diagnoses: [{ code: "52448006", display: "Dementia" }],
  keyMedications: ["Donepezil 5mg"], emergencyPlan: "Treat in the home", cprDecision: DNACPR, ceilingOfTreatment: WARD_BASED_CARE }) { carePlan { id } userErrors { code } } }`;
const APPROVE = `mutation ($id: ID!, $key: String) { approveCarePlan(id: $id, reviewDate: "2031-06-01", idempotencyKey: $key) { carePlan { id status } userErrors { code } } }`;
const BREAK_GLASS = `mutation ($n: NhsNumber!, $key: String) { breakGlass(nhsNumber: $n, reason: "Collapsed; need current medicines", idempotencyKey: $key) { breakGlassSession { id } userErrors { code } } }`;

const submit = (what: string, key?: string, who = nurseAt(resident.home)) => gatewayQuery(stack, SUBMIT, { n: resident.nhs, what, key }, who);
const versions = async () =>
  (await stack.db.sql.query<{ version: number }>(`SELECT version FROM careplans.care_plan WHERE nhs_number = $1 ORDER BY version`, [resident.nhs])).map(
    (r) => r.version,
  );
const newKey = () => `k-${randomUUID()}`;
const code = (res: GraphQLResponse) => res.errors?.[0]?.extensions?.code;

describe("idempotent mutations", () => {
  it("concurrent submissions for one resident all succeed with distinct versions, or get the user error CONFLICT; never a 500", async () => {
    const before = await versions();
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => submit(`Race ${i}`)));
    for (const r of results) {
      expect(r.errors).toBeUndefined();
      expect(r.status).toBe(200);
      const { carePlan, userErrors } = r.data.submitCarePlanQuestionnaire;
      if (userErrors.length > 0) expect([carePlan, userErrors.map((e: { code: string }) => e.code)]).toEqual([null, ["CONFLICT"]]);
    }
    const won = results.filter((r) => r.data.submitCarePlanQuestionnaire.carePlan).map((r) => r.data.submitCarePlanQuestionnaire.carePlan.version as number);
    expect(won.length).toBeGreaterThan(0);
    expect(new Set(won).size).toBe(won.length);
    expect((await versions()).length).toBe(before.length + won.length);
  }, 60_000);

  it("a retried submission with the same key returns the same plan and writes one version", async () => {
    const key = newKey();
    const before = (await versions()).length;
    const first = await submit("My garden", key);
    expect(first.errors).toBeUndefined();
    const again = await submit("My garden", key);
    expect(again.errors).toBeUndefined();
    expect(again.data.submitCarePlanQuestionnaire).toEqual(first.data.submitCarePlanQuestionnaire);
    // A client retrying while its first attempt is still running (answer not yet lost, just slow).
    const key2 = newKey();
    const racing = await Promise.all([submit("My roses", key2), submit("My roses", key2), submit("My roses", key2)]);
    for (const r of racing) expect(r.errors).toBeUndefined();
    expect(new Set(racing.map((r) => r.data.submitCarePlanQuestionnaire.carePlan.id)).size).toBe(1);
    expect((await versions()).length).toBe(before + 2);
  }, 60_000);

  it("the same key with other arguments is IDEMPOTENCY_KEY_REUSED, and writes nothing", async () => {
    const key = newKey();
    expect((await submit("My garden", key)).errors).toBeUndefined();
    const before = (await versions()).length;
    const reused = await submit("Something else", key);
    expect(code(reused)).toBe("IDEMPOTENCY_KEY_REUSED");
    expect(reused.status).toBe(422);
    expect((await versions()).length).toBe(before);
  });

  it("keys belong to their user: another user's identical key is a new request", async () => {
    const key = newKey();
    const mine = await submit("My garden", key);
    const colleague = await submit("My garden", key, { ...nurseAt(resident.home), userId: "t-nurse-colleague" });
    expect(colleague.errors).toBeUndefined();
    expect(colleague.data.submitCarePlanQuestionnaire.carePlan.id).not.toBe(mine.data.submitCarePlanQuestionnaire.carePlan.id);
  });

  it("clinical detail and approval retried with their keys answer as the first time instead of refusing the new state", async () => {
    const { id } = (await submit("To approve", newKey())).data.submitCarePlanQuestionnaire.carePlan;
    const gp = gpAt(resident.practice);
    const detailKey = newKey();
    const detailed = await gatewayQuery(stack, DETAIL, { id, key: detailKey }, gp);
    expect(detailed.data.addCarePlanClinicalDetail).toEqual({ carePlan: { id }, userErrors: [] });
    expect((await gatewayQuery(stack, DETAIL, { id, key: detailKey }, gp)).data).toEqual(detailed.data);
    const approveKey = newKey();
    const approved = await gatewayQuery(stack, APPROVE, { id, key: approveKey }, gp);
    expect(approved.data.approveCarePlan).toEqual({ carePlan: { id, status: "APPROVED" }, userErrors: [] });
    const retried = await gatewayQuery(stack, APPROVE, { id, key: approveKey }, gp);
    expect(retried.errors).toBeUndefined();
    expect(retried.data).toEqual(approved.data);
    // Without a key, approving twice is still refused: the key is what marks a retry.
    expect((await gatewayQuery(stack, APPROVE, { id }, gp)).data.approveCarePlan).toEqual({ carePlan: null, userErrors: [{ code: "NOT_APPROVABLE" }] });
  });

  it("break-glass retried with its key starts one session", async () => {
    const gp = { ...gpAt(resident.practice), userId: `t-gp-bg-${randomUUID().slice(0, 8)}` };
    const key = newKey();
    const [a, b] = await Promise.all([
      gatewayQuery(stack, BREAK_GLASS, { n: resident.nhs, key }, gp),
      gatewayQuery(stack, BREAK_GLASS, { n: resident.nhs, key }, gp),
    ]);
    expect(a.errors).toBeUndefined();
    expect(b.data).toEqual(a.data);
    expect(a.data.breakGlass.userErrors).toEqual([]);
    const [row] = await stack.db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM residents.break_glass WHERE user_id = $1`, [gp.userId]);
    expect(row?.n).toBe(1);
  });

  it("refuses malformed keys as BAD_USER_INPUT", async () => {
    for (const key of ["short", "x".repeat(101), "has space in it", "semi;colon--", "é-unicode-key"])
      expect(code(await submit("My garden", key))).toBe("BAD_USER_INPUT");
  });
});
