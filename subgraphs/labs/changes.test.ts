import { labsChanges, type ChangedReport } from "./changes.js";

const since = new Date("2025-06-01T00:00:00Z");
const at = (iso: string) => new Date(`2025-${iso}Z`);
const report = (r: Partial<ChangedReport>): ChangedReport => ({
  nhsNumber: "9990000018",
  status: "FINAL",
  abnormal: false,
  recordedAt: at("06-02T10:00:00"),
  updatedAt: at("06-02T10:00:00"),
  ...r,
});
const kinds = (reports: ChangedReport[]) => labsChanges(reports, since).map((c) => [c.kind, c.at.toISOString(), c.abnormal]);

describe("labsChanges", () => {
  it("a report received since: RESULT_RECEIVED at recorded_at, in DIAGNOSTIC_REPORTS, abnormal as the report", () => {
    expect(labsChanges([report({ abnormal: true })], since)).toEqual([
      { nhsNumber: "9990000018", section: "DIAGNOSTIC_REPORTS", kind: "RESULT_RECEIVED", at: at("06-02T10:00:00"), abnormal: true },
    ]);
  });

  it("an amended, corrected, appended or entered-in-error (withdrawn) report updated later: also RESULT_AMENDED at updated_at", () => {
    for (const status of ["AMENDED", "CORRECTED", "APPENDED", "ENTERED_IN_ERROR"] as const)
      expect(kinds([report({ status, abnormal: true, updatedAt: at("06-03T09:00:00") })])).toEqual([
        ["RESULT_RECEIVED", "2025-06-02T10:00:00.000Z", true],
        ["RESULT_AMENDED", "2025-06-03T09:00:00.000Z", true],
      ]);
  });

  it("no RESULT_AMENDED for a final report updated later, nor for an amended one never updated", () => {
    expect(kinds([report({ updatedAt: at("06-03T09:00:00") })])).toEqual([["RESULT_RECEIVED", "2025-06-02T10:00:00.000Z", false]]);
    expect(kinds([report({ status: "AMENDED" })])).toEqual([["RESULT_RECEIVED", "2025-06-02T10:00:00.000Z", false]]);
  });

  it("skips a report that arrived entered in error (FHIR ingestion): the record never showed it", () => {
    expect(kinds([report({ status: "ENTERED_IN_ERROR" })])).toEqual([]);
  });

  it("skips cancelled and registered reports (no result)", () => {
    expect(kinds([report({ status: "CANCELLED" }), report({ status: "REGISTERED" })])).toEqual([]);
  });

  it("reports only what happened at or after since: an old report amended since is RESULT_AMENDED only", () => {
    expect(kinds([report({ recordedAt: at("05-20T10:00:00") })])).toEqual([]);
    expect(kinds([report({ recordedAt: since })])).toEqual([["RESULT_RECEIVED", since.toISOString(), false]]);
    expect(kinds([report({ status: "CORRECTED", recordedAt: at("05-20T10:00:00"), updatedAt: at("06-05T10:00:00") })])).toEqual([
      ["RESULT_AMENDED", "2025-06-05T10:00:00.000Z", false],
    ]);
  });
});
