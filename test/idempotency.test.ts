// Mutations under retries and races: a retried call with the same idempotency key returns the
// first result and never writes twice (sequential and concurrent retries), a key reused with other
// arguments is refused with a code, and concurrent submissions for one resident all get distinct
// versions (or a coded CONFLICT), never a 500.
import { randomUUID } from "node:crypto";
import { startScratchStack, pickResident } from "./support/scratch-stack.js";
import { gatewayQuery, gpAt, nurseAt, type GraphQLResponse, type Stack } from "./support/stack.js";

let scratch: Awaited<ReturnType<typeof startScratchStack>>;
let stack: Stack;
let resident: { nhs: string; home: string; practice: string };
beforeAll(async () => {
  scratch = await startScratchStack("idempotency", 20);
  stack = scratch.stack;
  resident = await pickResident(stack, "NOT r.sharing_objection");
}, 120_000);
afterAll(() => scratch?.close());

const SUBMIT = `mutation Submit($n: NhsNumber!, $what: String!, $key: String) {
  submitCarePlanQuestionnaire(nhsNumber: $n, idempotencyKey: $key, input: {
    whatMattersToMe: $what, concerns: ["Falls"], goals: ["Walk daily"], preferredPlaceOfCare: CARE_HOME, preferredPlaceOfDeath: CARE_HOME }) { id version status } }`;
const DETAIL = `mutation ($id: ID!, $key: String) { addCarePlanClinicalDetail(id: $id, idempotencyKey: $key, input: { diagnoses: [{ code: "52448006", display: "Dementia" }],
  keyMedications: ["Donepezil 5mg"], emergencyPlan: "Treat in the home", cprDecision: DNACPR, ceilingOfTreatment: WARD_BASED_CARE }) { id } }`;
const APPROVE = `mutation ($id: ID!, $key: String) { approveCarePlan(id: $id, reviewDate: "2031-06-01", idempotencyKey: $key) { id status } }`;
const BREAK_GLASS = `mutation ($n: NhsNumber!, $key: String) { breakGlass(nhsNumber: $n, reason: "Collapsed; need current medicines", idempotencyKey: $key) { id } }`;

const submit = (what: string, key?: string, who = nurseAt(resident.home)) => gatewayQuery(stack, SUBMIT, { n: resident.nhs, what, key }, who);
const versions = async () =>
  (await stack.db.sql.query<{ version: number }>(`SELECT version FROM careplans.care_plan WHERE nhs_number = $1 ORDER BY version`, [resident.nhs])).map(
    (r) => r.version,
  );
const newKey = () => `k-${randomUUID()}`;
const code = (res: GraphQLResponse) => res.errors?.[0]?.extensions?.code;

describe("idempotent mutations", () => {
  it("concurrent submissions for one resident all succeed with distinct versions, or get CONFLICT; never a 500", async () => {
    const before = await versions();
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => submit(`Race ${i}`)));
    for (const r of results) {
      if (r.errors) expect(r.errors.map((e) => e.extensions?.code)).toEqual(["CONFLICT"]);
      expect(r.status).toBe(r.errors ? 409 : 200);
    }
    const won = results.filter((r) => !r.errors).map((r) => r.data.submitCarePlanQuestionnaire.version as number);
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
    expect(new Set(racing.map((r) => r.data.submitCarePlanQuestionnaire.id)).size).toBe(1);
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
    expect(colleague.data.submitCarePlanQuestionnaire.id).not.toBe(mine.data.submitCarePlanQuestionnaire.id);
  });

  it("clinical detail and approval retried with their keys answer as the first time instead of refusing the new state", async () => {
    const { id } = (await submit("To approve", newKey())).data.submitCarePlanQuestionnaire;
    const gp = gpAt(resident.practice);
    const detailKey = newKey();
    expect((await gatewayQuery(stack, DETAIL, { id, key: detailKey }, gp)).errors).toBeUndefined();
    expect((await gatewayQuery(stack, DETAIL, { id, key: detailKey }, gp)).errors).toBeUndefined();
    const approveKey = newKey();
    const approved = await gatewayQuery(stack, APPROVE, { id, key: approveKey }, gp);
    expect(approved.data.approveCarePlan).toEqual({ id, status: "APPROVED" });
    const retried = await gatewayQuery(stack, APPROVE, { id, key: approveKey }, gp);
    expect(retried.errors).toBeUndefined();
    expect(retried.data.approveCarePlan).toEqual({ id, status: "APPROVED" });
    // Without a key, approving twice is still refused: the key is what marks a retry.
    expect(code(await gatewayQuery(stack, APPROVE, { id }, gp))).toBe("BAD_USER_INPUT");
  });

  it("break-glass retried with its key starts one session", async () => {
    const gp = { ...gpAt(resident.practice), userId: `t-gp-bg-${randomUUID().slice(0, 8)}` };
    const key = newKey();
    const [a, b] = await Promise.all([
      gatewayQuery(stack, BREAK_GLASS, { n: resident.nhs, key }, gp),
      gatewayQuery(stack, BREAK_GLASS, { n: resident.nhs, key }, gp),
    ]);
    expect(a.errors).toBeUndefined();
    expect(b.data.breakGlass.id).toBe(a.data.breakGlass.id);
    const [row] = await stack.db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM residents.break_glass WHERE user_id = $1`, [gp.userId]);
    expect(row?.n).toBe(1);
  });

  it("refuses malformed keys as BAD_USER_INPUT", async () => {
    for (const key of ["short", "x".repeat(101), "has space in it", "semi;colon--", "é-unicode-key"])
      expect(code(await submit("My garden", key))).toBe("BAD_USER_INPUT");
  });
});
