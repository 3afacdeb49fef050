// FHIR ingestion into the residents subgraph (issue 11): the repository's writes (applyDemographics,
// applyFhir) on a scratch PostgreSQL database. Demographics are versioned and change only through
// the systems that own them; a placement is the sending home's; entered-in-error retracts and keeps
// the row; a restriction is never lifted; a batch costs a fixed number of statements.
import type { AllergyIntolerance, Condition, EpisodeOfCare, Patient } from "@medplum/fhirtypes";
import type { EntryOutcome, IngestEntry, MatchedEntry, SubmissionMeta } from "../platform/ingest/contract.js";
import { queryStats } from "../platform/db/prisma.js";
import { testNhsNumber } from "../platform/graphql/nhs-number.js";
import { createResidentsRepository, type ResidentsRepository } from "../subgraphs/residents/repository.js";
import {
  allergyResource,
  careHomeAdmissionEntries,
  conditionResource,
  patientEntry,
  type ResidentPatient,
  type AllergySpec,
} from "../ingest/feed/resident-bundle.js";
import { createScratchDatabase } from "./support/scratch-db.js";

let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
let repo: ResidentsRepository;
beforeAll(async () => {
  scratch = await createScratchDatabase("resfhir");
  repo = createResidentsRepository(scratch.db, scratch.caches.cache("residents"));
  await repo.insertBatch({
    gpPractices: ["G00001", "G00002"].map((odsCode) => ({ odsCode, name: odsCode, borough: "Lambeth", postcode: "SE1 1AA" })),
    careHomes: ["CH00001", "CH00002"].map((id) => ({ id, name: id, borough: "Lambeth", postcode: "SE1 1AA", bedCount: 40 })),
    organisations: [],
    residents: [],
    placements: [],
    allergies: [],
    conditions: [],
  });
});
afterAll(async () => {
  queryStats.onStatement = null;
  await repo.close();
  await scratch.drop();
});

const BASE = Date.parse("2025-06-02T10:00:00Z");
const v = (minutes: number) => new Date(BASE + minutes * 60_000);
let submissions = 0;
const metaOf = (over: Partial<SubmissionMeta>): SubmissionMeta => ({
  submissionId: `sub-${++submissions}`,
  sourceId: "gp-emis",
  sourceSystem: "EMIS Web",
  senderOds: "G00001",
  sourceKind: "gp_system",
  receivedAt: new Date().toISOString(),
  ...over,
});
const gp = (over: Partial<SubmissionMeta> = {}) => metaOf(over);
const home = (ods = "CH00001", over: Partial<SubmissionMeta> = {}) =>
  metaOf({ sourceId: `system-${ods}`, sourceSystem: `Care home system ${ods}`, senderOds: ods, sourceKind: "care_home_system", ...over });

let people = 0;
const person = (over: Partial<ResidentPatient> = {}): ResidentPatient => ({
  nhsNumber: testNhsNumber(3000 + ++people),
  birthDate: "1937-05-06",
  family: "Adeyemi",
  given: "Ruth",
  gender: "female",
  ...over,
});
const patientIn = (p: ResidentPatient, version: number, index = 0): IngestEntry => {
  const resource = patientEntry(p, v(version)).resource as Patient;
  return { index, resource, fullUrl: null, patient: { nhsNumber: p.nhsNumber, birthDate: p.birthDate, family: p.family } };
};
const demographics = async (meta: SubmissionMeta, ...entries: IngestEntry[]) => repo.applyDemographics(meta, entries);
const matchedIn = (p: ResidentPatient, resource: IngestEntry["resource"], index = 0): MatchedEntry => ({
  index,
  resource,
  fullUrl: null,
  patient: null,
  nhsNumber: p.nhsNumber,
});
const episode = (p: ResidentPatient, spec: { id: string; ods?: string; start?: string; end?: string; status?: EpisodeOfCare["status"]; version: number }) =>
  careHomeAdmissionEntries({
    patient: p,
    episodeId: spec.id,
    careHomeOds: spec.ods ?? "CH00001",
    start: spec.start ?? "2025-01-10",
    end: spec.end,
    status: spec.status,
    lastUpdated: v(spec.version),
  })[1]!.resource as EpisodeOfCare;
