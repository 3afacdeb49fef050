// Every section returned to a user is one access event, written before the response arrives;
// refusals are recorded too; the store refuses updates and deletes; analysts see counts without
// patient identity.
import type { Identity } from "../platform/identity/identity.js";
import { gatewayQuery, identities, nurseAt, startTestStack, type Stack } from "./support/stack.js";

let stack: Stack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack.close());

const runId = `${process.pid}-${Date.now()}`;
const as = (identity: Identity, label: string): Identity => ({ ...identity, userId: `audit-${label}-${runId}` });
const eventsOf = (userId: string) =>
  stack.db.sql.query<{
    nhs_number: string;
    section: string;
    outcome: string;
    denial_code: string | null;
    purpose: string;
    operation_hash: string;
    org_code: string;
    user_role: string;
  }>(
    `SELECT nhs_number, section, outcome::text, denial_code, purpose::text, operation_hash, org_code, user_role FROM usage.access_event WHERE user_id = $1 ORDER BY section`,
    [userId],
  );

describe("access events", () => {
  it("one event per section returned, written before the response, and no audit key leaks", async () => {
    const nurse = as(identities.nurse, "one");
    const [{ n }] = (await stack.db.sql.query<{ n: string }>(
      `SELECT r.nhs_number AS n FROM residents.resident r JOIN residents.placement p USING (nhs_number)
        WHERE p.care_home_id = 'CH00001' AND p.end_date IS NULL AND NOT r.sharing_objection ORDER BY 1 LIMIT 1`,
    )) as [{ n: string }];
    const res = await gatewayQuery(
      stack,
      `query ($n: NhsNumber!) { resident(nhsNumber: $n) { name { family } dateOfBirth allergies { status items { id } } medications { status items { id } } carePlan { status item { id } } x: diagnosticReports(first: 1) { status page { edges { node { id } } } } } }`,
      { n },
      nurse,
    );
    expect(res.errors).toBeUndefined();
    expect(JSON.stringify(res.data)).not.toContain("_audit");
    const events = await eventsOf(nurse.userId); // no waiting: the response was released after the write
    expect(events.map((e) => e.section)).toEqual(["ALLERGIES", "CARE_PLAN", "DEMOGRAPHICS", "DIAGNOSTIC_REPORTS", "MEDICATIONS"]);
    for (const e of events)
      expect(e).toMatchObject({ nhs_number: n, outcome: "ALLOWED", denial_code: null, purpose: "NORMAL", org_code: "CH00001", user_role: "care_home_nurse" });
    expect(new Set(events.map((e) => e.operation_hash)).size).toBe(1);
    // Time-ordered ids (UUID version 7): the event table's primary key grows at its right edge.
    const ids = await stack.db.sql.query<{ id: string }>(`SELECT id FROM usage.access_event WHERE user_id = $1`, [nurse.userId]);
    for (const { id } of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it("counts sections per resident across a whole home", async () => {
    const nurse = as(identities.nurse, "home");
    const res = await gatewayQuery(
      stack,
      `{ careHome(id: "CH00001") { residents(first: 40) { edges { node { nhsNumber allergies { status items { id } } medications { status items { id } } } } } } }`,
      {},
      nurse,
    );
    const residents = res.data.careHome.residents.edges.length;
    const refused = (res.errors ?? []).length;
    const events = await eventsOf(nurse.userId);
    expect(events.length).toBe(residents * 2);
    expect(events.filter((e) => e.outcome === "DENIED").length).toBe(refused);
    expect(events.filter((e) => e.outcome === "DENIED").every((e) => e.denial_code === "SHARING_OBJECTION")).toBe(true);
  });

  it("records refused look-ups and refused sections with their codes", async () => {
    const nurse = as(nurseAt("CH00002"), "denied");
    const [{ n }] = (await stack.db.sql.query<{ n: string }>(
      `SELECT nhs_number AS n FROM residents.placement WHERE care_home_id = 'CH00001' AND end_date IS NULL ORDER BY 1 LIMIT 1`,
    )) as [{ n: string }];
    await gatewayQuery(stack, `query ($n: NhsNumber!) { resident(nhsNumber: $n) { allergies { status items { id } } } }`, { n }, nurse);
    expect(await eventsOf(nurse.userId)).toEqual([
      expect.objectContaining({ nhs_number: n, section: "RECORD", outcome: "DENIED", denial_code: "NO_CARE_RELATIONSHIP" }),
    ]);

    const paramedic = as(identities.paramedic, "urgent");
    await gatewayQuery(
      stack,
      `query ($n: NhsNumber!) { resident(nhsNumber: $n) { allergies { status items { id } } conditions { status items { id } } } }`,
      { n },
      paramedic,
    );
    const events = await eventsOf(paramedic.userId);
    expect(events.map((e) => [e.section, e.outcome, e.denial_code])).toEqual([
      ["ALLERGIES", "ALLOWED", null],
      ["CONDITIONS", "DENIED", "ROLE_NOT_PERMITTED"],
    ]);
  });

  it("marks break-glass access with its reason", async () => {
    const nurse = as(identities.nurse, "glass");
    const [{ n }] = (await stack.db.sql.query<{ n: string }>(
      `SELECT r.nhs_number AS n FROM residents.resident r JOIN residents.placement p USING (nhs_number) WHERE p.care_home_id = 'CH00001' AND p.end_date IS NULL AND r.sharing_objection LIMIT 1`,
    )) as [{ n: string }];
    await gatewayQuery(
      stack,
      `mutation ($n: NhsNumber!) { breakGlass(nhsNumber: $n, reason: "Fall with head injury; checking anticoagulants") { breakGlassSession { id } } }`,
      { n },
      nurse,
    );
    await gatewayQuery(stack, `query ($n: NhsNumber!) { resident(nhsNumber: $n) { medications { status items { id } } } }`, { n }, nurse);
    const rows = await stack.db.sql.query<{ purpose: string; break_glass_reason: string }>(
      `SELECT purpose::text, break_glass_reason FROM usage.access_event WHERE user_id = $1`,
      [nurse.userId],
    );
    expect(rows).toEqual([{ purpose: "BREAK_GLASS", break_glass_reason: "Fall with head injury; checking anticoagulants" }]);
  });

  it.each([
    ["UPDATE", `UPDATE usage.access_event SET outcome = 'ALLOWED'`],
    ["DELETE", `DELETE FROM usage.access_event`],
    ["TRUNCATE", `TRUNCATE usage.access_event`],
  ])("the store refuses %s", async (_op, sql) => {
    await expect(stack.db.sql.exec(sql)).rejects.toThrow(/append-only/);
  });
});

describe("usage analytics", () => {
  const today = new Date().toISOString().slice(0, 10);
  const REPORT = `query ($f: UsageFilter!) { usage(filter: $f) { totalViews uniqueUsers breakGlassCount deniedCount
    viewsBySection { key views } mostViewedSections(first: 3) { key views } viewsByOrgType { key views }
    viewsByOrganisation(first: 10) { key views } timeline(period: DAY) { start views uniqueUsers } } }`;

  it("gives analysts counts and never a patient identifier", async () => {
    await gatewayQuery(stack, `{ resident(nhsNumber: "9990000018") { allergies { status items { id } } } }`, {}, as(identities.nurse, "analytics"));
    const res = await gatewayQuery(stack, REPORT, { f: { from: today, to: today } }, identities.analyst);
    expect(res.errors).toBeUndefined();
    const u = res.data.usage;
    expect(u.totalViews).toBeGreaterThan(0);
    expect(u.uniqueUsers).toBeGreaterThan(0);
    expect(u.breakGlassCount).toBeGreaterThanOrEqual(0);
    expect(u.viewsBySection.map((c: { key: string }) => c.key)).toContain("ALLERGIES");
    expect(u.timeline.at(-1).start).toBe(today);
    expect(JSON.stringify(res.data)).not.toMatch(/\d{10}/);
  });

  it.each([
    ["care home nurse", identities.nurse],
    ["GP", identities.gp],
    ["privacy officer", identities.privacyOfficer],
  ])("refuses the %s", async (_l, who) => {
    const res = await gatewayQuery(stack, REPORT, { f: { from: today, to: today } }, who);
    expect(res.data?.usage ?? null).toBeNull();
    expect(res.errors?.[0]?.extensions?.code).toBe("ROLE_NOT_PERMITTED");
  });

  it("validates the range", async () => {
    const res = await gatewayQuery(stack, REPORT, { f: { from: "2026-01-10", to: "2026-01-01" } }, identities.analyst);
    expect(res.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });
});

describe("privacy officer audit queries", () => {
  const EVENTS = `query ($f: AccessEventFilter!) { accessEvents(filter: $f, first: 100) { edges { node { userId userRole orgType section outcome purpose nhsNumber denialCode } } pageInfo { hasNextPage } } }`;

  it("lists who viewed a resident's record, and nothing clinical", async () => {
    const viewer = as(identities.nurse, "po");
    const from = new Date(Date.now() - 60_000).toISOString();
    await gatewayQuery(
      stack,
      `{ resident(nhsNumber: "9990000018") { allergies { status items { display } } medications { status items { id } } } }`,
      {},
      viewer,
    );
    const to = new Date(Date.now() + 60_000).toISOString();
    const res = await gatewayQuery(stack, EVENTS, { f: { nhsNumber: "9990000018", from, to } }, identities.privacyOfficer);
    expect(res.errors).toBeUndefined();
    const mine = res.data.accessEvents.edges
      .map((e: { node: Record<string, string> }) => e.node)
      .filter((e: Record<string, string>) => e.userId === viewer.userId);
    expect(mine.map((e: Record<string, string>) => e.section).sort()).toEqual(["ALLERGIES", "MEDICATIONS"]);
    for (const e of mine)
      expect(e).toMatchObject({
        userRole: "CARE_HOME_NURSE",
        orgType: "CARE_HOME",
        outcome: "ALLOWED",
        purpose: "NORMAL",
        nhsNumber: "9990000018",
        denialCode: null,
      });
  });

  it.each([
    ["analyst", identities.analyst],
    ["GP", identities.gp],
    ["care home nurse", identities.nurse],
  ])("refuses the %s", async (_l, who) => {
    const res = await gatewayQuery(stack, EVENTS, { f: { from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z" } }, who);
    expect(res.data?.accessEvents ?? null).toBeNull();
    expect(res.errors?.[0]?.extensions?.code).toBe("ROLE_NOT_PERMITTED");
  });

  it("bounds an unfiltered range", async () => {
    const res = await gatewayQuery(stack, EVENTS, { f: { from: "2026-01-01T00:00:00Z", to: "2026-06-01T00:00:00Z" } }, identities.privacyOfficer);
    expect(res.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });
});

describe("stored text the schema's enums do not name", () => {
  // Rows as an older version or another writer might have stored them: the database keeps any text,
  // the API gives UNKNOWN for what its enums do not name, and no query fails on them.
  const userId = `audit-legacy-${runId}`;
  const orgCode = `Z${Date.now().toString(36).toUpperCase()}`.slice(0, 10); // one organisation of this run only
  const at = "2021-06-15T10:00:00.000Z";
  const day = "2021-06-15";
  beforeAll(async () => {
    const rows: [string, string, string, string, string | null][] = [
      // user_role, org_type, section, outcome, denial_code
      ["social_worker", "local_authority", "SOCIAL_CARE_NOTES", "ALLOWED", null],
      ["social_worker", "local_authority", "LEGACY_SUMMARY", "ALLOWED", null],
      ["care_home_nurse", "care_home", "ALLERGIES", "ALLOWED", null],
      ["care_home_nurse", "care_home", "ALLERGIES", "DENIED", "LEGACY_RULE"],
      ["care_home_nurse", "care_home", "MEDICATIONS", "UNAVAILABLE", "SOURCE_UNAVAILABLE"],
    ];
    for (const [i, [role, type, section, outcome, code]] of rows.entries())
      await stack.db.sql.query(
        `INSERT INTO usage.access_event (id, occurred_at, user_id, user_role, org_code, org_type, nhs_number, section, purpose, break_glass_reason, operation_hash, outcome, denial_code)
         VALUES ($1, $2, $3, $4, $5, $6, '9990000018', $7, 'NORMAL', NULL, 'legacy', $8::usage."AccessOutcome", $9)`,
        [`${userId}-${i}`, at, userId, role, orgCode, type, section, outcome, code],
      );
  });

  it("accessEvents: UNKNOWN role, organisation type, section and code; known text mapped (care_home_nurse is CARE_HOME_NURSE)", async () => {
    const res = await gatewayQuery(
      stack,
      `query ($f: AccessEventFilter!) { accessEvents(filter: $f) { edges { node { userRole orgType section outcome denialCode } } } }`,
      { f: { userId, from: "2021-06-01T00:00:00Z", to: "2021-06-30T00:00:00Z" } },
      identities.privacyOfficer,
    );
    expect(res.errors).toBeUndefined();
    const nodes = res.data.accessEvents.edges.map((e: { node: unknown }) => e.node);
    const sorted = (list: Record<string, unknown>[]) => list.map((n) => JSON.stringify(n)).sort();
    expect(sorted(nodes)).toEqual(
      sorted([
        { userRole: "UNKNOWN", orgType: "UNKNOWN", section: "UNKNOWN", outcome: "ALLOWED", denialCode: null },
        { userRole: "UNKNOWN", orgType: "UNKNOWN", section: "UNKNOWN", outcome: "ALLOWED", denialCode: null },
        { userRole: "CARE_HOME_NURSE", orgType: "CARE_HOME", section: "ALLERGIES", outcome: "ALLOWED", denialCode: null },
        { userRole: "CARE_HOME_NURSE", orgType: "CARE_HOME", section: "ALLERGIES", outcome: "DENIED", denialCode: "UNKNOWN" },
        { userRole: "CARE_HOME_NURSE", orgType: "CARE_HOME", section: "MEDICATIONS", outcome: "UNAVAILABLE", denialCode: "SOURCE_UNAVAILABLE" },
      ]),
    );
  });

  it("usage: unknown sections and organisation types are added up under UNKNOWN, and UNKNOWN filters to them", async () => {
    const REPORT = `query ($f: UsageFilter!) { usage(filter: $f) { totalViews viewsBySection { key views } mostViewedSections(first: 1) { key views }
      viewsByOrgType { key views } unknown: viewsByOrganisation(orgType: UNKNOWN) { key views } } }`;
    const all = await gatewayQuery(stack, REPORT, { f: { from: day, to: day, orgCode } }, identities.analyst);
    expect(all.errors).toBeUndefined();
    expect(all.data.usage).toEqual({
      totalViews: 3,
      viewsBySection: [
        { key: "UNKNOWN", views: 2 },
        { key: "ALLERGIES", views: 1 },
      ],
      mostViewedSections: [{ key: "UNKNOWN", views: 2 }],
      viewsByOrgType: [
        { key: "UNKNOWN", views: 2 },
        { key: "CARE_HOME", views: 1 },
      ],
      unknown: [{ key: orgCode, views: 2 }],
    });
    const only = async (orgType: string) =>
      (
        await gatewayQuery(
          stack,
          `query ($f: UsageFilter!) { usage(filter: $f) { totalViews } }`,
          { f: { from: day, to: day, orgCode, orgType } },
          identities.analyst,
        )
      ).data.usage.totalViews;
    expect([await only("UNKNOWN"), await only("CARE_HOME"), await only("GP_PRACTICE")]).toEqual([2, 1, 0]);
  });
});
