// Coarse scopes enforced by the gateway: every root field declares @requiresScopes, a role without
// the scope is refused the whole operation before any subgraph is called, a role with it reaches
// the subgraph (whose own rules then decide), and the refusal is in the audit trail.
import { readFileSync } from "node:fs";
import { Kind, parse, type ObjectTypeDefinitionNode } from "graphql";
import { Role, defaultOrgTypeForRole, type Identity } from "../platform/identity/identity.js";
import { ROLE_GROUP } from "../platform/access/policy.js";
import { SCOPES, scopesOf } from "../platform/access/actions.js";
import { queryStats } from "../platform/db/prisma.js";
import { rootScopes } from "../gateway/plugins/scopes.js";
import { gatewayQuery, startTestStack, type Stack } from "./support/stack.js";

const supergraphSdl = readFileSync(new URL("../schema/supergraph.graphql", import.meta.url), "utf8");
const supergraph = parse(supergraphSdl);
const rootFields = supergraph.definitions
  .filter((d): d is ObjectTypeDefinitionNode => d.kind === Kind.OBJECT_TYPE_DEFINITION && ["Query", "Mutation"].includes(d.name.value))
  .flatMap((t) => (t.fields ?? []).map((f) => ({ type: t.name.value, field: f })));
// The gateway's own reading of the directives (which also refuses any it would not enforce).
const declared = rootScopes(supergraphSdl);
const declaredScopes = (type: string, field: string) => declared.get(type)?.get(field) ?? null;

describe("the published schema", () => {
  it("declares the scopes of every root field, from the known set", () => {
    expect(rootFields.length).toBeGreaterThan(5);
    for (const { type, field } of rootFields) {
      const scopes = declaredScopes(type, field.name.value);
      expect([`${type}.${field.name.value}`, scopes && scopes.length > 0]).toEqual([`${type}.${field.name.value}`, true]);
      for (const s of scopes!.flat()) expect(SCOPES).toContain(s);
    }
  });
});

const ORG: Record<string, string> = {
  CARE_HOME: "CH00001",
  GP: "G00001",
  nhs111_clinician: "NHS111L",
  ooh_gp: "OOHL01",
  ambulance_clinician: "RRU",
  ed_clinician: "RJ1",
  analyst: "QKK",
  privacy_officer: "CRO01",
  administrator: "CRO01",
};
const identityOf = (role: Role): Identity => ({
  userId: `scopes-${role}-${process.pid}`,
  name: `Scopes ${role}`,
  role,
  orgCode: ORG[ROLE_GROUP[role]] ?? ORG[role]!,
  orgType: defaultOrgTypeForRole[role],
  trainingCompletedAt: "2025-01-15",
});

let stack: Stack;
let elsewhere: string; // a resident of another home and practice: allowed roles reach the subgraph, which refuses or reads only
beforeAll(async () => {
  stack = await startTestStack();
  elsewhere = (
    await stack.db.sql.query<{ n: string }>(
      `SELECT r.nhs_number AS n FROM residents.resident r JOIN residents.placement p ON p.nhs_number = r.nhs_number AND p.end_date IS NULL
      WHERE p.care_home_id = 'CH00002' AND r.gp_practice_code <> 'G00001' ORDER BY 1 LIMIT 1`,
    )
  )[0]!.n;
});
afterAll(() => {
  queryStats.onStatement = null;
  return stack.close();
});

