// The caller's preconditions hold for every root field of every subgraph. The root fields are read
// from the published supergraph, so a new query or mutation cannot escape this test; each is asked
// (under an alias, with variables) by a role that holds its scope, acting for an organisation that
// is unknown, fails DSPT, has no sharing agreement, or by a user who is untrained or whose training
// date lies in the future. Every one must be refused with the precondition's code and no data.
import { readFileSync } from "node:fs";
import { Kind, parse, type ObjectTypeDefinitionNode } from "graphql";
import type { Identity } from "../platform/identity/identity.js";
import { NON_COMPLIANT_HOMES, NON_COMPLIANT_ORGANISATIONS } from "../subgraphs/residents/seed.js";
import { gatewayQuery, identities, startTestStack, type Stack } from "./support/stack.js";

const supergraph = parse(readFileSync(new URL("../schema/supergraph.graphql", import.meta.url), "utf8"));
const rootFields = supergraph.definitions
  .filter((d): d is ObjectTypeDefinitionNode => d.kind === Kind.OBJECT_TYPE_DEFINITION && ["Query", "Mutation"].includes(d.name.value))
  .flatMap((t) => (t.fields ?? []).map((f) => f.name.value));

let stack: Stack;
let own: string; // a resident of CH00001: with the preconditions met, the nurse could read it
let elsewhere: string; // a resident of CH00002
beforeAll(async () => {
  stack = await startTestStack();
  own = (
    await stack.db.sql.query<{ n: string }>(
      `SELECT r.nhs_number AS n FROM residents.resident r JOIN residents.placement p ON p.nhs_number = r.nhs_number AND p.end_date IS NULL
      WHERE p.care_home_id = 'CH00001' AND NOT r.sharing_objection ORDER BY 1 LIMIT 1`,
    )
  )[0]!.n;
  elsewhere = (
    await stack.db.sql.query<{ n: string }>(
      `SELECT nhs_number AS n FROM residents.placement WHERE care_home_id = 'CH00002' AND end_date IS NULL ORDER BY 1 LIMIT 1`,
    )
  )[0]!.n;
});
afterAll(() => stack.close());

/** The test identities, and the record operator's administrator (the FHIR quarantine). */
const identitiesOf = {
  ...identities,
  administrator: {
    userId: "t-administrator",
    name: "Test Administrator",
    role: "administrator",
    orgCode: "CRO01",
    orgType: "record_operator",
    trainingCompletedAt: "2025-01-15",
  },
} satisfies Record<string, Identity>;

type Group = "nurse" | "gp" | "analyst" | "privacyOfficer" | "administrator";
/** Per root field: who may ask it (holds the scope), and an operation whose result sits under the alias `x`. */
const OPERATIONS: Record<string, { who: Group; query: string; variables?: () => Record<string, unknown> }> = {
  resident: { who: "nurse", query: `query ($n: NhsNumber!) { x: resident(nhsNumber: $n) { nhsNumber name { family } } }`, variables: () => ({ n: own }) },
  careHome: { who: "nurse", query: `query ($id: ID!) { x: careHome(id: $id) { id name } }`, variables: () => ({ id: "CH00001" }) },
  breakGlassSessions: {
    who: "privacyOfficer",
    query: `query ($f: Int) { x: breakGlassSessions(first: $f) { edges { node { id nhsNumber reason } } } }`,
    variables: () => ({ f: 100 }),
  },
  accessEvents: {
    who: "privacyOfficer",
    query: `query ($filter: AccessEventFilter!) { x: accessEvents(filter: $filter, first: 100) { edges { node { ...E } } } } fragment E on AccessEvent { id }`,
    variables: () => ({ filter: { from: "2000-01-01T00:00:00Z", to: "2100-01-01T00:00:00Z" } }),
  },
  usage: {
    who: "analyst",
    query: `query ($from: Date!, $to: Date!) { x: usage(filter: { from: $from, to: $to }) { totalViews } }`,
    variables: () => ({ from: "2000-01-01", to: "2100-01-01" }),
  },
  breakGlass: {
    who: "nurse",
    query: `mutation ($n: NhsNumber!, $r: String!) { x: breakGlass(nhsNumber: $n, reason: $r) { breakGlassSession { id } userErrors { code } } }`,
    variables: () => ({ n: own, r: "Resident collapsed, need the record now" }),
  },
  quarantinedEntries: {
    who: "administrator",
    query: `query ($f: Int) { x: quarantinedEntries(first: $f) { edges { node { id reason sent { nhsNumber } } } } }`,
    variables: () => ({ f: 100 }),
  },
  matchQuarantined: {
    who: "administrator",
    query: `mutation ($id: ID!, $n: NhsNumber!) { x: matchQuarantined(id: $id, nhsNumber: $n, note: "checked") { quarantinedGroup { id } userErrors { code } } }`,
    variables: () => ({ id: "QE-nosuchgroup", n: own }),
  },
  rejectQuarantined: {
    who: "administrator",
    query: `mutation ($id: ID!) { x: rejectQuarantined(id: $id, note: "not ours") { quarantinedGroup { id } userErrors { code } } }`,
    variables: () => ({ id: "QE-nosuchgroup" }),
  },
  closeBreakGlassReview: {
    who: "privacyOfficer",
    query: `mutation ($id: ID!) { x: closeBreakGlassReview(id: $id, note: "ok") { breakGlassSession { id } userErrors { code } } }`,
    variables: () => ({ id: "no-such-session" }),
  },
  submitCarePlanQuestionnaire: {
    who: "nurse",
    query: `mutation ($n: NhsNumber!) { x: submitCarePlanQuestionnaire(nhsNumber: $n, input: { whatMattersToMe: "x", concerns: [], goals: [], preferredPlaceOfCare: CARE_HOME, preferredPlaceOfDeath: CARE_HOME }) { carePlan { id } userErrors { code } } }`,
    variables: () => ({ n: own }),
  },
  addCarePlanClinicalDetail: {
    who: "gp",
    query: `mutation ($id: ID!) { x: addCarePlanClinicalDetail(id: $id, input: { diagnoses: [], keyMedications: [], emergencyPlan: "x", cprDecision: DNACPR, ceilingOfTreatment: NOT_STATED }) { carePlan { id } userErrors { code } } }`,
    variables: () => ({ id: "CP-none-1" }),
  },
  markSeen: {
    who: "nurse",
    query: `mutation ($n: NhsNumber!) { x: markSeen(input: { nhsNumber: $n, sections: [CARE_PLAN] }) { markedAt userErrors { code } } }`,
    variables: () => ({ n: elsewhere }),
  },
  approveCarePlan: {
    who: "gp",
    query: `mutation ($id: ID!) { x: approveCarePlan(id: $id, reviewDate: "2030-01-01") { carePlan { id } userErrors { code } } }`,
    variables: () => ({ id: "CP-none-1" }),
  },
};

