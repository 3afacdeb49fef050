// One query through the gateway returns a resident's whole record, and every section matches the
// rows in PostgreSQL: the right resident's data, in the documented order, nothing missing.
import { NO_KNOWN_ALLERGY } from "../subgraphs/residents/allergy-codes.js";
import type { Database } from "../platform/db/database.js";
import { fullSelection } from "./support/selection.js";
import { gatewayQuery, gpAt, startTestStack, type Stack } from "./support/stack.js";

let stack: Stack;
let db: Database;
beforeAll(async () => {
  stack = await startTestStack();
  db = stack.db;
});
afterAll(() => stack.close());

const VIEW = `query View($nhs: NhsNumber!) { resident(nhsNumber: $nhs) { ${fullSelection("Resident", ["CareHome", "GpPractice"])} } }`;
const sql = <T = Record<string, unknown>>(text: string, params: unknown[] = []) => db.sql.query<T>(text, params);
const ids = (rows: { id: string }[]) => rows.map((r) => r.id);
/** The nodes of a paged section's page (ADR 0005), whose status says whether there are any. */
const nodes = <T>(section: { status: string; page: { edges: { node: T }[] } }) => {
  expect(section.status).toBe(section.page.edges.length ? "PRESENT" : "NOT_RECORDED");
  return section.page.edges.map((e) => e.node);
};
/** The record an `item` section holds (null for NOT_RECORDED), its status checked against it. */
const itemOf = <T>(section: { status: string; item: T | null }) => {
  expect(section.status).toBe(section.item ? "PRESENT" : "NOT_RECORDED");
  return section.item;
};
/** The entries of a list section (`items`), its status checked against them. */
const itemsOf = <T>(section: { status: string; items: T[] }) => {
  expect(section.status).toBe(section.items.length ? "PRESENT" : "NOT_RECORDED");
  return section.items;
};

const notObjected = `nhs_number IN (SELECT nhs_number FROM residents.resident WHERE NOT sharing_objection)`;
/** The resident's own GP: sees every section, restricted history included. */
const gpOf = async (nhs: string) => gpAt((await sql<{ p: string }>(`SELECT gp_practice_code AS p FROM residents.resident WHERE nhs_number = $1`, [nhs]))[0]!.p);

async function residentsToCheck(): Promise<string[]> {
  // A spread of situations: an inpatient, one with several care plan versions, one with an
  // abnormal result, one who moved homes, and the first resident of the first home.
  const picks = await Promise.all([
    sql<{ n: string }>(`SELECT nhs_number AS n FROM discharge.hospital_stay WHERE status = 'IN_PROGRESS' AND ${notObjected} ORDER BY 1 LIMIT 1`),
    sql<{ n: string }>(`SELECT nhs_number AS n FROM careplans.care_plan WHERE ${notObjected} GROUP BY 1 HAVING count(*) >= 3 ORDER BY 1 LIMIT 1`),
    sql<{ n: string }>(`SELECT nhs_number AS n FROM labs.diagnostic_report WHERE abnormal AND ${notObjected} ORDER BY 1 LIMIT 1`),
    sql<{ n: string }>(`SELECT nhs_number AS n FROM residents.placement WHERE end_date IS NOT NULL AND ${notObjected} ORDER BY 1 LIMIT 1`),
    sql<{ n: string }>(`SELECT nhs_number AS n FROM residents.condition WHERE restricted_category IS NOT NULL AND ${notObjected} ORDER BY 1 LIMIT 1`),
  ]);
  return [...new Set(picks.map((rows) => rows[0]?.n).filter((n): n is string => Boolean(n)))];
}