const statuses = (outcomes: EntryOutcome[]) => outcomes.map((o) => o.status);
const row = async <T>(text: string, params: unknown[]) => (await scratch.db.sql.query<T>(text, params))[0]!;
const residentRow = (p: ResidentPatient) =>
  row<{ family_name: string; dob: string; gp_practice_code: string; source_system: string; recorded_at: Date; updated_at: Date }>(
    `SELECT family_name, to_char(date_of_birth, 'YYYY-MM-DD') AS dob, gp_practice_code, source_system, recorded_at, updated_at FROM residents.resident WHERE nhs_number = $1`,
    [p.nhsNumber],
  );

describe("demographics: only the systems that own them, versioned by meta.lastUpdated", () => {
  it("a GP system's unknown (valid) number creates a resident registered with the practice, and no placement", async () => {
    const p = person();
    const out = await demographics(gp(), patientIn(p, 0));
    expect(out.get(0)).toMatchObject({ status: "APPLIED" });
    expect(await residentRow(p)).toMatchObject({ family_name: "Adeyemi", dob: "1937-05-06", gp_practice_code: "G00001", source_system: "EMIS Web" });
    expect(await repo.placements([p.nhsNumber])).toEqual([]);
  });

  it("a newer version updates (recorded_at kept, updated_at moves, registration moves to the sending practice); older is SUPERSEDED, equal DUPLICATE, a retried job APPLIED", async () => {
    const p = person();
    await demographics(gp(), patientIn(p, 0));
    const first = await residentRow(p);
    const moved = gp({ senderOds: "G00002" });
    expect((await demographics(moved, patientIn({ ...p, birthDate: "1937-06-05" }, 10))).get(0)).toMatchObject({ status: "APPLIED" });
    const after = await residentRow(p);
    expect(after).toMatchObject({ dob: "1937-06-05", gp_practice_code: "G00002" });
    expect(after.recorded_at).toEqual(first.recorded_at);
    expect(after.updated_at.getTime()).toBeGreaterThan(first.updated_at.getTime());
    expect((await demographics(gp(), patientIn(p, 5))).get(0)).toMatchObject({ status: "SUPERSEDED" });
    expect((await demographics(gp(), patientIn({ ...p, birthDate: "1937-06-05" }, 10))).get(0)).toMatchObject({ status: "DUPLICATE" });
    expect((await demographics(moved, patientIn({ ...p, birthDate: "1937-06-05" }, 10))).get(0)).toMatchObject({ status: "APPLIED" });
    expect((await residentRow(p)).dob).toBe("1937-06-05");
  });

  it("quarantines a version that changes both the date of birth and the family name (a wrong number, far more often than a person)", async () => {
    const p = person();
    await demographics(gp(), patientIn(p, 0));
    expect((await demographics(gp(), patientIn({ ...p, birthDate: "1950-01-01", family: "Kowalski" }, 10))).get(0)).toEqual({
      quarantine: "DEMOGRAPHICS_CONFLICT",
    });
    expect(await residentRow(p)).toMatchObject({ family_name: "Adeyemi", dob: "1937-05-06" });
    // One of them at a time is a correction: applied.
    expect((await demographics(gp(), patientIn({ ...p, family: "Kowalski" }, 11))).get(0)).toMatchObject({ status: "APPLIED" });
  });

  it("a care home system changes only its own residents' demographics, and never the GP registration", async () => {
    const p = person();
    await demographics(gp(), patientIn(p, 0));
    // Not placed at CH00001: left to the matcher (nothing changes).
    expect((await demographics(home(), patientIn({ ...p, family: "Adeyemi-Cole" }, 10))).has(0)).toBe(false);
    expect((await residentRow(p)).family_name).toBe("Adeyemi");
    expect(statuses(await repo.applyFhir(home(), [matchedIn(p, episode(p, { id: `EP-${p.nhsNumber}`, version: 1 }))]))).toEqual(["APPLIED"]);
    expect((await demographics(home(), patientIn({ ...p, family: "Adeyemi-Cole", gpOds: "G00002" }, 10))).get(0)).toMatchObject({ status: "APPLIED" });
    expect(await residentRow(p)).toMatchObject({ family_name: "Adeyemi-Cole", gp_practice_code: "G00001" });
  });

  it("a care home system creating a resident must name a practice the record knows", async () => {
    expect((await demographics(home(), patientIn(person(), 0))).get(0)!).toMatchObject({ status: "REJECTED" });
    expect((await demographics(home(), patientIn(person({ gpOds: "G99999" }), 0))).get(0)!).toMatchObject({ status: "REJECTED" });
    expect((await demographics(home(), patientIn(person({ gpOds: "G00002" }), 0))).get(0)!).toMatchObject({ status: "APPLIED" });
  });

  it("a laboratory's, a pharmacy's or a hospital's Patient is not taken (only matched), and an unknown number creates nothing", async () => {
    const p = person();
    await demographics(gp(), patientIn(p, 0));
    for (const sourceKind of ["laboratory", "pharmacy", "hospital"] as const) {
      expect((await demographics(gp({ sourceKind }), patientIn({ ...p, family: "Adeyemi-Cole" }, 10))).size).toBe(0);
      const stranger = person({ gpOds: "G00001" });
      expect((await demographics(gp({ sourceKind }), patientIn(stranger, 10))).size).toBe(0);
      expect(await repo.residents([stranger.nhsNumber])).toEqual([]);
    }
    expect((await residentRow(p)).family_name).toBe("Adeyemi");
  });
});

