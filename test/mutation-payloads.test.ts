// Mutation payloads from the client's side (README "Mutation payloads and user errors"): every user
// error code of every mutation by a request that causes it, with the path of the input at fault;
// a user error writes nothing (rows counted) and records no idempotency key, so the corrected
// request may use the key; an idempotent retry answers the identical payload; access refusals,
// a reused key and bad arguments stay top-level errors with no payload.
import { randomUUID } from "node:crypto";
import { pickResident, startScratchStack } from "./support/scratch-stack.js";
import { gatewayQuery, gpAt, identities, nurseAt, type GraphQLResponse, type Stack } from "./support/stack.js";

let scratch: Awaited<ReturnType<typeof startScratchStack>>;
let stack: Stack;
let resident: { nhs: string; home: string; practice: string };
let another: string;
beforeAll(async () => {
  scratch = await startScratchStack("payloads", 12);
  stack = scratch.stack;
  resident = await pickResident(stack, "NOT r.sharing_objection");
  another = (await pickResident(stack, `NOT r.sharing_objection AND r.nhs_number <> '${resident.nhs}'`)).nhs;
}, 120_000);
afterAll(() => scratch?.close());

const runId = randomUUID().slice(0, 8);
const newKey = () => `payload-${randomUUID()}`;
const nurse = () => ({ ...nurseAt(resident.home), userId: `payload-nurse-${runId}` });
const gp = () => ({ ...gpAt(resident.practice), userId: `payload-gp-${runId}` });
const count = async (sql: string, params: unknown[]) => (await stack.db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`, params))[0]!.n;
const plans = () =>
  stack.db.sql.query<{ id: string; version: number }>(`SELECT * FROM careplans.care_plan WHERE nhs_number = $1 ORDER BY version`, [resident.nhs]);
const planKeys = (userId: string) => count(`careplans.idempotency_key WHERE user_id = $1`, [userId]);
const codes = (res: GraphQLResponse) => res.errors?.map((e) => e.extensions?.code);

const RESULT = `{ carePlan { id version status } userErrors { code message field } }`;
const SUBMIT = `mutation Submit($n: NhsNumber!, $input: CarePlanQuestionnaireInput!, $key: String) {
  submitted: submitCarePlanQuestionnaire(nhsNumber: $n, input: $input, idempotencyKey: $key) ${RESULT} }`;
const QUESTIONNAIRE = {
  whatMattersToMe: "My garden",
  concerns: ["Falls"],
  goals: ["Walk daily"],
  preferredPlaceOfCare: "CARE_HOME",
  preferredPlaceOfDeath: "CARE_HOME",
};
const DETAIL = `mutation Detail($id: ID!, $input: CarePlanClinicalDetailInput!, $key: String) {
  detailed: addCarePlanClinicalDetail(id: $id, input: $input, idempotencyKey: $key) ${RESULT} }`;
const CLINICAL = {
  diagnoses: [{ code: "52448006", display: "Dementia" }],
  keyMedications: ["Donepezil 5mg"],
  emergencyPlan: "Treat in the home",
  cprDecision: "DNACPR",
  ceilingOfTreatment: "WARD_BASED_CARE",
};
const APPROVE = `mutation Approve($id: ID!, $on: Date!, $key: String) { approved: approveCarePlan(id: $id, reviewDate: $on, idempotencyKey: $key) ${RESULT} }`;

async function submitted(): Promise<string> {
  const res = await gatewayQuery(stack, SUBMIT, { n: resident.nhs, input: QUESTIONNAIRE }, nurse());
  expect(res.data.submitted.userErrors).toEqual([]);
  return res.data.submitted.carePlan.id;
}

describe("care plan user errors", () => {
  it("INVALID_INPUT: every answer out of bounds at once, each with its path; nothing written, no key kept; the corrected request may use the key", async () => {
    const key = newKey();
    const before = await plans();
    const bad = {
      ...QUESTIONNAIRE,
      whatMattersToMe: "   ",
      concerns: Array.from({ length: 21 }, (_, i) => `Concern ${i}`),
      goals: ["Walk daily", " "],
      wishesAndPreferences: "w".repeat(2001),
    };
    const res = await gatewayQuery(stack, SUBMIT, { n: resident.nhs, input: bad, key }, nurse());
    expect(res.status).toBe(200);
    expect(res.errors).toBeUndefined();
    expect(res.data.submitted.carePlan).toBeNull();
    expect(res.data.submitted.userErrors.map((e: { code: string; field: string[] }) => [e.code, e.field])).toEqual([
      ["INVALID_INPUT", ["input", "whatMattersToMe"]],
      ["INVALID_INPUT", ["input", "concerns"]],
      ["INVALID_INPUT", ["input", "goals", "1"]],
      ["INVALID_INPUT", ["input", "wishesAndPreferences"]],
    ]);
    for (const e of res.data.submitted.userErrors) expect(e.message).not.toMatch(/Concern|www|\d{10}/);
    expect(await plans()).toEqual(before);
    expect(await planKeys(nurse().userId)).toBe(0);

    // The key was never used: the corrected request is the first for it, and its retry the same payload.
    const fixed = await gatewayQuery(stack, SUBMIT, { n: resident.nhs, input: QUESTIONNAIRE, key }, nurse());
    expect(fixed.data.submitted.userErrors).toEqual([]);
    expect(fixed.data.submitted.carePlan).toMatchObject({ status: "SUBMITTED", version: Math.max(0, ...before.map((p) => p.version)) + 1 });
    const retried = await gatewayQuery(stack, SUBMIT, { n: resident.nhs, input: QUESTIONNAIRE, key }, nurse());
    expect(retried.data).toEqual(fixed.data);
    expect((await plans()).length).toBe(before.length + 1);
    expect(await planKeys(nurse().userId)).toBe(1);

    // Now the key stands for that request: other (valid) arguments are a client bug, a top-level error.
    const reused = await gatewayQuery(stack, SUBMIT, { n: resident.nhs, input: { ...QUESTIONNAIRE, whatMattersToMe: "Other" }, key }, nurse());
    expect(codes(reused)).toEqual(["IDEMPOTENCY_KEY_REUSED"]);
    expect(reused.data?.submitted ?? null).toBeNull();
  });

  it("INVALID_INPUT for clinical detail, with list positions in the path, and NOT_SUBMITTED, under aliases; nothing written", async () => {
    const id = await submitted();
    const before = await plans();
    const res = await gatewayQuery(
      stack,
      `mutation ($id: ID!, $bad: CarePlanClinicalDetailInput!) {
        first: addCarePlanClinicalDetail(id: $id, input: $bad) { carePlan { id } userErrors { code field } }
        second: addCarePlanClinicalDetail(id: $id, input: $bad) { userErrors { code } }
      }`,
      {
        id,
        bad: {
          ...CLINICAL,
          diagnoses: [
            { code: "52448006", display: "Dementia" },
            { code: "1".repeat(21), display: "Delirium" },
          ],
          keyMedications: [""],
          emergencyPlan: " ",
        },
      },
      gp(),
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.first).toEqual({
      carePlan: null,
      userErrors: [
        { code: "INVALID_INPUT", field: ["input", "diagnoses", "1", "code"] },
        { code: "INVALID_INPUT", field: ["input", "keyMedications", "0"] },
        { code: "INVALID_INPUT", field: ["input", "emergencyPlan"] },
      ],
    });
    expect(res.data.second.userErrors.map((e: { code: string }) => e.code)).toEqual(["INVALID_INPUT", "INVALID_INPUT", "INVALID_INPUT"]);
    expect(await plans()).toEqual(before);

    // Approve it, then add clinical detail again: the plan is no longer SUBMITTED.
    expect((await gatewayQuery(stack, DETAIL, { id, input: CLINICAL }, gp())).data.detailed.userErrors).toEqual([]);
    expect((await gatewayQuery(stack, APPROVE, { id, on: "2031-01-01" }, gp())).data.approved.userErrors).toEqual([]);
    const approved = await plans();
    const keysBefore = await planKeys(gp().userId);
    const late = await gatewayQuery(stack, DETAIL, { id, input: CLINICAL, key: newKey() }, gp());
    expect(late.status).toBe(200);
    expect(late.data.detailed).toEqual({ carePlan: null, userErrors: [{ code: "NOT_SUBMITTED", message: expect.any(String), field: null }] });
    expect(await plans()).toEqual(approved);
    expect(await planKeys(gp().userId)).toBe(keysBefore);
  });

  it("INVALID_INPUT for 21 diagnoses: refused whole, never cut to 20 (a dropped diagnosis would go unseen); nothing written", async () => {
    const id = await submitted();
    const before = await plans();
    const diagnoses = Array.from({ length: 21 }, (_, n) => ({ code: `${100000 + n}`, display: `Diagnosis ${n + 1}` }));
    const res = await gatewayQuery(stack, DETAIL, { id, input: { ...CLINICAL, diagnoses } }, gp());
    expect(res.data.detailed).toEqual({
      carePlan: null,
      userErrors: [{ code: "INVALID_INPUT", message: expect.stringMatching(/at most 20/), field: ["input", "diagnoses"] }],
    });
    expect(await plans()).toEqual(before);
  });

  it("INVALID_INPUT for a review date not after today, and NOT_APPROVABLE without clinical detail, in one document; nothing written", async () => {
    const id = await submitted();
    const before = await plans();
    const today = new Date().toISOString().slice(0, 10);
    const res = await gatewayQuery(
      stack,
      `mutation ($id: ID!, $today: Date!) {
        tooSoon: approveCarePlan(id: $id, reviewDate: $today, idempotencyKey: "payload-too-soon") { carePlan { id } userErrors { code field } }
        early: approveCarePlan(id: $id, reviewDate: "2031-01-01") { carePlan { id } userErrors { code field } }
      }`,
      { id, today },
      gp(),
    );
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({
      tooSoon: { carePlan: null, userErrors: [{ code: "INVALID_INPUT", field: ["reviewDate"] }] },
      early: { carePlan: null, userErrors: [{ code: "NOT_APPROVABLE", field: null }] },
    });
    expect(await plans()).toEqual(before);
    expect(await count(`careplans.idempotency_key WHERE key = 'payload-too-soon'`, [])).toBe(0);
  });

  it("NOT_APPROVABLE for an older version once a newer one is approved: urgent care keeps the newer plan", async () => {
    const older = await submitted();
    const newer = await submitted();
    for (const id of [older, newer]) expect((await gatewayQuery(stack, DETAIL, { id, input: CLINICAL }, gp())).data.detailed.userErrors).toEqual([]);
    expect((await gatewayQuery(stack, APPROVE, { id: newer, on: "2031-01-01" }, gp())).data.approved.userErrors).toEqual([]);
    const before = await plans();
    const res = await gatewayQuery(stack, APPROVE, { id: older, on: "2031-01-01" }, gp());
    expect(res.data.approved).toEqual({
      carePlan: null,
      userErrors: [{ code: "NOT_APPROVABLE", message: "A newer version of this care plan is already approved", field: null }],
    });
    expect(await plans()).toEqual(before);
    const approved = await stack.db.sql.query<{ id: string }>(`SELECT id FROM careplans.care_plan WHERE nhs_number = $1 AND status = 'APPROVED'`, [
      resident.nhs,
    ]);
    expect(approved.map((p) => p.id)).toEqual([newer]);
  });

  it("CONFLICT: a write that loses a race (the next version number taken meanwhile) is a user error to retry; nothing written, no key kept", async () => {
    const before = await plans();
    const next = Math.max(0, ...before.map((p) => p.version)) + 1;
    // Another path (one that does not queue on the resident's lock) writes the version this
    // submission is about to take, between its read of the latest version and its insert: a trigger
    // writes a copy of the new row under another id just before it (ids are opaque and random, so
    // the id itself can no longer be taken in advance). Its copy rolls back with the transaction.
    await stack.db.sql.exec(`
      CREATE FUNCTION careplans.test_version_race() RETURNS trigger LANGUAGE plpgsql AS $fn$ BEGIN
        IF NEW.nhs_number = '${resident.nhs}' AND NEW.id NOT LIKE 'RACE-%' THEN
          INSERT INTO careplans.care_plan
            SELECT (jsonb_populate_record(NULL::careplans.care_plan, to_jsonb(NEW) || jsonb_build_object('id', 'RACE-' || NEW.id))).*;
        END IF;
        RETURN NEW;
      END $fn$;
      CREATE TRIGGER test_version_race BEFORE INSERT ON careplans.care_plan FOR EACH ROW EXECUTE FUNCTION careplans.test_version_race();`);
    const key = newKey();
    const keysBefore = await planKeys(nurse().userId);
    try {
      const lost = await gatewayQuery(stack, SUBMIT, { n: resident.nhs, input: QUESTIONNAIRE, key }, nurse());
      expect(lost.status).toBe(200);
      expect(lost.errors).toBeUndefined();
      expect(lost.data.submitted).toEqual({ carePlan: null, userErrors: [{ code: "CONFLICT", message: expect.any(String), field: null }] });
      expect(await plans()).toEqual(before);
      expect(await planKeys(nurse().userId)).toBe(keysBefore);
    } finally {
      await stack.db.sql.exec(`DROP TRIGGER test_version_race ON careplans.care_plan; DROP FUNCTION careplans.test_version_race();`);
    }
    // The retry with the same key, once the race is over, writes.
    const retried = await gatewayQuery(stack, SUBMIT, { n: resident.nhs, input: QUESTIONNAIRE, key }, nurse());
    expect(retried.data.submitted).toMatchObject({ carePlan: { version: next }, userErrors: [] });
  });
});

describe("break-glass user errors", () => {
  const BREAK = `mutation ($n: NhsNumber!, $r: String!, $key: String) {
    glass: breakGlass(nhsNumber: $n, reason: $r, idempotencyKey: $key) { breakGlassSession { id userId expiresAt } userErrors { code message field } } }`;
  const CLOSE = `mutation ($id: ID!, $note: String!, $key: String) {
    closed: closeBreakGlassReview(id: $id, note: $note, idempotencyKey: $key) { breakGlassSession { id reviewedAt reviewedBy reviewNote } userErrors { code message field } } }`;
  const clinician = () => ({ ...gpAt(resident.practice), userId: `payload-bg-${runId}` });
  const sessions = () => count(`residents.break_glass WHERE user_id = $1`, [clinician().userId]);
  const keysOf = (userId: string) => count(`residents.idempotency_key WHERE user_id = $1`, [userId]);

  it("INVALID_INPUT for a short reason starts no session and keeps no key; the corrected request with the key starts one, its retry the same payload", async () => {
    const key = newKey();
    const short = await gatewayQuery(stack, BREAK, { n: another, r: "  too short  ", key }, clinician());
    expect(short.errors).toBeUndefined();
    expect(short.data.glass).toEqual({
      breakGlassSession: null,
      userErrors: [{ code: "INVALID_INPUT", message: expect.not.stringContaining("too short"), field: ["reason"] }],
    });
    expect(await sessions()).toBe(0);
    expect(await keysOf(clinician().userId)).toBe(0);

    const started = await gatewayQuery(stack, BREAK, { n: another, r: "Collapsed; need current medicines", key }, clinician());
    expect(started.data.glass.userErrors).toEqual([]);
    expect(started.data.glass.breakGlassSession.userId).toBe(clinician().userId);
    const retried = await gatewayQuery(stack, BREAK, { n: another, r: "Collapsed; need current medicines", key }, clinician());
    expect(retried.data).toEqual(started.data);
    expect(await sessions()).toBe(1);
  });

  it("closing a review: INVALID_INPUT, REVIEW_NOT_OPEN for an unknown or closed review; a retry with the key answers the review it closed", async () => {
    const officer = { ...identities.privacyOfficer, userId: `payload-po-${runId}` };
    const opened = await gatewayQuery(stack, BREAK, { n: another, r: "Fall at night; checking anticoagulants", key: newKey() }, clinician());
    const id = opened.data.glass.breakGlassSession.id;
    const review = () => stack.db.sql.query(`SELECT reviewed_at, reviewed_by, review_note FROM residents.break_glass WHERE id = $1`, [id]);

    const blank = await gatewayQuery(stack, CLOSE, { id, note: "   ", key: newKey() }, officer);
    const unknown = await gatewayQuery(stack, CLOSE, { id: "BG-no-such-session", note: "Checked", key: newKey() }, officer);
    expect([blank.errors, unknown.errors]).toEqual([undefined, undefined]);
    expect(blank.data.closed).toEqual({ breakGlassSession: null, userErrors: [{ code: "INVALID_INPUT", message: expect.any(String), field: ["note"] }] });
    expect(unknown.data.closed).toEqual({ breakGlassSession: null, userErrors: [{ code: "REVIEW_NOT_OPEN", message: expect.any(String), field: ["id"] }] });
    expect(await review()).toEqual([{ reviewed_at: null, reviewed_by: null, review_note: null }]);
    expect(await keysOf(officer.userId)).toBe(0);

    const key = newKey();
    const closed = await gatewayQuery(stack, CLOSE, { id, note: "Appropriate: emergency care", key }, officer);
    expect(closed.data.closed.userErrors).toEqual([]);
    expect(closed.data.closed.breakGlassSession).toMatchObject({ id, reviewedBy: officer.userId, reviewNote: "Appropriate: emergency care" });
    const after = await review();
    // A lost answer retried with its key: the same payload, nothing written again.
    const retried = await gatewayQuery(stack, CLOSE, { id, note: "Appropriate: emergency care", key }, officer);
    expect(retried.data).toEqual(closed.data);
    expect(await review()).toEqual(after);
    // Without the key (or with a new one) the review is simply no longer open.
    const again = await gatewayQuery(stack, CLOSE, { id, note: "Appropriate: emergency care" }, officer);
    expect(again.data.closed).toEqual({ breakGlassSession: null, userErrors: [{ code: "REVIEW_NOT_OPEN", message: expect.any(String), field: ["id"] }] });
    expect(await review()).toEqual(after);
  });
});

describe("what stays a top-level error", () => {
  it("access refusals: the error with its code and no payload, even for input that would be a user error", async () => {
    const before = await plans();
    const unregistered = await gatewayQuery(stack, SUBMIT, { n: resident.nhs, input: { ...QUESTIONNAIRE, whatMattersToMe: " " } }, nurseAt("CH09999"));
    expect(unregistered.data?.submitted ?? null).toBeNull();
    expect(codes(unregistered)).toEqual(["ORG_NOT_REGISTERED"]);
    // An unknown plan is refused like another practice's patient, before its input is looked at.
    const elsewhere = await gatewayQuery(stack, DETAIL, { id: "CP-none-1", input: { ...CLINICAL, emergencyPlan: " " } }, gp());
    expect(elsewhere.data?.detailed ?? null).toBeNull();
    expect(codes(elsewhere)).toEqual(["NO_CARE_RELATIONSHIP"]);
    const byCarer = await gatewayQuery(
      stack,
      `mutation ($n: NhsNumber!) { glass: breakGlass(nhsNumber: $n, reason: "short") { breakGlassSession { id } userErrors { code } } }`,
      { n: resident.nhs },
      identities.carer,
    );
    expect(byCarer.data?.glass ?? null).toBeNull();
    expect(codes(byCarer)).toEqual(["ROLE_NOT_PERMITTED"]);
    const byNurse = await gatewayQuery(
      stack,
      `mutation { closed: closeBreakGlassReview(id: "BG-no-such-session", note: " ") { breakGlassSession { id } userErrors { code } } }`,
      {},
      nurse(),
    );
    expect(byNurse.data?.closed ?? null).toBeNull();
    expect(codes(byNurse)).toEqual(["ROLE_NOT_PERMITTED"]);
    expect(await plans()).toEqual(before);
  });

  it("a malformed idempotency key and an argument that does not coerce: BAD_USER_INPUT, no payload", async () => {
    const malformed = await gatewayQuery(stack, SUBMIT, { n: resident.nhs, input: QUESTIONNAIRE, key: "short" }, nurse());
    expect(codes(malformed)).toEqual(["BAD_USER_INPUT"]);
    expect(malformed.data?.submitted ?? null).toBeNull();
    const notADate = await gatewayQuery(stack, APPROVE, { id: "CP-none-1", on: "2031-02-30" }, gp());
    expect(codes(notADate)).toEqual(["BAD_USER_INPUT"]);
    expect(notADate.data?.approved ?? null).toBeNull();
  });
});
