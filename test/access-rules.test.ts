// Every access rule, proved by its denial (and its allowance) through the running gateway.
import type { Identity } from "../platform/identity/identity.js";
import { gatewayQuery, gpAt, identities, nurseAt, startTestStack, type Stack } from "./support/stack.js";

let stack: Stack;
let own: string; // a resident at CH00001, no objection, with legally restricted history
let ownPractice: string;
let otherHome: string; // a resident at CH00002
let objected: string; // a resident at CH00001 who objected to sharing
beforeAll(async () => {
  stack = await startTestStack();
  const one = async (sql: string) => (await stack.db.sql.query<{ n: string }>(sql))[0]!.n;
  const at = (home: string) => `nhs_number IN (SELECT nhs_number FROM residents.placement WHERE care_home_id = '${home}' AND end_date IS NULL)`;
  own = await one(`SELECT nhs_number AS n FROM residents.resident r WHERE ${at("CH00001")} AND NOT sharing_objection
    AND EXISTS (SELECT 1 FROM residents.condition c WHERE c.nhs_number = r.nhs_number AND restricted_category IS NOT NULL) ORDER BY 1 LIMIT 1`);
  ownPractice = await one(`SELECT gp_practice_code AS n FROM residents.resident WHERE nhs_number = '${own}'`);
  otherHome = await one(`SELECT nhs_number AS n FROM residents.resident WHERE ${at("CH00002")} AND NOT sharing_objection ORDER BY 1 LIMIT 1`);
  objected = await one(`SELECT nhs_number AS n FROM residents.resident WHERE ${at("CH00001")} AND sharing_objection ORDER BY 1 LIMIT 1`);
});
afterAll(() => stack.close());

const VIEW = `query ($n: NhsNumber!) { resident(nhsNumber: $n) {
  nhsNumber name { family } currentPlacement { status refusal { code } item { careHome { id } } } placements { status refusal { code } items { id } }
  allergies { status refusal { code } items { id } } conditions { status refusal { code } items { id display } }
  dischargeSummaries(first: 5) { status refusal { code } page { edges { node { id } } pageInfo { hasNextPage } } }
  currentHospitalStay { status refusal { code } item { id } } hospitalStays { status refusal { code } page { edges { node { id } } } }
  emergencyCareSummaries { status refusal { code } page { edges { node { id } } } } diagnosticReports { status refusal { code } page { edges { node { id } } } }
  medications { status refusal { code } items { id status } }
  carePlan { status refusal { code } item { id status } } carePlanHistory { status refusal { code } items { id status } } } }`;

async function view(identity: Identity, nhs: string) {
  const res = await gatewayQuery(stack, VIEW, { n: nhs }, identity);
  const denied: Record<string, string> = {};
  const paths: Record<string, unknown[]> = {};
  for (const e of res.errors ?? []) {
    denied[String(e.path?.[1] ?? e.path?.[0])] = String(e.extensions?.code);
    paths[String(e.path?.[1] ?? e.path?.[0])] = e.path ?? [];
  }
  return { data: res.data?.resident ?? null, denied, paths, errors: res.errors ?? [] };
}

const ALL_SECTIONS = [
  "name",
  "currentPlacement",
  "placements",
  "allergies",
  "conditions",
  "dischargeSummaries",
  "currentHospitalStay",
  "hospitalStays",
  "emergencyCareSummaries",
  "diagnosticReports",
  "medications",
  "carePlan",
  "carePlanHistory",
];
const URGENT_ALLOWED = ["name", "currentPlacement", "allergies", "medications", "dischargeSummaries", "carePlan"];
/**
 * Sections that are a wrapper (ADR 0005), with the field that holds their entries: refused, they are
 * `{ status: REFUSED, refusal, <entries>: null }` with the error at the entries' path.
 */
const WRAPPED: Record<string, string> = {
  currentPlacement: "item",
  placements: "items",
  allergies: "items",
  conditions: "items",
  dischargeSummaries: "page",
  currentHospitalStay: "item",
  hospitalStays: "page",
  emergencyCareSummaries: "page",
  diagnosticReports: "page",
  medications: "items",
  carePlan: "item",
  carePlanHistory: "items",
};

describe("organisation and user preconditions", () => {
  it.each([
    ["an organisation below the DSPT standard", nurseAt("CH99901"), "ORG_DSPT_NOT_MET"],
    ["an organisation without the sharing agreement", nurseAt("CH99902"), "ORG_SHARING_AGREEMENT_MISSING"],
    ["an unregistered organisation", nurseAt("CH77777"), "ORG_NOT_REGISTERED"],
    ["a user without training", { ...identities.nurse, trainingCompletedAt: null }, "TRAINING_NOT_COMPLETED"],
    ["a care home role acting for a GP practice", { ...identities.nurse, orgCode: "G00001", orgType: "gp_practice" as const }, "ROLE_NOT_PERMITTED"],
  ])("%s gets no resident data", async (_label, identity, code) => {
    const v = await view(identity as Identity, own);
    expect(v.data).toBeNull();
    expect(v.denied.resident).toBe(code);
  });
});

