// What the federation benchmark asks: three screens of the product, for subjects picked from the
// seeded data so every section has something to return and every answer is an allowed read.
import type { SqlRunner } from "../../platform/db/database.js";
import type { Env } from "../../platform/config/env.js";
import type { Identity } from "../../platform/identity/identity.js";
import { mintUserToken } from "../../gateway/tokens.js";

export interface Subjects {
  careHome: string;
  /** Residents placed at the home today (the dashboard lists min(40, this)). */
  homeResidents: number;
  nhsNumber: string;
  gpPracticeCode: string;
}

export interface Scenario {
  name: "resident-view" | "home-dashboard" | "urgent-care-plan";
  operationName: string;
  body: string;
  /** One per simulated user; requests rotate through them. */
  tokens: string[];
  /** Why the data is not what this scenario must return, or null when it is. */
  expect(data: unknown): string | null;
}

// Placements in force today, exactly as residents/repository.ts `current()` decides (UTC date).
const CURRENT = `p.start_date <= (now() AT TIME ZONE 'UTC')::date AND (p.end_date IS NULL OR p.end_date >= (now() AT TIME ZONE 'UTC')::date)`;

/**
 * A home of about 40 residents (CH00001 when it qualifies) that meets the access preconditions and
 * has no current resident who objected to sharing (an objector's sections would be refused, and
 * every answer measured must be a clean allowed read); then one of its residents with a discharge
 * summary, an abnormal lab report, current medicines and an approved care plan.
 */
export async function pickSubjects(sql: SqlRunner): Promise<Subjects> {
  // A resident with something in every section the scenarios read.
  const complete = (r: string) => `NOT ${r}.sharing_objection
        AND EXISTS (SELECT 1 FROM discharge.discharge_summary d WHERE d.nhs_number = ${r}.nhs_number)
        AND EXISTS (SELECT 1 FROM labs.diagnostic_report l WHERE l.nhs_number = ${r}.nhs_number AND l.abnormal)
        AND EXISTS (SELECT 1 FROM medications.medication_request m WHERE m.nhs_number = ${r}.nhs_number AND m.status IN ('ACTIVE', 'ON_HOLD'))
        AND EXISTS (SELECT 1 FROM careplans.care_plan c WHERE c.nhs_number = ${r}.nhs_number AND c.status = 'APPROVED')`;
  const [home] = await sql.query<{ id: string; n: number }>(`
    SELECT p.care_home_id AS id, count(*)::int AS n
      FROM residents.placement p
      JOIN residents.resident r ON r.nhs_number = p.nhs_number
      JOIN residents.organisation o ON o.ods_code = p.care_home_id
     WHERE ${CURRENT} AND o.dspt_standard_met AND o.sharing_agreement_signed_on IS NOT NULL
     GROUP BY p.care_home_id
    HAVING NOT bool_or(r.sharing_objection) AND count(*) BETWEEN 30 AND 50 AND bool_or(${complete("r")})
     ORDER BY (p.care_home_id = 'CH00001') DESC, abs(count(*) - 40), p.care_home_id
     LIMIT 1`);
  if (!home) throw new Error("no care home with 30-50 current residents, no objector and one resident with every section: is the database seeded?");
  const [resident] = await sql.query<{ nhs: string; gp: string }>(
    `SELECT r.nhs_number AS nhs, r.gp_practice_code AS gp
       FROM residents.resident r
       JOIN residents.placement p ON p.nhs_number = r.nhs_number AND p.care_home_id = $1 AND ${CURRENT}
      WHERE ${complete("r")}
      ORDER BY EXISTS (SELECT 1 FROM residents.allergy a WHERE a.nhs_number = r.nhs_number) DESC, r.nhs_number
      LIMIT 1`,
    [home.id],
  );
  if (!resident) throw new Error(`no resident of ${home.id} has every section (discharge, abnormal labs, medicines, approved plan)`);
  return { careHome: home.id, homeResidents: home.n, nhsNumber: resident.nhs.trim(), gpPracticeCode: resident.gp };
}

const TRAINED = "2025-01-15";

export interface Tokens {
  nurses: string[];
  paramedics: string[];
}

/**
 * Tokens for `users` distinct staff: nurses of the subject home and ambulance clinicians of RRU.
 * Requests rotate through them, as concurrent requests from different people would arrive. With a
 * single user, concurrent requests would be byte-identical down to the gateway's internal
 * signature, and Hive Gateway's in-flight request deduplication (on by default) could answer many
 * of them with one subgraph call. (When this was written the gateway shared subgraph calls across
 * users as well, because the identity header is added after the deduplication key is taken; the
 * report's "SQL per request" column shows how many requests had their own statements.)
 */
