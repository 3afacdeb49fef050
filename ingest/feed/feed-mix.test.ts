// The synthetic feed's pure pieces: what it makes must be what the labs mapping accepts, flagged
// the way a laboratory flags, and its one-line summaries must carry no clinical content.
import type { DiagnosticReport } from "@medplum/fhirtypes";
import { Random } from "../../platform/demo/random.js";
import { parseBundle } from "../entries.js";
import { labsFhir } from "../../subgraphs/labs/fhir.js";
import { transactionBundle, type BundlePatient } from "./lab-bundle.js";
import { analyteResult, createFeed, FEED_GENERATORS, LAB_PANELS, labReports, pickWeighted, type FeedItem } from "./feed-mix.js";

const patients: BundlePatient[] = [
  { nhsNumber: "9990000018", birthDate: "1931-04-02", family: "Okonkwo-Hartley" },
  { nhsNumber: "9990000026", birthDate: "1940-12-30", family: "Zoë Ní Bhriain" },
];
const now = new Date("2026-11-02T10:00:00Z");
const items = (n: number, seed = 1, generators = FEED_GENERATORS()): FeedItem[] => {
  const feed = createFeed({ patients, seed, runId: "T", generators });
  return Array.from({ length: n }, (_, i) => feed.next(new Date(now.getTime() + i * 1000)));
};
const reportOf = (item: FeedItem) => item.entries.find((e) => e.resource?.resourceType === "DiagnosticReport")!.resource as DiagnosticReport;

describe("laboratory panels", () => {
  it("have 1 to 12 analytes each, with ranges low < high", () => {
    for (const panel of LAB_PANELS) {
      expect(panel.analytes.length).toBeGreaterThanOrEqual(1);
      expect(panel.analytes.length).toBeLessThanOrEqual(12);
      for (const a of panel.analytes) expect(a.low).toBeLessThan(a.high);
    }
  });

  it("flag each result as the laboratory would: N inside the range, H/L outside, HH/LL beyond the critical limits", () => {
    const rng = new Random(7);
    for (let i = 0; i < 5000; i++) {
      const analyte = pickWeighted(rng, LAB_PANELS).analytes[0]!;
      const r = analyteResult(rng, analyte, 0.3);
      if (analyte.criticalHigh !== undefined && r.value >= analyte.criticalHigh) expect(r.flag).toBe("HH");
      else if (analyte.criticalLow !== undefined && r.value <= analyte.criticalLow) expect(r.flag).toBe("LL");
      else if (r.value > r.high) expect(r.flag).toBe("H");
      else if (r.value < r.low) expect(r.flag).toBe("L");
      else expect(r.flag).toBe("N");
    }
  });
});

describe("the feed", () => {
  it("makes Bundles the labs mapping accepts whole, amendments and withdrawals included", () => {
    const made = items(400, 3, [labReports({ abnormalAnalyte: 0.1, amendment: 0.1, enteredInError: 0.05 })]);
    for (const item of made) {
      const parsed = parseBundle(transactionBundle(item.entries));
      expect(parsed.issues.size).toBe(0);
      const clinical = parsed.entries.filter((e) => e.resource.resourceType !== "Patient");
      expect(clinical).toHaveLength(item.clinicalResources);
      expect([...labsFhir.validate(clinical).values()].flat()).toEqual([]);
      for (const e of clinical) expect(e.patient).toEqual(expect.objectContaining({ nhsNumber: expect.any(String), birthDate: expect.any(String) }));
    }
    const statuses = new Set(made.map((i) => reportOf(i).status));
    expect(statuses).toEqual(new Set(["final", "amended", "entered-in-error"]));
  });

  it("sends a later version of a report it sent before under the same accession, never dated earlier", () => {
    const made = items(600, 5, [labReports({ abnormalAnalyte: 0.06, amendment: 0.1, enteredInError: 0.02 })]);
    const first = new Map<string, Date>();
    let later = 0;
    for (const item of made) {
      const report = reportOf(item);
      const at = new Date(report.meta!.lastUpdated!);
      const before = first.get(item.key);
      if (before) {
        later++;
        expect(report.status).not.toBe("final");
        expect(at.getTime()).toBeGreaterThan(before.getTime());
      } else {
        expect(report.status).toBe("final");
      }
      first.set(item.key, at);
    }
    expect(later).toBeGreaterThan(0);
  });

  it("sends each report's versions in strictly increasing order even when they are made within the same second, and nothing after a withdrawal", () => {
    // Under load a sender makes many Bundles a second: every version must still be later than the last one of its report.
    const feed = createFeed({ patients, seed: 7, runId: "T", generators: [labReports({ abnormalAnalyte: 0.06, amendment: 0.3, enteredInError: 0.05 })] });
    const latest = new Map<string, { at: number; status: string }>();
    let later = 0;
    for (let i = 0; i < 2000; i++) {
      const item = feed.next(new Date(now.getTime() + Math.floor(i / 200) * 1000));
      const report = reportOf(item);
      const at = Date.parse(report.meta!.lastUpdated!);
      const before = latest.get(item.key);
      if (before) {
        later++;
        expect(before.status).not.toBe("entered-in-error");
        expect(at).toBeGreaterThan(before.at);
      }
      latest.set(item.key, { at, status: report.status });
    }
    expect(later).toBeGreaterThan(100);
  });

  it("has abnormal reports at a realistic rate (about a third) and 1 to 12 observations a report", () => {
    const made = items(2000, 11).filter((i) => reportOf(i).status === "final");
    const abnormal = made.filter((i) => / [1-9]\d* abnormal/.test(i.summary)).length / made.length;
    expect(abnormal).toBeGreaterThan(0.15);
    expect(abnormal).toBeLessThan(0.5);
    for (const i of made) {
      expect(i.clinicalResources - 1).toBeGreaterThanOrEqual(1);
      expect(i.clinicalResources - 1).toBeLessThanOrEqual(12);
    }
  });

  it("is the same for the same seed, and unique per run id", () => {
    const strip = (i: FeedItem) => JSON.stringify(i.entries);
    expect(items(50, 9).map(strip)).toEqual(items(50, 9).map(strip));
    const a = createFeed({ patients, seed: 1, runId: "A" }).next(now);
    const b = createFeed({ patients, seed: 1, runId: "B" }).next(now);
    expect(a.key).not.toBe(b.key);
  });

  it("summarises each Bundle without names, full NHS numbers or values", () => {
    for (const item of items(300, 13)) {
      for (const p of patients) {
        expect(item.summary).not.toContain(p.family);
        expect(item.summary).not.toContain(p.nhsNumber);
        expect(item.summary).not.toContain(p.birthDate);
      }
      expect(item.summary).not.toMatch(/\d+\.\d+/);
    }
  });

  it("refuses to run without patients", () => {
    expect(() => createFeed({ patients: [], seed: 1, runId: "X" })).toThrow();
  });
});