const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
/** Failing variants of a base identity; organisations that fail DSPT or the agreement exist for some groups only. */
function failing(who: Group): [string, Identity, string][] {
  const base = identitiesOf[who] as Identity;
  const unknownOrg = { nurse: "CH77777", gp: "G77777", analyst: "QKK77", privacyOfficer: "CRO77", administrator: "CRO77" }[who];
  const out: [string, Identity, string][] = [
    ["an unregistered organisation", { ...base, orgCode: unknownOrg }, "ORG_NOT_REGISTERED"],
    ["no training", { ...base, trainingCompletedAt: null }, "TRAINING_NOT_COMPLETED"],
    ["a training date tomorrow", { ...base, trainingCompletedAt: tomorrow }, "TRAINING_NOT_COMPLETED"],
    ["a training date years ahead", { ...base, trainingCompletedAt: "2999-12-31" }, "TRAINING_NOT_COMPLETED"],
  ];
  if (who === "nurse")
    out.push(
      ["a home below DSPT", { ...base, orgCode: NON_COMPLIANT_HOMES.dsptNotMet }, "ORG_DSPT_NOT_MET"],
      ["a home without the agreement", { ...base, orgCode: NON_COMPLIANT_HOMES.noSharingAgreement }, "ORG_SHARING_AGREEMENT_MISSING"],
    );
  if (who === "privacyOfficer" || who === "administrator")
    out.push(["a record operator below DSPT", { ...base, orgCode: NON_COMPLIANT_ORGANISATIONS.operatorDsptNotMet }, "ORG_DSPT_NOT_MET"]);
  if (who === "analyst")
    out.push(["an ICB without the agreement", { ...base, orgCode: NON_COMPLIANT_ORGANISATIONS.icbNoSharingAgreement }, "ORG_SHARING_AGREEMENT_MISSING"]);
  // Decision: the registry decides the organisation's type; a token claiming another type is refused.
  if (who === "gp") out.push(["a GP token claiming a care home is a practice", { ...base, orgCode: "CH00001", orgType: "gp_practice" }, "ROLE_NOT_PERMITTED"]);
  return out;
}

describe("preconditions on every root field", () => {
  it("has an operation for every root field of the published schema", () => {
    expect(Object.keys(OPERATIONS).sort()).toEqual([...rootFields].sort());
  });

  const cases = Object.entries(OPERATIONS).flatMap(([field, op]) =>
    failing(op.who).map(([label, identity, code]) => [field, label, identity, code, op] as const),
  );
  it.each(cases)("%s refused to %s", async (_field, _label, identity, code, op) => {
    const res = await gatewayQuery(stack, op.query, op.variables?.() ?? {}, identity);
    expect(res.data?.x ?? null).toBeNull();
    expect(res.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[["x"], code]]);
  });

  it("the same operations pass the preconditions for compliant callers (the refusals above are not the field's own)", async () => {
    // Writes that would succeed are made to fail on their own rules instead (a short reason: a user error; another home's resident).
    const harmless: Record<string, Record<string, unknown>> = { breakGlass: { n: own, r: "short" }, submitCarePlanQuestionnaire: { n: elsewhere } };
    for (const [field, op] of Object.entries(OPERATIONS)) {
      const res = await gatewayQuery(stack, op.query, harmless[field] ?? op.variables?.() ?? {}, identitiesOf[op.who] as Identity);
      const codes = (res.errors ?? []).map((e) => e.extensions?.code);
      for (const code of ["ORG_NOT_REGISTERED", "ORG_DSPT_NOT_MET", "ORG_SHARING_AGREEMENT_MISSING", "TRAINING_NOT_COMPLETED"])
        expect([field, codes.includes(code)]).toEqual([field, false]);
    }
  });
});