describe("placements: the sending home's, versioned, ended, withdrawn", () => {
  it("admits, then ends (recent leaver), keeping recorded_at and moving updated_at", async () => {
    const p = person();
    await demographics(gp(), patientIn(p, 0));
    const id = `EP-${p.nhsNumber}`;
    await repo.applyFhir(home(), [matchedIn(p, episode(p, { id, version: 1 }))]);
    const [admitted] = await repo.placements([p.nhsNumber]);
    expect(admitted).toMatchObject({ careHomeId: "CH00001", endDate: null, status: "ACTIVE" });
    expect((await repo.currentPlacements([p.nhsNumber])).map((x) => x.id)).toEqual([admitted!.id]);
    const out = await repo.applyFhir(home(), [matchedIn(p, episode(p, { id, status: "finished", end: "2025-02-01", version: 2 }))]);
    expect(statuses(out)).toEqual(["APPLIED"]);
    const [ended] = await repo.placements([p.nhsNumber]);
    expect(ended).toMatchObject({ id: admitted!.id, status: "FINISHED", endDate: new Date("2025-02-01"), recordedAt: admitted!.recordedAt });
    expect(ended!.updatedAt.getTime()).toBeGreaterThan(admitted!.updatedAt.getTime());
    expect(await repo.currentPlacements([p.nhsNumber])).toEqual([]);
  });

  it("REJECTS a placement into another home, or one already recorded for another resident", async () => {
    const p = person();
    const q = person();
    await demographics(gp(), patientIn(p, 0), patientIn(q, 0, 1));
    expect(statuses(await repo.applyFhir(home(), [matchedIn(p, episode(p, { id: `EP-X-${p.nhsNumber}`, ods: "CH00002", version: 1 }))]))).toEqual(["REJECTED"]);
    const id = `EP-${p.nhsNumber}`;
    await repo.applyFhir(home(), [matchedIn(p, episode(p, { id, version: 1 }))]);
    expect(statuses(await repo.applyFhir(home(), [matchedIn(q, episode(q, { id, version: 2 }))]))).toEqual(["REJECTED"]);
    expect(await repo.placements([q.nhsNumber])).toEqual([]);
  });

  it("a placement entered in error is in no view and grants nothing, but its row is kept", async () => {
    const p = person();
    await demographics(gp(), patientIn(p, 0));
    const id = `EP-${p.nhsNumber}`;
    await repo.applyFhir(home(), [matchedIn(p, episode(p, { id, version: 1 }))]);
    await repo.applyFhir(home(), [matchedIn(p, episode(p, { id, status: "entered-in-error", version: 2 }))]);
    expect(await repo.placements([p.nhsNumber])).toEqual([]);
    expect(await repo.currentPlacements([p.nhsNumber])).toEqual([]);
    expect(
      (
        await repo.residentsOfHome("CH00001", {
          placement: "CURRENT_AND_RECENT_LEAVERS",
          nameContains: null,
          order: "NHS_NUMBER",
          backward: false,
          position: null,
          limit: 1000,
        })
      ).map((r) => r.nhsNumber),
    ).not.toContain(p.nhsNumber);
    expect(await row<{ status: string }>(`SELECT status FROM residents.placement WHERE nhs_number = $1`, [p.nhsNumber])).toEqual({
      status: "ENTERED_IN_ERROR",
    });
  });
});

