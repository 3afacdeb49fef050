// FHIR ingestion into the discharge subgraph (issue 11): the repository's applier (applyFhir) on a
// scratch PostgreSQL database. Versions are ordered by meta.lastUpdated; nothing is moved between
// patients; a summary takes its stay's admission and discharge; an amendment replaces what is shown
// and is told as amended; entered-in-error leaves every view but keeps the row; caches are purged;
// a batch of 1,000 encounters with their summaries costs a fixed number of statements.
import type { BundleEntry, Composition, Encounter } from "@medplum/fhirtypes";
import type { EntryOutcome, MatchedEntry, SubmissionMeta } from "../platform/ingest/contract.js";
import { queryStats } from "../platform/db/prisma.js";
import { testNhsNumber } from "../platform/graphql/nhs-number.js";
import { createDischargeRepository, type DischargeRepository } from "../subgraphs/discharge/repository.js";
import { encounterSourceKey, summarySourceKey } from "../subgraphs/discharge/fhir.js";
import {
  admissionEntries,
  dischargeEntries,
  emergencyEntries,
  summaryEntries,
  ENCOUNTER_SYSTEM,
  SUMMARY_SYSTEM,
  type SummarySpec,
} from "../ingest/feed/discharge-bundle.js";
import { createScratchDatabase } from "./support/scratch-db.js";
import { applyOne } from "./support/apply-one.js";

let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
let discharge: DischargeRepository;
beforeAll(async () => {
  scratch = await createScratchDatabase("dischargefhir");
  discharge = createDischargeRepository(scratch.db, scratch.caches.cache("discharge"));
});
afterAll(async () => {
  queryStats.onStatement = null;
  await discharge.close();
  await scratch.drop();
});

const A = testNhsNumber(710);
const B = testNhsNumber(711);
const SOURCE = "hospital-guys";
let submissions = 0;
const meta = (): SubmissionMeta => ({
  submissionId: `sub-${++submissions}`,
  sourceId: SOURCE,
  sourceSystem: "Guy's and St Thomas' EPR",
  senderOds: "RJ1",
  sourceKind: "hospital",
  receivedAt: new Date().toISOString(),
});
const BASE = Date.parse("2025-06-02T10:00:00Z");
const minutes = (m: number) => new Date(BASE + m * 60_000);
const person = (nhs = A) => ({ nhsNumber: nhs, birthDate: "1940-01-01", family: "Smith" });

/** Bundle entries without the Patient, as matched entries of `nhs`, numbered from `first`. */
function matched(entries: BundleEntry[], nhs = A, first = 0): MatchedEntry[] {
  return entries
    .filter((e) => e.resource!.resourceType !== "Patient")
    .map((e, i) => ({
      index: first + i,
      resource: e.resource!,
      fullUrl: e.fullUrl ?? null,
      patient: { nhsNumber: nhs, birthDate: null, family: null },
      nhsNumber: nhs,
    }));
}
const renumber = (entries: MatchedEntry[], first: number) => entries.map((e, i) => ({ ...e, index: first + i }));
const summary = (id: string, version: number, over: Partial<SummarySpec> = {}): SummarySpec => ({
  id,
  lastUpdated: minutes(version),
  clinicalSummary: `summary ${id} v${version}`,
  diagnoses: [{ code: "385093006", display: "Community-acquired pneumonia" }],
  plannedActions: [{ action: "Repeat chest X-ray in 6 weeks", forWhom: "GP" }],
  ...over,
});
const stayOf = (encounter: string, version: number, nhs = A) => ({
  patient: person(nhs),
  encounter,
  lastUpdated: minutes(version),
  admittedAt: minutes(-5000),
});
const admit = (encounter: string, version: number, nhs = A) => matched(admissionEntries(stayOf(encounter, version, nhs)), nhs);
const discharged = (encounter: string, version: number, s?: SummarySpec, nhs = A) =>
  matched(dischargeEntries({ ...stayOf(encounter, version, nhs), dischargedAt: minutes(-100) }, s), nhs);
const apply = (entries: MatchedEntry[]) => applyOne(discharge, meta(), entries);
const statuses = (outcomes: EntryOutcome[]) => outcomes.map((o) => o.status);
const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