describe("care home staff", () => {
  it("see every section of their own residents, without legally restricted history", async () => {
    const v = await view(identities.carer, own);
    expect(v.errors).toEqual([]);
    for (const s of ALL_SECTIONS) expect(v.data).toHaveProperty(s);
    const restricted = await stack.db.sql.query<{ id: string }>(
      `SELECT id FROM residents.condition WHERE nhs_number = $1 AND restricted_category IS NOT NULL`,
      [own],
    );
    expect(restricted.length).toBeGreaterThan(0);
    const shown = v.data.conditions.items.map((c: { id: string }) => c.id);
    for (const r of restricted) expect(shown).not.toContain(r.id);
  });

  it("are refused a resident of another home", async () => {
    const v = await view(identities.nurse, otherHome);
    expect(v.data).toBeNull();
    expect(v.denied.resident).toBe("NO_CARE_RELATIONSHIP");
  });

  it("are refused another home's resident list", async () => {
    const res = await gatewayQuery(stack, `{ careHome(id: "CH00002") { name residents { edges { node { nhsNumber } } } } }`, {}, identities.nurse);
    expect(res.data.careHome.name).toEqual(expect.any(String));
    expect(res.data.careHome.residents).toBeNull();
    expect(res.errors?.[0]?.extensions?.code).toBe("NO_CARE_RELATIONSHIP");
  });

  it("keep access for 7 days after a resident leaves, and lose it after", async () => {
    const mover = await stack.db.sql.query<{ n: string; home: string; ended: Date }>(
      `SELECT nhs_number AS n, care_home_id AS home, end_date AS ended FROM residents.placement WHERE end_date IS NOT NULL ORDER BY 1 LIMIT 1`,
    );
    const { n, home, ended } = mover[0]!;
    const daysSince = (Date.now() - ended.getTime()) / 86_400_000;
    const v = await view(nurseAt(home), n);
    // Seeded leavers left long ago: refused. (The 7-day window itself is unit-tested in policy.test.ts.)
    expect(daysSince).toBeGreaterThan(7);
    expect(v.denied.resident).toBe("NO_CARE_RELATIONSHIP");
  });
});

describe("GP", () => {
  it("sees registered patients, restricted history included", async () => {
    const v = await view(gpAt(ownPractice), own);
    expect(v.errors).toEqual([]);
    const restricted = await stack.db.sql.query<{ id: string }>(
      `SELECT id FROM residents.condition WHERE nhs_number = $1 AND restricted_category IS NOT NULL`,
      [own],
    );
    const shown = v.data.conditions.items.map((c: { id: string }) => c.id);
    for (const r of restricted) expect(shown).toContain(r.id);
  });

  it("is refused a patient registered elsewhere", async () => {
    const [{ n }] = (await stack.db.sql.query<{ n: string }>(
      `SELECT nhs_number AS n FROM residents.resident WHERE gp_practice_code <> '${ownPractice}' AND NOT sharing_objection ORDER BY 1 LIMIT 1`,
    )) as [{ n: string }];
    const v = await view(gpAt(ownPractice), n);
    expect(v.denied.resident).toBe("NO_CARE_RELATIONSHIP");
  });
});

describe("urgent care", () => {
  it.each([
    ["ambulance", identities.paramedic],
    ["111", identities.nhs111],
  ])("%s sees only the urgent-care sections of any resident", async (_l, who) => {
    const v = await view(who, otherHome);
    expect(v.data.nhsNumber).toBe(otherHome);
    for (const s of URGENT_ALLOWED) expect(v.denied[s]).toBeUndefined();
    for (const s of ALL_SECTIONS.filter((x) => !URGENT_ALLOWED.includes(x))) {
      expect(v.denied[s]).toBe("ROLE_NOT_PERMITTED");
      const entries = WRAPPED[s];
      if (entries) {
        expect(v.data[s]).toEqual({ status: "REFUSED", refusal: { code: "ROLE_NOT_PERMITTED" }, [entries]: null });
        expect(v.paths[s]).toEqual(["resident", s, entries]);
      } else expect(v.data[s]).toBeNull();
    }
    expect(["PRESENT", "NOT_RECORDED"]).toContain(v.data.dischargeSummaries.status);
    expect(v.data.dischargeSummaries.page.edges.length).toBeLessThanOrEqual(1);
    expect(v.data.dischargeSummaries.page.pageInfo.hasNextPage).toBe(false);
    for (const m of v.data.medications.items) expect(["ACTIVE", "ON_HOLD"]).toContain(m.status);
    if (v.data.carePlan.status === "PRESENT") expect(v.data.carePlan.item.status).toBe("APPROVED");
    else expect(v.data.carePlan).toEqual({ status: "NOT_RECORDED", refusal: null, item: null });
  });

  it("is refused stopped medicines", async () => {
    const res = await gatewayQuery(
      stack,
      `query ($n: NhsNumber!) { resident(nhsNumber: $n) { medications(status: [STOPPED]) { status refusal { code } items { id } } } }`,
      { n: own },
      identities.paramedic,
    );
    expect(res.errors?.[0]?.extensions?.code).toBe("ROLE_NOT_PERMITTED");
    expect(res.errors?.[0]?.path).toEqual(["resident", "medications", "items"]);
    expect(res.data.resident.medications).toEqual({ status: "REFUSED", refusal: { code: "ROLE_NOT_PERMITTED" }, items: null });
  });
});