export async function mintTokens(subjects: Subjects, config: Env, users: number): Promise<Tokens> {
  const settings = { secret: config.JWT_SECRET, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE };
  const person = (i: number, role: "care_home_nurse" | "ambulance_clinician"): Identity =>
    role === "care_home_nurse"
      ? { userId: `bench-nurse-${i}`, name: `Bench Nurse ${i}`, role, orgCode: subjects.careHome, orgType: "care_home", trainingCompletedAt: TRAINED }
      : { userId: `bench-paramedic-${i}`, name: `Bench Paramedic ${i}`, role, orgCode: "RRU", orgType: "ambulance_service", trainingCompletedAt: TRAINED };
  // The longest lifetime the gateway accepts (gateway/tokens.ts); far more than a growth run at 400,000 residents needs.
  const mint = (role: "care_home_nurse" | "ambulance_clinician") =>
    Promise.all(Array.from({ length: users }, (_, i) => mintUserToken(person(i + 1, role), settings, "12h")));
  return { nurses: await mint("care_home_nurse"), paramedics: await mint("ambulance_clinician") };
}

// The README's "One resident's whole view", word for word.
const RESIDENT_VIEW = `query ResidentView($nhs: NhsNumber!) {
  resident(nhsNumber: $nhs) {
    nhsNumber name { given family } dateOfBirth sex
    gpPractice { name } currentPlacement { status item { careHome { name } startDate } }
    allergies { status items { display criticality reactions { manifestation severity } provenance { sourceSystem lastUpdatedAt } } }
    conditions { status items { display clinicalStatus } }
    currentHospitalStay { status item { hospital { name } admittedAt } }
    dischargeSummaries(first: 1) { status page { edges { node { dischargedAt diagnoses { display } plannedActions { action } } } } }
    diagnosticReports(abnormalOnly: true, first: 5) { status page { edges { node { display issuedAt observations { display value unit interpretation } } } } }
    medications { status items { medication { display } dosageText dispensing { epsStatus lastStatusChangeAt } } }
    carePlan { status item { version status cpr { decision } emergencyPlan reviewDate } }
  }
}`;

// What is new for each resident of the home: one query for the whole dashboard.
const HOME_DASHBOARD = `query HomeDashboard($home: ID!) {
  careHome(id: $home) { name residents(first: 40) { edges { node {
    nhsNumber name { given family } currentHospitalStay { status item { admittedAt } }
    dischargeSummaries(first: 1) { status page { edges { node { dischargedAt } } } }
    diagnosticReports(abnormalOnly: true, first: 1) { status page { edges { node { issuedAt } } } }
    medications { status items { dispensing { epsStatus lastStatusChangeAt } } }
    carePlan { status item { status reviewDate } }
  } } } }
}`;

// What an ambulance crew needs at the door.
const URGENT_CARE_PLAN = `query UrgentCarePlan($nhs: NhsNumber!) {
  resident(nhsNumber: $nhs) {
    name { family } allergies { status items { display criticality } } medications { status items { medication { display } dosageText } }
    carePlan { status item { cpr { decision } ceilingOfTreatment emergencyPlan } }
  }
}`;

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- response data, checked field by field

export function buildScenarios(subjects: Subjects, tokens: Tokens): Scenario[] {
  const scenario = (
    name: Scenario["name"],
    operationName: string,
    query: string,
    variables: object,
    users: string[],
    expect: Scenario["expect"],
  ): Scenario => ({ name, operationName, body: JSON.stringify({ operationName, query, variables }), tokens: users, expect });
  const resident = (data: unknown) => (data as Json | null)?.resident as Json | null | undefined;
  return [
    scenario("resident-view", "ResidentView", RESIDENT_VIEW, { nhs: subjects.nhsNumber }, tokens.nurses, (data) => {
      const r = resident(data);
      if (!r || r.nhsNumber !== subjects.nhsNumber) return "resident missing";
      if (!r.name || r.currentPlacement?.status !== "PRESENT" || !r.currentPlacement.item) return "demographics missing";
      if (r.dischargeSummaries?.status !== "PRESENT" || !r.dischargeSummaries.page?.edges?.length) return "no discharge summary";
      if (r.diagnosticReports?.status !== "PRESENT" || !r.diagnosticReports.page?.edges?.length) return "no abnormal lab report";
      if (r.medications?.status !== "PRESENT" || !r.medications.items?.length) return "no current medicines";
      return r.carePlan?.status === "PRESENT" && r.carePlan.item?.status === "APPROVED" ? null : "no approved care plan";
    }),
    scenario("home-dashboard", "HomeDashboard", HOME_DASHBOARD, { home: subjects.careHome }, tokens.nurses, (data) => {
      const edges = ((data as Json | null)?.careHome?.residents?.edges ?? []) as Json[];
      const want = Math.min(40, subjects.homeResidents);
      if (edges.length !== want) return `${edges.length} residents listed, expected ${want}`;
      return edges.every((e) => e.node?.name && Array.isArray(e.node?.medications?.items)) ? null : "a resident's sections are missing";
    }),
    scenario("urgent-care-plan", "UrgentCarePlan", URGENT_CARE_PLAN, { nhs: subjects.nhsNumber }, tokens.paramedics, (data) => {
      const r = resident(data);
      if (!r?.name?.family) return "resident missing";
      if (r.medications?.status !== "PRESENT" || !r.medications.items?.length) return "no current medicines";
      return r.carePlan?.status === "PRESENT" && r.carePlan.item?.cpr?.decision ? null : "no approved care plan";
    }),
  ];
}
