// The matrix: every role x every resident section x situation (own resident, another home's or
// practice's resident, a resident who objected), through the running gateway. Expectations come
// from docs/access-policy.md, not from the code under test.
import { readFileSync } from "node:fs";
import { Role, defaultOrgTypeForRole, type Identity } from "../subgraphs/kernel/identity.js";
import { RESIDENT_FIELD_SECTIONS } from "../subgraphs/kernel/access/sections.js";
import { gatewayQuery, startTestStack, type Stack } from "./support/stack.js";

const doc = readFileSync(new URL("../docs/access-policy.md", import.meta.url), "utf8");
const rowsOf = (heading: string) => {
  const lines = doc.slice(doc.indexOf(`| ${heading} |`)).split("\n");
  const header = lines[0]!.split("|").slice(1, -1).map((c) => c.trim());
  const rows = lines.slice(2).filter((l, i, all) => all.slice(0, i + 1).every((x) => x.startsWith("|"))).map((l) => l.split("|").slice(1, -1).map((c) => c.trim()));
  return { header, rows };
};
const groupOfRole = Object.fromEntries(rowsOf("role").rows.map(([r, g]) => [r, g]));
const matrix = (() => {
  const { header, rows } = rowsOf("section");
  return Object.fromEntries(header.slice(1).map((g, i) => [g, Object.fromEntries(rows.map((r) => [r[0], r[i + 1]]))])) as Record<string, Record<string, string>>;
})();
const restrictedFor = doc.match(/are shown only to: ([A-Z_, ]+)\./)![1]!.split(", ");

const ORG: Record<string, string> = { nhs111_clinician: "NHS111L", ooh_gp: "OOHL01", ambulance_clinician: "RRU", ed_clinician: "RJ1", analyst: "QKK", privacy_officer: "CRO01", administrator: "CRO01" };
const FIELDS = Object.entries(RESIDENT_FIELD_SECTIONS).filter(([, s]) => s !== null) as [string, string][];
const SELECTION: Record<string, string> = {
  name: "name { family }", gpPractice: "gpPractice { odsCode }", currentPlacement: "currentPlacement { id }", sharingObjection: "sharingObjection { objected }",
  provenance: "provenance { sourceSystem }", placements: "placements { id }", allergies: "allergies { id }", conditions: "conditions { id }",
  dischargeSummaries: "dischargeSummaries { edges { node { id } } }", currentHospitalStay: "currentHospitalStay { id }",
  hospitalStays: "hospitalStays { edges { node { id } } }", emergencyCareSummaries: "emergencyCareSummaries { edges { node { id } } }",
  diagnosticReports: "diagnosticReports { edges { node { id } } }", medications: "medications { id }", carePlan: "carePlan { id status }",
  carePlanHistory: "carePlanHistory { id status }",
};
const VIEW = `query ($n: NhsNumber!) { resident(nhsNumber: $n) { nhsNumber ${FIELDS.map(([f]) => SELECTION[f] ?? f).join(" ")} } }`;

let stack: Stack;
const people: Record<"own" | "elsewhere" | "objected", { nhs: string; home: string; practice: string }> = {} as never;
beforeAll(async () => {
  stack = await startTestStack();
  const pick = async (where: string) =>
    (await stack.db.sql.query<{ nhs: string; home: string; practice: string }>(
      `SELECT r.nhs_number AS nhs, p.care_home_id AS home, r.gp_practice_code AS practice FROM residents.resident r
         JOIN residents.placement p ON p.nhs_number = r.nhs_number AND p.end_date IS NULL WHERE ${where} ORDER BY 1 LIMIT 1`))[0]!;
  people.own = await pick(`p.care_home_id = 'CH00001' AND NOT r.sharing_objection AND EXISTS (SELECT 1 FROM residents.condition c WHERE c.nhs_number = r.nhs_number AND c.restricted_category IS NOT NULL)`);
  people.elsewhere = await pick(`p.care_home_id = 'CH00002' AND NOT r.sharing_objection AND r.gp_practice_code <> '${people.own.practice}'`);
  people.objected = await pick(`p.care_home_id = 'CH00001' AND r.sharing_objection`);
});
afterAll(() => stack.close());

/**
 * The caller for a role: care home staff of CH00001; for the GP, the practice of the resident in
 * question, except "elsewhere", where it is the own resident's practice (which that resident is not
 * registered with).
 */
function identityFor(role: Role, situation: keyof typeof people): Identity {
  const practice = situation === "elsewhere" ? people.own.practice : people[situation].practice;
  const orgCode = groupOfRole[role] === "CARE_HOME" ? "CH00001" : groupOfRole[role] === "GP" ? practice : ORG[role]!;
  return { userId: `matrix-${role}`, name: `Matrix ${role}`, role, orgCode, orgType: defaultOrgTypeForRole[role], trainingCompletedAt: "2025-01-15" };
}

function expected(role: Role, situation: keyof typeof people): { record: string | null; fields: Record<string, string | null> } {
  const group = groupOfRole[role]!;
  const sections = matrix[group]!;
  if (Object.values(sections).every((a) => a === "NONE")) return { record: "ROLE_NOT_PERMITTED", fields: {} };
  if (situation === "elsewhere" && (group === "CARE_HOME" || group === "GP")) return { record: "NO_CARE_RELATIONSHIP", fields: {} };
  if (situation === "objected") return { record: "SHARING_OBJECTION", fields: {} };
  return { record: null, fields: Object.fromEntries(FIELDS.map(([f, s]) => [f, sections[s] === "NONE" ? "ROLE_NOT_PERMITTED" : null])) };
}

const cases = Role.options.flatMap((role) => (["own", "elsewhere", "objected"] as const).map((situation) => [role, situation] as const));

describe("access matrix", () => {
  it.each(cases)("%s, %s resident", async (role, situation) => {
    const res = await gatewayQuery(stack, VIEW, { n: people[situation].nhs }, identityFor(role, situation));
    const want = expected(role, situation);
    const codeAt = (field?: string) => res.errors?.find((e) => (field ? e.path?.[1] === field : e.path?.length === 1))?.extensions?.code ?? null;
    if (want.record) {
      expect(res.data?.resident ?? null).toBeNull();
      expect(codeAt()).toBe(want.record);
      return;
    }
    const r = res.data.resident;
    for (const [field, code] of Object.entries(want.fields)) {
      expect({ field, code: codeAt(field) }).toEqual({ field, code });
      if (code) expect(r[field]).toBeNull();
    }
    // Restricted history only for the groups the policy names; urgent care sees approved plans only.
    if (r.conditions) {
      const restricted = await stack.db.sql.query<{ id: string }>(`SELECT id FROM residents.condition WHERE nhs_number = $1 AND restricted_category IS NOT NULL`, [people.own.nhs]);
      const shown = new Set(r.conditions.map((c: { id: string }) => c.id));
      for (const x of restricted) expect(shown.has(x.id)).toBe(restrictedFor.includes(groupOfRole[role]!));
    }
    if (r.carePlan) expect(r.carePlan.status).toBe("APPROVED");
  });
});