// One operation per root field. None changes data for a caller who passes the scope check: the
// subgraph refuses (another home's resident, unknown id) or answers a user error (short reason, no open review).
const OPERATIONS: Record<string, () => { query: string; variables?: Record<string, unknown> }> = {
  resident: () => ({ query: `query ($n: NhsNumber!) { resident(nhsNumber: $n) { nhsNumber } }`, variables: { n: elsewhere } }),
  careHome: () => ({ query: `{ careHome(id: "CH00002") { id } }` }),
  breakGlassSessions: () => ({ query: `{ breakGlassSessions(reviewed: false, first: 1) { edges { node { id } } } }` }),
  usage: () => ({ query: `{ usage(filter: { from: "2026-01-01", to: "2026-01-02" }) { totalViews } }` }),
  accessEvents: () => ({ query: `{ accessEvents(filter: { from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z" }, first: 1) { edges { node { id } } } }` }),
  breakGlass: () => ({
    query: `mutation ($n: NhsNumber!) { breakGlass(nhsNumber: $n, reason: "short") { breakGlassSession { id } userErrors { code } } }`,
    variables: { n: elsewhere },
  }),
  closeBreakGlassReview: () => ({
    query: `mutation { closeBreakGlassReview(id: "no-such-session", note: "scope test") { breakGlassSession { id } userErrors { code } } }`,
  }),
  quarantinedEntries: () => ({ query: `{ quarantinedEntries(first: 1) { edges { node { id } } } }` }),
  matchQuarantined: () => ({
    query: `mutation ($n: NhsNumber!) { matchQuarantined(id: "QE-nosuchgroup", nhsNumber: $n, note: "scope test") { quarantinedGroup { id } userErrors { code } } }`,
    variables: { n: elsewhere },
  }),
  rejectQuarantined: () => ({
    query: `mutation { rejectQuarantined(id: "QE-nosuchgroup", note: "scope test") { quarantinedGroup { id } userErrors { code } } }`,
  }),
  submitCarePlanQuestionnaire: () => ({
    query: `mutation ($n: NhsNumber!) { submitCarePlanQuestionnaire(nhsNumber: $n, input: { whatMattersToMe: "x", concerns: [], goals: [], preferredPlaceOfCare: CARE_HOME, preferredPlaceOfDeath: CARE_HOME }) { carePlan { id } } }`,
    variables: { n: elsewhere },
  }),
  addCarePlanClinicalDetail: () => ({
    query: `mutation { addCarePlanClinicalDetail(id: "CP-none-1", input: { diagnoses: [], keyMedications: [], emergencyPlan: "x", cprDecision: NOT_RECORDED, ceilingOfTreatment: NOT_STATED }) { carePlan { id } } }`,
  }),
  markSeen: () => ({
    query: `mutation ($n: NhsNumber!) { markSeen(input: { nhsNumber: $n, sections: [CARE_PLAN] }) { markedAt } }`,
    variables: { n: elsewhere },
  }),
  approveCarePlan: () => ({ query: `mutation { approveCarePlan(id: "CP-none-1", reviewDate: "2030-01-01") { carePlan { id } } }` }),
};

const cases = rootFields.flatMap(({ type, field }) => Role.options.map((role) => [field.name.value, role, declaredScopes(type, field.name.value)!] as const));

describe("scopes at the gateway", () => {
  it("has an operation for every root field", () => {
    expect(Object.keys(OPERATIONS).sort()).toEqual(rootFields.map((r) => r.field.name.value).sort());
  });

  it.each(cases)("%s as %s", async (field, role, required) => {
    const allowed = required.some((set) => set.every((s) => (scopesOf(role) as string[]).includes(s)));
    const { query, variables } = OPERATIONS[field]!();
    const statements: string[] = [];
    queryStats.onStatement = (sql) => statements.push(sql);
    const res = await gatewayQuery(stack, query, variables, identityOf(role));
    queryStats.onStatement = null;
    if (allowed) {
      // Reached the subgraph: the operation ran and data has the field (value or refusal null).
      expect(res.data).not.toBeNull();
      expect(res.data).toHaveProperty(field);
    } else {
      expect(res.data ?? null).toBeNull();
      expect(res.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[[field], "ROLE_NOT_PERMITTED"]]);
      // No subgraph decided anything: the residents subgraph reads the organisation registry for every decision.
      expect(statements.filter((s) => s.includes('"organisation"'))).toEqual([]);
    }
  });

  it("refuses the whole operation when any root field is out of scope", async () => {
    const res = await gatewayQuery(
      stack,
      `query ($n: NhsNumber!) { usage(filter: { from: "2026-01-01", to: "2026-01-02" }) { totalViews } resident(nhsNumber: $n) { nhsNumber } }`,
      { n: elsewhere },
      identityOf("analyst"),
    );
    expect(res.data ?? null).toBeNull();
    expect(res.errors?.map((e) => e.extensions?.code)).toEqual(["ROLE_NOT_PERMITTED"]);
  });

  it("records a refused look-up of a resident in the audit trail", async () => {
    const who = { ...identityOf("analyst"), userId: `scopes-audit-${process.pid}-${Date.now()}` };
    await gatewayQuery(stack, `query ($n: NhsNumber!) { resident(nhsNumber: $n) { nhsNumber name { family } } }`, { n: elsewhere }, who);
    const events = await stack.db.sql.query(`SELECT nhs_number, section, outcome, denial_code FROM usage.access_event WHERE user_id = $1`, [who.userId]);
    expect(events).toEqual([{ nhs_number: elsewhere, section: "RECORD", outcome: "DENIED", denial_code: "ROLE_NOT_PERMITTED" }]);
  });
});