describe("full resident view through the gateway", () => {
  it("covers at least four distinct situations", async () => {
    expect((await residentsToCheck()).length).toBeGreaterThanOrEqual(4);
  });

  it("matches the database section by section", async () => {
    for (const nhs of await residentsToCheck()) {
      const res = await gatewayQuery(stack, VIEW, { nhs }, await gpOf(nhs));
      expect(res.errors).toBeUndefined();
      const r = res.data.resident;
      expect(r.nhsNumber).toBe(nhs);

      const [person] = await sql<{
        given_name: string;
        family_name: string;
        date_of_birth: Date;
        sex: string;
        gp_practice_code: string;
        sharing_objection: boolean;
      }>(`SELECT * FROM residents.resident WHERE nhs_number = $1`, [nhs]);
      expect({ name: r.name, dob: r.dateOfBirth, sex: r.sex, gp: r.gpPractice.odsCode, objected: r.sharingObjection.objected }).toEqual({
        name: { given: person!.given_name, family: person!.family_name },
        dob: person!.date_of_birth.toISOString().slice(0, 10),
        sex: person!.sex,
        gp: person!.gp_practice_code,
        objected: person!.sharing_objection,
      });

      const placements = await sql<{ id: string; care_home_id: string; end_date: Date | null }>(
        `SELECT id, care_home_id, end_date FROM residents.placement WHERE nhs_number = $1 ORDER BY start_date DESC, id`,
        [nhs],
      );
      expect(ids(itemsOf(r.placements))).toEqual(ids(placements));
      expect(itemOf<{ careHome: { id: string } }>(r.currentPlacement)?.careHome.id ?? null).toBe(
        placements.find((p) => p.end_date === null)?.care_home_id ?? null,
      );

      const allergyRows = await sql<{ id: string; code: string; display: string; criticality: string }>(
        `SELECT id, code, display, criticality FROM residents.allergy WHERE nhs_number = $1 ORDER BY recorded_at DESC, id`,
        [nhs],
      );
      // The GP's coded "no known allergy" is the section's status, never an entry (ADR 0005).
      const allergies = allergyRows.filter((a) => a.code !== NO_KNOWN_ALLERGY);
      expect(r.allergies.items.map((a: { id: string; display: string; criticality: string }) => [a.id, a.display, a.criticality])).toEqual(
        allergies.map((a) => [a.id, a.display, a.criticality]),
      );
      expect(r.allergies.status).toBe(allergies.length ? "PRESENT" : allergyRows.length ? "NONE_KNOWN" : "NOT_RECORDED");

      const conditions = await sql<{ id: string }>(`SELECT id FROM residents.condition WHERE nhs_number = $1 ORDER BY recorded_at DESC, id`, [nhs]);
      expect(ids(r.conditions.items)).toEqual(ids(conditions));
      expect(r.conditions.status).toBe(conditions.length ? "PRESENT" : "NOT_RECORDED");

      const summaries = await sql<{ id: string; planned_actions: { forWhom: string }[] }>(
        `SELECT id, planned_actions FROM discharge.discharge_summary WHERE nhs_number = $1 ORDER BY discharged_at DESC, id LIMIT 10`,
        [nhs],
      );
      expect(ids(nodes(r.dischargeSummaries))).toEqual(ids(summaries));
      // Who each action is for: the hospital's text as sent, and its PlannedActionRecipient (the demo's HOSPITAL_CLINIC is HOSPITAL).
      type Action = { forWhom: string; forWhomText: string };
      expect(nodes<{ plannedActions: Action[] }>(r.dischargeSummaries).map((s) => s.plannedActions.map((a) => [a.forWhomText, a.forWhom]))).toEqual(
        summaries.map((s) => s.planned_actions.map((a) => [a.forWhom, a.forWhom === "HOSPITAL_CLINIC" ? "HOSPITAL" : a.forWhom])),
      );

      const [current] = await sql<{ id: string }>(`SELECT id FROM discharge.hospital_stay WHERE nhs_number = $1 AND status = 'IN_PROGRESS'`, [nhs]);
      expect(itemOf<{ id: string }>(r.currentHospitalStay)?.id ?? null).toBe(current?.id ?? null);
      const stays = await sql<{ id: string }>(`SELECT id FROM discharge.hospital_stay WHERE nhs_number = $1 ORDER BY admitted_at DESC, id LIMIT 10`, [nhs]);
      expect(ids(nodes(r.hospitalStays))).toEqual(ids(stays));
      const emergencies = await sql<{ id: string }>(
        `SELECT id FROM discharge.emergency_care_summary WHERE nhs_number = $1 ORDER BY occurred_at DESC, id LIMIT 10`,
        [nhs],
      );
      expect(ids(nodes(r.emergencyCareSummaries))).toEqual(ids(emergencies));

      const reports = await sql<{ id: string; abnormal: boolean; observations: number }>(
        `SELECT d.id, d.abnormal, (SELECT count(*)::int FROM labs.observation o WHERE o.report_id = d.id) AS observations
           FROM labs.diagnostic_report d WHERE nhs_number = $1 ORDER BY issued_at DESC, id LIMIT 10`,
        [nhs],
      );
      expect(
        nodes<{ id: string; abnormal: boolean; observations: unknown[] }>(r.diagnosticReports).map((d) => [d.id, d.abnormal, d.observations.length]),
      ).toEqual(reports.map((d) => [d.id, d.abnormal, d.observations]));

      const meds = await sql<{ id: string; eps: string | null; dispenses: number }>(
        `SELECT m.id,
                (SELECT p.status::text FROM medications.eps_prescription p WHERE p.request_id = m.id ORDER BY issued_at DESC, p.id DESC LIMIT 1) AS eps,
                (SELECT count(*)::int FROM medications.medication_dispense d WHERE d.request_id = m.id) AS dispenses
           FROM medications.medication_request m WHERE nhs_number = $1 AND status IN ('ACTIVE', 'ON_HOLD')
          ORDER BY medication_name, authored_on DESC, id`,
        [nhs],
      );
      expect(
        r.medications.items.map((m: { id: string; dispensing: { epsStatus: string } | null; dispenses: unknown[] }) => [
          m.id,
          m.dispensing?.epsStatus ?? null,
          m.dispenses.length,
        ]),
      ).toEqual(meds.map((m) => [m.id, m.eps, m.dispenses]));
      expect(r.medications.status).toBe(meds.length ? "PRESENT" : "NOT_RECORDED");

      const plans = await sql<{ id: string; status: string }>(`SELECT id, status FROM careplans.care_plan WHERE nhs_number = $1 ORDER BY version DESC`, [nhs]);
      expect(ids(itemsOf(r.carePlanHistory))).toEqual(ids(plans));
      expect(itemOf<{ id: string }>(r.carePlan)?.id ?? null).toBe(plans.find((p) => p.status === "APPROVED")?.id ?? null);

      // Every clinical item says where it came from.
      for (const item of [...r.allergies.items, ...r.conditions.items, ...nodes(r.diagnosticReports), ...r.medications.items, ...r.carePlanHistory.items])
        expect((item as { provenance: { sourceSystem: string } }).provenance.sourceSystem).toEqual(expect.any(String));
    }
  });

  it("returns only the asked-for resident's rows in every section", async () => {
    const [a, b] = (
      await sql<{ n: string }>(`SELECT nhs_number AS n FROM residents.resident WHERE gp_practice_code = 'G00001' AND NOT sharing_objection ORDER BY 1 LIMIT 2`)
    ).map((r) => r.n);
    const res = await gatewayQuery(
      stack,
      `query ($a: NhsNumber!, $b: NhsNumber!) {
      a: resident(nhsNumber: $a) { diagnosticReports(first: 100) { status page { edges { node { id } } } } medications(status: [ACTIVE, ON_HOLD, STOPPED, COMPLETED]) { status items { id } } carePlanHistory { status items { id } } }
      b: resident(nhsNumber: $b) { diagnosticReports(first: 100) { status page { edges { node { id } } } } medications(status: [ACTIVE, ON_HOLD, STOPPED, COMPLETED]) { status items { id } } carePlanHistory { status items { id } } } }`,
      { a, b },
      gpAt("G00001"),
    );
    expect(res.errors).toBeUndefined();
    for (const [alias, nhs] of [
      ["a", a],
      ["b", b],
    ] as const) {
      const view = res.data[alias];
      const ids = (items: { id: string }[]) => items.map((x) => x.id).sort();
      // Whose each row is, from the store (ids are opaque: they do not say).
      const owned = async (table: string, statuses = "") =>
        (await sql<{ id: string }>(`SELECT id FROM ${table} WHERE nhs_number = $1 ${statuses} ORDER BY id`, [nhs])).map((r) => r.id).sort();
      expect(ids(nodes<{ id: string }>(view.diagnosticReports))).toEqual(await owned("labs.diagnostic_report"));
      expect(ids(view.medications.items)).toEqual(await owned("medications.medication_request", "AND status IN ('ACTIVE', 'ON_HOLD', 'STOPPED', 'COMPLETED')"));
      expect(ids(view.carePlanHistory.items)).toEqual(await owned("careplans.care_plan"));
    }
  });

  it("filters medicines by status and defaults to the current list", async () => {
    const [{ n }] = (await sql<{ n: string }>(
      `SELECT nhs_number AS n FROM medications.medication_request WHERE status = 'STOPPED' AND ${notObjected} ORDER BY 1 LIMIT 1`,
    )) as [{ n: string }];
    const res = await gatewayQuery(
      stack,
      `query ($n: NhsNumber!) { resident(nhsNumber: $n) { current: medications { status items { status } } stopped: medications(status: [STOPPED]) { status items { status } } } }`,
      { n },
      await gpOf(n),
    );
    expect(res.errors).toBeUndefined();
    // `status` on the section says what it holds; on each medicine, its MedicationRequestStatus.
    expect(res.data.resident.current.items.every((m: { status: string }) => ["ACTIVE", "ON_HOLD"].includes(m.status))).toBe(true);
    expect(res.data.resident.stopped.status).toBe("PRESENT");
    expect(res.data.resident.stopped.items.length).toBeGreaterThan(0);
    expect(res.data.resident.stopped.items.every((m: { status: string }) => m.status === "STOPPED")).toBe(true);
    const bad = await gatewayQuery(
      stack,
      `query ($n: NhsNumber!) { resident(nhsNumber: $n) { medications(status: [ACTIVE, ACTIVE]) { status items { id } } } }`,
      { n },
      await gpOf(n),
    );
    expect(bad.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("filters lab reports to abnormal ones in SQL, and by category and date", async () => {
    const [{ n }] = (await sql<{ n: string }>(
      `SELECT nhs_number AS n FROM labs.diagnostic_report WHERE ${notObjected} GROUP BY 1 HAVING bool_or(abnormal) AND bool_or(NOT abnormal) ORDER BY 1 LIMIT 1`,
    )) as [{ n: string }];
    const res = await gatewayQuery(
      stack,
      `query ($n: NhsNumber!) { resident(nhsNumber: $n) {
      abnormal: diagnosticReports(abnormalOnly: true, first: 100) { status page { edges { node { id abnormal observations { interpretation } } } } }
      haem: diagnosticReports(category: HAEMATOLOGY, first: 100) { status page { edges { node { category } } } }
      recent: diagnosticReports(since: "2026-06-01T00:00:00Z", first: 100) { status page { edges { node { issuedAt } } } } } }`,
      { n },
      await gpOf(n),
    );
    expect(res.errors).toBeUndefined();
    const abnormal = nodes<{ abnormal: boolean; observations: { interpretation: string }[] }>(res.data.resident.abnormal);
    const [{ c }] = (await sql<{ c: number }>(`SELECT count(*)::int AS c FROM labs.diagnostic_report WHERE nhs_number = $1 AND abnormal`, [n])) as [
      { c: number },
    ];
    expect(abnormal).toHaveLength(c);
    for (const report of abnormal) expect(report.observations.some((o) => o.interpretation !== "NORMAL")).toBe(true);
    for (const report of nodes<{ category: string }>(res.data.resident.haem)) expect(report.category).toBe("HAEMATOLOGY");
    for (const report of nodes<{ issuedAt: string }>(res.data.resident.recent)) expect(report.issuedAt >= "2026-06-01").toBe(true);
  });
});