describe("allergies and conditions", () => {
  const penicillin = (over: Partial<AllergySpec> = {}): AllergySpec => ({
    id: "AL-PEN",
    code: { code: "373270004", display: "Penicillin" },
    category: ["medication"],
    reactions: [{ manifestation: "Urticaria", severity: "moderate" }],
    lastUpdated: v(1),
    ...over,
  });

  it("an allergy entered in error keeps its row (and clinical status) and the newest version wins", async () => {
    const p = person();
    await demographics(gp(), patientIn(p, 0));
    const allergy = (spec: AllergySpec) => matchedIn(p, allergyResource(p, { ...spec, id: `${spec.id}-${p.nhsNumber}` }) as AllergyIntolerance);
    expect(statuses(await repo.applyFhir(gp(), [allergy(penicillin())]))).toEqual(["APPLIED"]);
    expect(statuses(await repo.applyFhir(gp(), [allergy(penicillin({ verificationStatus: "entered-in-error", lastUpdated: v(3) }))]))).toEqual(["APPLIED"]);
    expect(statuses(await repo.applyFhir(gp(), [allergy(penicillin({ lastUpdated: v(2) }))]))).toEqual(["SUPERSEDED"]);
    const [stored] = await repo.allergies([p.nhsNumber]);
    expect(stored).toMatchObject({ verificationStatus: "ENTERED_IN_ERROR", clinicalStatus: "ACTIVE", category: "MEDICATION" });
  });

  it("a restricted condition stays restricted when a later version drops the label; a refuted one is in no view", async () => {
    const p = person();
    await demographics(gp(), patientIn(p, 0));
    const id = `CO-${p.nhsNumber}`;
    const cond = (over: Partial<Parameters<typeof conditionResource>[1]>) =>
      matchedIn(p, conditionResource(p, { id, code: { code: "35489007", display: "Depressive disorder" }, lastUpdated: v(1), ...over }) as Condition);
    await repo.applyFhir(gp(), [cond({ confidentiality: "R" })]);
    expect((await repo.conditions([p.nhsNumber]))[0]!.restrictedCategory).toBe("SENDER_LABELLED");
    await repo.applyFhir(gp(), [cond({ confidentiality: "N", lastUpdated: v(2) })]);
    expect((await repo.conditions([p.nhsNumber]))[0]!.restrictedCategory).toBe("SENDER_LABELLED");
    await repo.applyFhir(gp(), [cond({ verificationStatus: "refuted", lastUpdated: v(3) })]);
    expect(await repo.conditions([p.nhsNumber])).toEqual([]);
  });

  it("1,000 allergies and 1,000 conditions in one call: a fixed number of statements, new or updated", async () => {
    const ps = Array.from({ length: 50 }, () => person());
    await demographics(gp(), ...ps.map((p, i) => patientIn(p, 0, i)));
    const batch = (version: number) =>
      Array.from({ length: 1000 }, (_, i) => {
        const p = ps[i % ps.length]!;
        return [
          matchedIn(p, allergyResource(p, penicillin({ id: `BULK-AL-${i}`, lastUpdated: v(version) })), 2 * i),
          matchedIn(p, conditionResource(p, { id: `BULK-CO-${i}`, code: { code: "38341003", display: "Hypertension" }, lastUpdated: v(version) }), 2 * i + 1),
        ];
      }).flat();
    const counted = async (entries: MatchedEntry[]) => {
      const before = queryStats.statements;
      const started = performance.now();
      const outcomes = await repo.applyFhir(gp(), entries);
      return { statements: queryStats.statements - before, outcomes, ms: performance.now() - started };
    };
    const inserted = await counted(batch(1));
    expect(inserted.outcomes.every((o) => o.status === "APPLIED")).toBe(true);
    // At most BEGIN, locks, 2 SELECT ... FOR UPDATE, 2 INSERTs (+ their column look-ups the first time), COMMIT.
    expect(inserted.statements).toBeLessThanOrEqual(9);
    const updated = await counted(batch(2));
    expect(updated.outcomes.every((o) => o.status === "APPLIED")).toBe(true);
    // At most BEGIN, locks, 2 SELECT ... FOR UPDATE, 2 UPDATEs, COMMIT.
    expect(updated.statements).toBeLessThanOrEqual(7);
    const again = await counted(batch(2));
    expect(again.outcomes.every((o) => o.status === "DUPLICATE")).toBe(true);
    expect(again.statements).toBeLessThanOrEqual(5);
    console.log(
      `residents ingestion, 2,000 resources: insert ${inserted.ms.toFixed(0)} ms (${inserted.statements} statements), update ${updated.ms.toFixed(0)} ms (${updated.statements}), duplicate ${again.ms.toFixed(0)} ms (${again.statements})`,
    );
  });
});