describe("analyst and privacy officer", () => {
  it.each([
    ["analyst", identities.analyst],
    ["privacy officer", identities.privacyOfficer],
  ])("%s sees no resident data", async (_l, who) => {
    const v = await view(who, own);
    expect(v.data).toBeNull();
    expect(v.denied.resident).toBe("ROLE_NOT_PERMITTED");
  });
});

describe("objection and break-glass", () => {
  const runId = `${process.pid}-${Date.now()}`;
  const nurse = { ...identities.nurse, userId: `bg-nurse-${runId}` };
  const carer = { ...identities.carer, userId: `bg-carer-${runId}` };

  it("an objection is refused with its own code", async () => {
    const v = await view(nurse, objected);
    expect(v.data).toBeNull();
    expect(v.denied.resident).toBe("SHARING_OBJECTION");
  });

  it("break-glass needs a clinician and a real reason", async () => {
    const BREAK = `mutation ($n: NhsNumber!, $r: String!) { breakGlass(nhsNumber: $n, reason: $r) { breakGlassSession { id expiresAt } userErrors { code field } } }`;
    const byCarer = await gatewayQuery(stack, BREAK, { n: objected, r: "Resident collapsed, need allergies" }, carer);
    expect(byCarer.errors?.[0]?.extensions?.code).toBe("ROLE_NOT_PERMITTED");
    expect(byCarer.data?.breakGlass ?? null).toBeNull();
    const noReason = await gatewayQuery(stack, BREAK, { n: objected, r: "   " }, nurse);
    expect(noReason.errors).toBeUndefined();
    expect(noReason.data.breakGlass).toEqual({ breakGlassSession: null, userErrors: [{ code: "INVALID_INPUT", field: ["reason"] }] });
    expect((await view(carer, objected)).denied.resident).toBe("SHARING_OBJECTION");
  });

  it("a clinician's break-glass opens the record for 4 hours and is queued for the privacy officer", async () => {
    const res = await gatewayQuery(
      stack,
      `mutation ($n: NhsNumber!) { breakGlass(nhsNumber: $n, reason: "Resident collapsed; paramedics need current medicines") { breakGlassSession { id startedAt expiresAt } } }`,
      { n: objected },
      nurse,
    );
    expect(res.errors).toBeUndefined();
    const session = res.data.breakGlass.breakGlassSession;
    expect(new Date(session.expiresAt).getTime() - new Date(session.startedAt).getTime()).toBe(4 * 3_600_000);
    const v = await view(nurse, objected);
    expect(v.denied.resident).toBeUndefined();
    expect(v.data.medications.items).toEqual(expect.any(Array));
    // Someone else's break-glass opens nothing for others.
    expect((await view({ ...identities.nurse, userId: `other-${runId}` }, objected)).denied.resident).toBe("SHARING_OBJECTION");

    const LIST = `{ breakGlassSessions(reviewed: false, first: 100) { edges { node { id userId reason nhsNumber } } } }`;
    expect((await gatewayQuery(stack, LIST, {}, nurse)).errors?.[0]?.extensions?.code).toBe("ROLE_NOT_PERMITTED");
    const open = await gatewayQuery(stack, LIST, {}, identities.privacyOfficer);
    expect(open.errors).toBeUndefined();
    expect(open.data.breakGlassSessions.edges.map((e: { node: { id: string } }) => e.node.id)).toContain(session.id);

    const CLOSE = `mutation ($id: ID!) { closeBreakGlassReview(id: $id, note: "Appropriate: emergency care") { breakGlassSession { id reviewedAt reviewedBy } userErrors { code field } } }`;
    expect((await gatewayQuery(stack, CLOSE, { id: session.id }, nurse)).errors?.[0]?.extensions?.code).toBe("ROLE_NOT_PERMITTED");
    const closed = await gatewayQuery(stack, CLOSE, { id: session.id }, identities.privacyOfficer);
    expect(closed.errors).toBeUndefined();
    expect(closed.data.closeBreakGlassReview.breakGlassSession.reviewedBy).toBe(identities.privacyOfficer.userId);
    const again = await gatewayQuery(stack, CLOSE, { id: session.id }, identities.privacyOfficer);
    expect(again.data.closeBreakGlassReview).toEqual({ breakGlassSession: null, userErrors: [{ code: "REVIEW_NOT_OPEN", field: ["id"] }] });
  });
});
