// FHIR ingestion into the labs subgraph (issue 11): the repository's applier (applyFhir) on a
// scratch PostgreSQL database. Versions are ordered by meta.lastUpdated; a report is never moved
// between patients; a report entered in error leaves every view but keeps its row; caches are purged;
// a batch of 1,000 reports costs a fixed number of statements.
import type { DiagnosticReport, Observation } from "@medplum/fhirtypes";
import type { EntryOutcome, MatchedEntry, SubmissionMeta } from "../platform/ingest/contract.js";
import { queryStats } from "../platform/db/prisma.js";
import { testNhsNumber } from "../platform/graphql/nhs-number.js";
import { createLabsRepository, type LabsRepository } from "../subgraphs/labs/repository.js";
import { reportSourceKey, V2_0074, V3_INTERPRETATION } from "../subgraphs/labs/fhir.js";
import { createScratchDatabase } from "./support/scratch-db.js";
import { applyOne } from "./support/apply-one.js";

let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
let labs: LabsRepository;
beforeAll(async () => {
  scratch = await createScratchDatabase("labsfhir");
  labs = createLabsRepository(scratch.db, scratch.caches.cache("labs"));
});
afterAll(async () => {
  queryStats.onStatement = null;
  await labs.close();
  await scratch.drop();
});

const A = testNhsNumber(700);
const B = testNhsNumber(701);
let submissions = 0;
const meta = (): SubmissionMeta => ({
  submissionId: `sub-${++submissions}`,
  sourceId: "client-synnovis",
  sourceSystem: "Synnovis LIMS",
  senderOds: "RJ1",
  sourceKind: "laboratory",
  receivedAt: new Date().toISOString(),
});

interface Result {
  code: string;
  value: number;
  /** v3 interpretation code; omitted: computed from the range 3.5 - 5.3. */
  flag?: string;
}
interface ReportSpec {
  accession: string;
  /** meta.lastUpdated, minutes after a fixed hour. */
  version: number;
  status?: DiagnosticReport["status"];
  nhs?: string;
  conclusion?: string;
  results?: Result[];
}
const VERSION_BASE = Date.parse("2025-06-02T10:00:00Z");
const versionAt = (minutes: number) => new Date(VERSION_BASE + minutes * 60_000);

/** One report and its observations as matched entries, numbered from `first`. */
function entries(spec: ReportSpec, first = 0): MatchedEntry[] {
  const nhs = spec.nhs ?? A;
  const results = spec.results ?? [{ code: "2823-3", value: 4.2 }];
  const observations: Observation[] = results.map((r, i) => ({
    resourceType: "Observation",
    status: spec.status === "entered-in-error" ? "entered-in-error" : "final",
    code: { coding: [{ system: "http://loinc.org", code: r.code, display: `Analyte ${r.code}` }] },
    subject: { reference: "urn:uuid:patient" },
    valueQuantity: { value: r.value, unit: "mmol/L" },
    referenceRange: [{ low: { value: 3.5 }, high: { value: 5.3 } }],
    ...(r.flag ? { interpretation: [{ coding: [{ system: V3_INTERPRETATION, code: r.flag }] }] } : {}),
    identifier: [{ system: "https://lab.example/test", value: `${spec.accession}-${r.code}` }],
    id: `${spec.accession}-${i}`,
  }));
  const report: DiagnosticReport = {
    resourceType: "DiagnosticReport",
    meta: { lastUpdated: versionAt(spec.version).toISOString() },
    identifier: [{ system: "https://lab.example/accession", value: spec.accession }],
    status: spec.status ?? "final",
    category: [{ coding: [{ system: V2_0074, code: "CH" }] }],
    code: { coding: [{ system: "http://snomed.info/sct", code: "444164000", display: "Urea and electrolytes" }] },
    subject: { reference: "urn:uuid:patient" },
    effectiveDateTime: "2025-06-01T08:00:00Z",
    issued: "2025-06-02T09:00:00Z",
    performer: [{ display: "Synnovis", identifier: { value: "RJ1" } }],
    conclusion: spec.conclusion,
    result: observations.map((o) => ({ reference: `Observation/${o.id}` })),
  };
  return [report, ...observations].map((resource, i) => ({
    index: first + i,
    resource,
    fullUrl: null,
    patient: { nhsNumber: nhs, birthDate: null, family: null },
    nhsNumber: nhs,
  }));
}

const apply = (...specs: ReportSpec[]) => {
  const all: MatchedEntry[] = [];
  for (const s of specs) all.push(...entries(s, all.length));
  return applyOne(labs, meta(), all);
};
const statuses = (outcomes: EntryOutcome[]) => outcomes.map((o) => o.status);
const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