interface StayRow {
  id: string;
  nhs_number: string;
  status: string;
  retracted: string | null;
  admission_method: string | null;
  discharged_at: Date | null;
  recorded_at: Date;
  updated_at: Date;
  source_version_at: Date;
}
const storedStay = async (encounter: string) =>
  (
    await scratch.db.sql.query<StayRow>(`SELECT * FROM discharge.hospital_stay WHERE source_key = $1`, [
      encounterSourceKey(SOURCE, ENCOUNTER_SYSTEM, encounter),
    ])
  )[0];
interface SummaryRow {
  id: string;
  nhs_number: string;
  status: string;
  clinical_summary: string;
  stay_id: string;
  admission_method: string;
  destination: string;
  discharged_at: Date;
  recorded_at: Date;
  updated_at: Date;
}
const storedSummary = async (id: string) =>
  (
    await scratch.db.sql.query<SummaryRow>(`SELECT * FROM discharge.discharge_summary WHERE source_key = $1`, [summarySourceKey(SOURCE, SUMMARY_SYSTEM, id)])
  )[0];

const QUERY = { since: null, after: null };
const summariesOf = async (nhs = A) => (await discharge.summariesOfResidents([nhs], QUERY)).map((s) => s.clinicalSummary);
const staysOf = async (nhs = A) => (await discharge.staysOfResidents([nhs], null)).map((s) => s.id);