interface StoredRow {
  id: string;
  nhs_number: string;
  status: string;
  conclusion: string | null;
  abnormal: boolean;
  recorded_at: Date;
  updated_at: Date;
  source_version_at: Date;
  sender_ods: string;
  submission_id: string;
}
async function stored(
  accession: string,
): Promise<{ report: StoredRow; observations: { id: string; code: string; value_quantity: number; interpretation: string }[] }> {
  const [report] = await scratch.db.sql.query<StoredRow>(`SELECT * FROM labs.diagnostic_report WHERE source_key = $1`, [sourceKeyOf(accession)]);
  const observations = await scratch.db.sql.query<{ id: string; code: string; value_quantity: number; interpretation: string }>(
    `SELECT id, code, value_quantity, interpretation FROM labs.observation WHERE report_id = $1 ORDER BY position`,
    [report!.id],
  );
  return { report: report!, observations };
}
// The key as the mapping makes it (the sender's client id and the accession's identifier).
const sourceKeyOf = (accession: string) => reportSourceKey("client-synnovis", "https://lab.example/accession", accession);

const QUERY = { category: null, since: null, abnormalOnly: false, after: null };
const listed = async (nhs = A) => (await labs.reportsOfResidents([nhs], QUERY)).map((r) => r.id);

describe("labs FHIR ingestion", () => {
  it("applies a new report, visible in the resident's reports with its observations and provenance", async () => {
    const outcomes = await apply({
      accession: "ACC-NEW",
      version: 0,
      results: [
        { code: "2823-3", value: 4.2 },
        { code: "2951-2", value: 6.0 },
      ],
    });
    expect(outcomes).toEqual([0, 1, 2].map((index) => ({ index, status: "APPLIED" })));
    const { report, observations } = await stored("ACC-NEW");
    expect(await listed()).toContain(report.id);
    expect(report).toMatchObject({ nhs_number: A, status: "FINAL", abnormal: true, sender_ods: "RJ1", source_version_at: versionAt(0) });
    expect(report.recorded_at).toEqual(report.updated_at);
    expect(observations.map((o) => [o.code, o.value_quantity, o.interpretation])).toEqual([
      ["2823-3", 4.2, "NORMAL"],
      ["2951-2", 6, "HIGH"],
    ]);
    expect((await labs.observations([report.id])).map((o) => o.code)).toEqual(["2823-3", "2951-2"]);
  });

  it("the same version twice: DUPLICATE for every entry, nothing written", async () => {
    await apply({ accession: "ACC-DUP", version: 0, conclusion: "first" });
    const before = await stored("ACC-DUP");
    await tick();
    const outcomes = await apply({ accession: "ACC-DUP", version: 0, conclusion: "second" });
    expect(statuses(outcomes)).toEqual(["DUPLICATE", "DUPLICATE"]);
    expect(await stored("ACC-DUP")).toEqual(before);
  });

  it("a retried job (the same submission again, its outcome lost before it was logged): APPLIED, nothing written twice", async () => {
    const job = meta();
    await applyOne(labs, job, entries({ accession: "ACC-RETRY", version: 0, conclusion: "first" }));
    const before = await stored("ACC-RETRY");
    await tick();
    const outcomes = await applyOne(labs, job, entries({ accession: "ACC-RETRY", version: 0, conclusion: "first" }));
    expect(statuses(outcomes)).toEqual(["APPLIED", "APPLIED"]);
    expect(await stored("ACC-RETRY")).toEqual(before);
  });

  it("an older version after a newer one: SUPERSEDED, the newer content kept", async () => {
    await apply({ accession: "ACC-ORDER", version: 10, conclusion: "newer", results: [{ code: "2823-3", value: 5.0 }] });
    const before = await stored("ACC-ORDER");
    await tick();
    const outcomes = await apply({ accession: "ACC-ORDER", version: 5, conclusion: "older", results: [{ code: "2823-3", value: 9.9 }] });
    expect(statuses(outcomes)).toEqual(["SUPERSEDED", "SUPERSEDED"]);
    const after = await stored("ACC-ORDER");
    expect(after).toEqual(before);
    expect(after.report.conclusion).toBe("newer");
  });

  it("an amended version: updated in place, AMENDED, recorded_at kept, updated_at moved, observations replaced, in what's new", async () => {
    await apply({
      accession: "ACC-AMEND",
      version: 0,
      results: [
        { code: "2823-3", value: 4.2 },
        { code: "2951-2", value: 4.0 },
      ],
    });
    const before = await stored("ACC-AMEND");
    await tick();
    const outcomes = await apply({ accession: "ACC-AMEND", version: 30, status: "amended", results: [{ code: "2823-3", value: 2.0, flag: "LL" }] });
    expect(statuses(outcomes)).toEqual(["APPLIED", "APPLIED"]);
    const after = await stored("ACC-AMEND");
    expect(after.report.id).toBe(before.report.id);
    expect(after.report.status).toBe("AMENDED");
    expect(after.report.abnormal).toBe(true);
    expect(after.report.recorded_at).toEqual(before.report.recorded_at);
    expect(after.report.updated_at.getTime()).toBeGreaterThan(before.report.updated_at.getTime());
    expect(after.report.source_version_at).toEqual(versionAt(30));
    expect(after.report.submission_id).not.toBe(before.report.submission_id);
    expect(after.observations.map((o) => [o.code, o.value_quantity, o.interpretation])).toEqual([["2823-3", 2, "CRITICAL_LOW"]]);
    const changes = await labs.changesOf([A], before.report.recorded_at);
    expect(changes.filter((c) => c.kind === "RESULT_AMENDED" && c.at.getTime() === after.report.updated_at.getTime())).toHaveLength(1);
  });

  it("entered in error: gone from the resident's reports and from entity resolution, the row and its results kept", async () => {
    await apply({ accession: "ACC-EIE", version: 0 });
    const { report } = await stored("ACC-EIE");
    expect(await listed()).toContain(report.id);
    expect(await labs.reports([report.id])).toHaveLength(1);
    const outcomes = await apply({ accession: "ACC-EIE", version: 1, status: "entered-in-error", results: [] });
    expect(statuses(outcomes)).toEqual(["APPLIED"]);
    expect(await listed()).not.toContain(report.id);
    expect(await labs.reports([report.id])).toEqual([]);
    const after = await stored("ACC-EIE");
    expect(after.report.status).toBe("ENTERED_IN_ERROR");
    expect(after.observations).toHaveLength(1);
  });

  it("a report already recorded for another patient: REJECTED, never moved", async () => {
    await apply({ accession: "ACC-WHO", version: 0, nhs: A });
    const before = await stored("ACC-WHO");
    const outcomes = await apply({ accession: "ACC-WHO", version: 1, nhs: B, status: "corrected" });
    expect(outcomes).toEqual([0, 1].map((index) => ({ index, status: "REJECTED", reason: "the report is already recorded for another patient" })));
    expect(await stored("ACC-WHO")).toEqual(before);
    expect(await listed(B)).not.toContain(before.report.id);
  });

  it("refused entries are REJECTED and written nothing, while the rest of the batch is applied", async () => {
    const good = entries({ accession: "ACC-MIXED-OK", version: 0 });
    const bad = entries({ accession: "ACC-MIXED-BAD", version: 0 }, good.length);
    (bad[0]!.resource as DiagnosticReport).status = "unknown";
    const outcomes = await applyOne(labs, meta(), [...good, ...bad]);
    expect(statuses(outcomes)).toEqual(["APPLIED", "APPLIED", "REJECTED", "REJECTED"]);
    expect((await scratch.db.sql.query(`SELECT 1 FROM labs.diagnostic_report WHERE source_key = $1`, [sourceKeyOf("ACC-MIXED-BAD")])).length).toBe(0);
  });

  it("several submissions in one call (a worker's batch): the same entry numbers in each, each told its own outcomes, later submissions as if applied after", async () => {
    const first = meta();
    const second = meta();
    const third = meta();
    // All three number their entries from 0; the second amends the first's report; the third's report is refused.
    const bad = entries({ accession: "ACC-BATCH-BAD", version: 0 });
    (bad[0]!.resource as DiagnosticReport).status = "unknown";
    const outcomes = await labs.applyFhir([
      { meta: first, entries: entries({ accession: "ACC-BATCH", version: 0, conclusion: "first" }) },
      { meta: second, entries: entries({ accession: "ACC-BATCH", version: 1, status: "amended", conclusion: "amended" }) },
      { meta: third, entries: bad },
    ]);
    expect(outcomes.map((list) => list.map((o) => [o.index, o.status]))).toEqual([
      [
        [0, "APPLIED"],
        [1, "APPLIED"],
      ],
      [
        [0, "APPLIED"],
        [1, "APPLIED"],
      ],
      [
        [0, "REJECTED"],
        [1, "REJECTED"],
      ],
    ]);
    const { report } = await stored("ACC-BATCH");
    expect(report).toMatchObject({ conclusion: "amended", status: "AMENDED", submission_id: second.submissionId });
    // A rerun of the batch (a retry after its outcomes were lost) applies nothing twice and says so truthfully.
    const again = await labs.applyFhir([
      { meta: first, entries: entries({ accession: "ACC-BATCH", version: 0, conclusion: "first" }) },
      { meta: second, entries: entries({ accession: "ACC-BATCH", version: 1, status: "amended", conclusion: "amended" }) },
    ]);
    expect(again.map(statuses)).toEqual([
      ["SUPERSEDED", "SUPERSEDED"],
      ["APPLIED", "APPLIED"],
    ]);
    expect((await stored("ACC-BATCH")).report).toEqual(report);
  });

  it("purges the cache: a read through the cached repository shows the update that follows it", async () => {
    await apply({ accession: "ACC-CACHE", version: 0, conclusion: "before" });
    const { report } = await stored("ACC-CACHE");
    const conclusionOf = async () => (await labs.reportsOfResidents([A], QUERY)).find((r) => r.id === report.id)?.conclusion;
    const observed = async () => (await labs.observations([report.id])).map((o) => o.valueQuantity);
    const byId = async () => (await labs.reports([report.id]))[0]?.conclusion;
    expect([await conclusionOf(), await observed(), await byId()]).toEqual(["before", [4.2], "before"]);
    expect([await conclusionOf(), await observed(), await byId()]).toEqual(["before", [4.2], "before"]); // now cached
    await apply({ accession: "ACC-CACHE", version: 1, status: "corrected", conclusion: "after", results: [{ code: "2823-3", value: 4.4 }] });
    expect([await conclusionOf(), await observed(), await byId()]).toEqual(["after", [4.4], "after"]);
  });

  it("workers applying versions of the same new reports at once: no failure, the latest version wins", async () => {
    // Several workers, each with a batch of 100 new reports (the same ones, other versions), so
    // their transactions overlap: without the key locks two of them insert the same report.
    const batch = (version: number) => {
      const all: MatchedEntry[] = [];
      for (let i = 0; i < 100; i++) all.push(...entries({ accession: `ACC-RACE-${i}`, version, conclusion: `v${version}` }, all.length));
      return all;
    };
    const outcomes = await Promise.all([1, 2, 3, 4].map((v) => applyOne(labs, meta(), batch(v))));
    expect(outcomes.flat().every((o) => o.status === "APPLIED" || o.status === "SUPERSEDED")).toBe(true);
    expect((await stored("ACC-RACE-0")).report.conclusion).toBe("v4");
    expect((await stored("ACC-RACE-99")).report.conclusion).toBe("v4");
  });

  it("1,000 reports in one call: a fixed number of statements, new or updated", async () => {
    const batch = (version: number, status?: DiagnosticReport["status"]) => {
      const all: MatchedEntry[] = [];
      for (let i = 0; i < 1000; i++) all.push(...entries({ accession: `ACC-BULK-${i}`, version, status, nhs: testNhsNumber(800 + (i % 50)) }, all.length));
      return all;
    };
    const counted = async (entryList: MatchedEntry[]) => {
      const before = queryStats.statements;
      const started = performance.now();
      const outcomes = await applyOne(labs, meta(), entryList);
      return { statements: queryStats.statements - before, outcomes, ms: performance.now() - started };
    };
    const inserted = await counted(batch(0));
    expect(inserted.outcomes).toHaveLength(2000);
    expect(inserted.outcomes.every((o) => o.status === "APPLIED")).toBe(true);
    // At most BEGIN, locks, SELECT ... FOR UPDATE, INSERT reports, INSERT observations, COMMIT.
    expect(inserted.statements).toBeLessThanOrEqual(6);
    const updated = await counted(batch(1, "amended"));
    expect(updated.outcomes.every((o) => o.status === "APPLIED")).toBe(true);
    // At most BEGIN, locks, SELECT ... FOR UPDATE, UPDATE reports, DELETE observations, INSERT observations, COMMIT.
    expect(updated.statements).toBeLessThanOrEqual(7);
    const again = await counted(batch(1, "amended"));
    expect(again.outcomes.every((o) => o.status === "DUPLICATE")).toBe(true);
    expect(again.statements).toBeLessThanOrEqual(4);
    const [{ n }] = (await scratch.db.sql.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM labs.diagnostic_report WHERE status = 'AMENDED' AND source_key IS NOT NULL`,
    )) as [{ n: number }];
    expect(n).toBeGreaterThanOrEqual(1000);
    console.log(
      `labs ingestion, 2,000 resources: insert ${inserted.ms.toFixed(0)} ms (${inserted.statements} statements), update ${updated.ms.toFixed(0)} ms (${updated.statements}), duplicate ${again.ms.toFixed(0)} ms (${again.statements})`,
    );
  });
});