describe("discharge FHIR ingestion", () => {
  it("an admission: a stay in progress, the current stay, with provenance; then the discharge with its summary", async () => {
    expect(statuses(await apply(admit("ENC-NEW", 0)))).toEqual(["APPLIED"]);
    const stay = (await storedStay("ENC-NEW"))!;
    expect(stay).toMatchObject({ nhs_number: A, status: "IN_PROGRESS", admission_method: "EMERGENCY", retracted: null, source_version_at: minutes(0) });
    expect(stay.recorded_at).toEqual(stay.updated_at);
    expect((await discharge.currentStays([A])).map((s) => s.id)).toEqual([stay.id]);
    await tick();
    expect(statuses(await apply(discharged("ENC-NEW", 10, summary("DS-NEW", 10))))).toEqual(["APPLIED", "APPLIED"]);
    const after = (await storedStay("ENC-NEW"))!;
    expect(after).toMatchObject({ id: stay.id, status: "FINISHED", recorded_at: stay.recorded_at });
    expect(after.updated_at.getTime()).toBeGreaterThan(stay.updated_at.getTime());
    expect(await discharge.currentStays([A])).toEqual([]);
    const s = (await storedSummary("DS-NEW"))!;
    expect(s).toMatchObject({ stay_id: stay.id, status: "FINAL", admission_method: "EMERGENCY", destination: "CARE_HOME", discharged_at: minutes(-100) });
    expect(await summariesOf()).toContain("summary DS-NEW v10");
    const changes = await discharge.changesOf([A], stay.recorded_at);
    expect(changes.map((c) => c.kind).sort()).toEqual(["ADMITTED", "DISCHARGED", "DISCHARGE_SUMMARY_RECEIVED"]);
  });

  it("the same version twice: DUPLICATE, nothing written", async () => {
    await apply(discharged("ENC-DUP", 0, summary("DS-DUP", 0)));
    const before = [await storedStay("ENC-DUP"), await storedSummary("DS-DUP")];
    await tick();
    expect(statuses(await apply(discharged("ENC-DUP", 0, summary("DS-DUP", 0, { clinicalSummary: "second" }))))).toEqual(["DUPLICATE", "DUPLICATE"]);
    expect([await storedStay("ENC-DUP"), await storedSummary("DS-DUP")]).toEqual(before);
  });

  it("a retried job (the same submission again, its outcome lost before it was logged): APPLIED, nothing written twice", async () => {
    const job = meta();
    const entries = discharged("ENC-RETRY", 0, summary("DS-RETRY", 0));
    await applyOne(discharge, job, entries);
    const before = [await storedStay("ENC-RETRY"), await storedSummary("DS-RETRY")];
    await tick();
    expect(statuses(await applyOne(discharge, job, entries))).toEqual(["APPLIED", "APPLIED"]);
    expect([await storedStay("ENC-RETRY"), await storedSummary("DS-RETRY")]).toEqual(before);
  });

  it("an older version after a newer one: SUPERSEDED, the newer kept (a discharge is not undone by a late admission message)", async () => {
    await apply(discharged("ENC-ORDER", 10, summary("DS-ORDER", 10)));
    const before = [await storedStay("ENC-ORDER"), await storedSummary("DS-ORDER")];
    await tick();
    expect(statuses(await apply(admit("ENC-ORDER", 5)))).toEqual(["SUPERSEDED"]);
    expect(statuses(await apply(matched(summaryEntries(person(), "ENC-ORDER", summary("DS-ORDER", 5, { clinicalSummary: "older" })))))).toEqual(["SUPERSEDED"]);
    expect([await storedStay("ENC-ORDER"), await storedSummary("DS-ORDER")]).toEqual(before);
  });

  it("an amended summary replaces the one shown, recorded_at kept, AMENDED in what's new", async () => {
    await apply(discharged("ENC-AMEND", 0, summary("DS-AMEND", 0, { clinicalSummary: "first words" })));
    const before = (await storedSummary("DS-AMEND"))!;
    await tick();
    const outcomes = await apply(
      matched(summaryEntries(person(), "ENC-AMEND", summary("DS-AMEND", 30, { status: "amended", clinicalSummary: "amended words" }))),
    );
    expect(statuses(outcomes)).toEqual(["APPLIED"]);
    const after = (await storedSummary("DS-AMEND"))!;
    expect(after).toMatchObject({ id: before.id, status: "AMENDED", clinical_summary: "amended words", recorded_at: before.recorded_at });
    expect(after.updated_at.getTime()).toBeGreaterThan(before.updated_at.getTime());
    const shown = await summariesOf();
    expect(shown).toContain("amended words");
    expect(shown).not.toContain("first words");
    const changes = await discharge.changesOf([A], before.recorded_at);
    expect(changes.filter((c) => c.kind === "DISCHARGE_SUMMARY_AMENDED" && c.at.getTime() === after.updated_at.getTime())).toHaveLength(1);
  });

  it("entered in error: a stay and its summary leave every view (lists, current stay, entity look-up), the rows kept", async () => {
    await apply(discharged("ENC-EIE", 0, summary("DS-EIE", 0)));
    const stay = (await storedStay("ENC-EIE"))!;
    const s = (await storedSummary("DS-EIE"))!;
    expect(await staysOf()).toContain(stay.id);
    expect(await discharge.summaries([s.id])).toHaveLength(1);
    const retract = discharged("ENC-EIE", 5);
    (retract[0]!.resource as Encounter).status = "entered-in-error";
    expect(statuses(await apply(retract))).toEqual(["APPLIED"]);
    expect(await staysOf()).not.toContain(stay.id);
    expect(await discharge.stays([stay.id])).toEqual([]);
    expect(await summariesOf()).not.toContain("summary DS-EIE v0"); // its stay was withdrawn
    expect(await discharge.summaries([s.id])).toEqual([]);
    expect((await storedStay("ENC-EIE"))!.retracted).toBe("ENTERED_IN_ERROR");
    // The summary withdrawn too: kept with its status; a summary for a withdrawn stay is refused.
    const withdrawn = matched(summaryEntries(person(), "ENC-EIE", summary("DS-EIE", 6, { status: "entered-in-error" })));
    expect(statuses(await apply(withdrawn))).toEqual(["APPLIED"]);
    expect((await storedSummary("DS-EIE"))!.status).toBe("ENTERED_IN_ERROR");
    // What's new never points at the withdrawn stay (its summary, shown before, is told as amended).
    const changes = await discharge.changesOf([A], stay.recorded_at);
    expect(changes.filter((c) => c.section === "HOSPITAL_STAYS" && c.at.getTime() === stay.recorded_at.getTime())).toEqual([]);
    // A summary for a stay withdrawn (without one) is refused.
    await apply(discharged("ENC-EIE-2", 0));
    const retract2 = discharged("ENC-EIE-2", 1);
    (retract2[0]!.resource as Encounter).status = "entered-in-error";
    await apply(retract2);
    const fresh = await apply(matched(summaryEntries(person(), "ENC-EIE-2", summary("DS-EIE-2", 7))));
    expect(fresh).toEqual([{ index: 0, status: "REJECTED", reason: "the stay the summary refers to was withdrawn by the hospital" }]);
  });

  it("a retraction that arrives first is kept in its place: the older admission after it is SUPERSEDED and never shown", async () => {
    const retract = admit("ENC-EARLY", 10);
    (retract[0]!.resource as Encounter).status = "cancelled";
    expect(statuses(await apply(retract))).toEqual(["APPLIED"]);
    expect(statuses(await apply(admit("ENC-EARLY", 5)))).toEqual(["SUPERSEDED"]);
    const stay = (await storedStay("ENC-EARLY"))!;
    expect(await staysOf()).not.toContain(stay.id);
    expect((await discharge.currentStays([A])).map((s) => s.id)).not.toContain(stay.id);
  });

  it("an emergency attendance: shown, and withdrawn when entered in error", async () => {
    const ed = (version: number, status?: Encounter["status"]) =>
      matched(
        emergencyEntries({
          patient: person(),
          encounter: "ED-1",
          lastUpdated: minutes(version),
          occurredAt: minutes(-600),
          complaint: "Fall",
          outcome: "Back to care home",
          status,
        }),
      );
    expect(statuses(await apply(ed(0)))).toEqual(["APPLIED"]);
    const listed = async () => (await discharge.emergencyCareOfResidents([A], null)).map((e) => e.presentingComplaint);
    expect(await listed()).toEqual(["Fall"]);
    expect(statuses(await apply(ed(1, "entered-in-error")))).toEqual(["APPLIED"]);
    expect(await listed()).toEqual([]);
    // The same encounter number sent as an inpatient stay is refused (its class cannot change), and the other way round.
    expect((await apply(admit("ED-1", 2)))[0]!.status).toBe("REJECTED");
    await apply(admit("ENC-KIND", 0));
    const asEd = matched(
      emergencyEntries({ patient: person(), encounter: "ENC-KIND", lastUpdated: minutes(1), occurredAt: minutes(-600), complaint: "Fall", outcome: "x" }),
    );
    expect(await apply(asEd)).toEqual([
      { index: 0, status: "REJECTED", reason: "the Encounter is already recorded as a hospital stay (its class cannot change)" },
    ]);
  });

  it("a summary is refused when its stay is not recorded, not finished, or lacks a destination; never a second summary for a stay", async () => {
    const alone = await apply(matched(summaryEntries(person(), "ENC-NONE", summary("DS-NONE", 0))));
    expect(alone[0]!.reason).toMatch(/not recorded/);
    await apply(admit("ENC-OPEN", 0));
    expect((await apply(matched(summaryEntries(person(), "ENC-OPEN", summary("DS-OPEN", 0)))))[0]!.reason).toMatch(/not finished/);
    const noDestination = discharged("ENC-NODEST", 0, summary("DS-NODEST", 0));
    delete (noDestination[0]!.resource as Encounter).hospitalization!.dischargeDisposition;
    expect(statuses(await apply(noDestination))).toEqual(["APPLIED", "REJECTED"]);
    await apply(discharged("ENC-ONE", 0, summary("DS-ONE", 0)));
    const second = await apply(matched(summaryEntries(person(), "ENC-ONE", summary("DS-TWO", 1))));
    expect(second[0]).toEqual({
      index: 0,
      status: "REJECTED",
      reason: "the stay already has a discharge summary under another identifier (one summary per stay)",
    });
    expect(await storedSummary("DS-TWO")).toBeUndefined();
  });

  it("another patient's stay or summary: REJECTED, never moved", async () => {
    await apply(discharged("ENC-WHO", 0, summary("DS-WHO", 0)));
    const before = [await storedStay("ENC-WHO"), await storedSummary("DS-WHO")];
    const outcomes = await apply(discharged("ENC-WHO", 1, summary("DS-WHO", 1), B));
    expect(statuses(outcomes)).toEqual(["REJECTED", "REJECTED"]);
    expect(outcomes[0]!.reason).toBe("the stay is already recorded for another patient");
    expect([await storedStay("ENC-WHO"), await storedSummary("DS-WHO")]).toEqual(before);
    expect(await staysOf(B)).not.toContain(before[0]!.id);
    // A summary for B naming A's stay by identifier.
    expect((await apply(matched(summaryEntries(person(B), "ENC-WHO", summary("DS-WHO-B", 2)), B)))[0]!.reason).toBe(
      "the stay the summary refers to is recorded for another patient",
    );
  });

  it("refused entries are REJECTED and written nothing, while the rest of the call is applied", async () => {
    const good = admit("ENC-MIXED-OK", 0);
    const bad = admit("ENC-MIXED-BAD", 0).map((e) => ({ ...e, index: 1 }));
    (bad[0]!.resource as Encounter).status = "unknown";
    expect(statuses(await apply([...good, ...bad]))).toEqual(["APPLIED", "REJECTED"]);
    expect(await storedStay("ENC-MIXED-BAD")).toBeUndefined();
  });

  it("purges the cache: reads through the cached repository show the update that follows them", async () => {
    await apply(discharged("ENC-CACHE", 0, summary("DS-CACHE", 0, { clinicalSummary: "before" })));
    const s = (await storedSummary("DS-CACHE"))!;
    const stay = (await storedStay("ENC-CACHE"))!;
    const read = async () => [
      (await summariesOf()).includes("before"),
      (await discharge.summaries([s.id]))[0]?.clinicalSummary,
      (await discharge.stays([stay.id])).length,
    ];
    expect(await read()).toEqual([true, "before", 1]);
    expect(await read()).toEqual([true, "before", 1]); // now cached
    await apply(matched(summaryEntries(person(), "ENC-CACHE", summary("DS-CACHE", 1, { status: "amended", clinicalSummary: "after" }))));
    expect(await read()).toEqual([false, "after", 1]);
    const retract = discharged("ENC-CACHE", 2);
    (retract[0]!.resource as Encounter).status = "entered-in-error";
    await apply(retract);
    expect(await read()).toEqual([false, undefined, 0]);
  });

  it("workers applying versions of the same new stays at once: no failure, the latest version wins", async () => {
    const batch = (version: number) => {
      const all: MatchedEntry[] = [];
      for (let i = 0; i < 100; i++) all.push(...renumber(discharged(`ENC-RACE-${i}`, version, summary(`DS-RACE-${i}`, version)), all.length));
      return all;
    };
    const outcomes = await Promise.all([1, 2, 3, 4].map((v) => apply(batch(v))));
    expect(outcomes.flat().every((o) => o.status === "APPLIED" || o.status === "SUPERSEDED")).toBe(true);
    expect((await storedSummary("DS-RACE-0"))!.clinical_summary).toBe("summary DS-RACE-0 v4");
    expect((await storedSummary("DS-RACE-99"))!.clinical_summary).toBe("summary DS-RACE-99 v4");
  });

  it("1,000 encounters with their summaries in one call: a fixed number of statements, new or updated", async () => {
    const batch = (version: number, status?: Composition["status"]) => {
      const all: MatchedEntry[] = [];
      for (let i = 0; i < 500; i++) {
        const nhs = testNhsNumber(900 + (i % 50));
        all.push(...renumber(discharged(`ENC-BULK-${i}`, version, summary(`DS-BULK-${i}`, version, { status }), nhs), all.length));
      }
      return all;
    };
    const counted = async (entryList: MatchedEntry[]) => {
      const before = queryStats.statements;
      const started = performance.now();
      const outcomes = await apply(entryList);
      return { statements: queryStats.statements - before, outcomes, ms: performance.now() - started };
    };
    const inserted = await counted(batch(0));
    expect(inserted.outcomes).toHaveLength(1000);
    expect(inserted.outcomes.every((o) => o.status === "APPLIED")).toBe(true);
    // At most BEGIN, locks, three SELECT ... FOR UPDATE, INSERT stays, INSERT summaries, COMMIT.
    expect(inserted.statements).toBeLessThanOrEqual(8);
    const updated = await counted(batch(1, "amended"));
    expect(updated.outcomes.every((o) => o.status === "APPLIED")).toBe(true);
    // At most BEGIN, locks, three SELECT ... FOR UPDATE, UPDATE stays, UPDATE summaries, COMMIT.
    expect(updated.statements).toBeLessThanOrEqual(8);
    const again = await counted(batch(1, "amended"));
    expect(again.outcomes.every((o) => o.status === "DUPLICATE")).toBe(true);
    expect(again.statements).toBeLessThanOrEqual(6);
    console.log(
      `discharge ingestion, 1,000 resources: insert ${inserted.ms.toFixed(0)} ms (${inserted.statements} statements), update ${updated.ms.toFixed(0)} ms (${updated.statements}), duplicate ${again.ms.toFixed(0)} ms (${again.statements})`,
    );
  });
});
