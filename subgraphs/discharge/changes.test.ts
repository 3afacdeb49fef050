import { dischargeChanges, type ChangedRows } from "./changes.js";

const since = new Date("2025-06-01T00:00:00Z");
const at = (iso: string) => new Date(`2025-${iso}Z`);
const nhsNumber = "9990000018";
const received = (recorded: string, updated = recorded) => ({ nhsNumber, recordedAt: at(recorded), updatedAt: at(updated) });
const rows = (r: Partial<ChangedRows>): ChangedRows => ({ summaries: [], stays: [], emergencyCare: [], ...r });
const changes = (r: Partial<ChangedRows>) => dischargeChanges(rows(r), since).map((c) => [c.section, c.kind, c.at.toISOString(), c.abnormal]);

describe("dischargeChanges", () => {
  it("a summary: RECEIVED at recorded_at, and AMENDED at updated_at only when updated later", () => {
    expect(changes({ summaries: [received("06-02T10:00:00")] })).toEqual([
      ["DISCHARGE_SUMMARIES", "DISCHARGE_SUMMARY_RECEIVED", "2025-06-02T10:00:00.000Z", false],
    ]);
    expect(changes({ summaries: [received("06-02T10:00:00", "06-04T08:00:00")] })).toEqual([
      ["DISCHARGE_SUMMARIES", "DISCHARGE_SUMMARY_RECEIVED", "2025-06-02T10:00:00.000Z", false],
      ["DISCHARGE_SUMMARIES", "DISCHARGE_SUMMARY_AMENDED", "2025-06-04T08:00:00.000Z", false],
    ]);
  });

  it("a stay: ADMITTED at recorded_at; DISCHARGED at updated_at once finished, also when it arrived finished", () => {
    expect(changes({ stays: [{ ...received("06-02T10:00:00", "06-03T10:00:00"), status: "IN_PROGRESS" }] })).toEqual([
      ["HOSPITAL_STAYS", "ADMITTED", "2025-06-02T10:00:00.000Z", false],
    ]);
    expect(changes({ stays: [{ ...received("06-02T10:00:00", "06-05T10:00:00"), status: "FINISHED" }] })).toEqual([
      ["HOSPITAL_STAYS", "ADMITTED", "2025-06-02T10:00:00.000Z", false],
      ["HOSPITAL_STAYS", "DISCHARGED", "2025-06-05T10:00:00.000Z", false],
    ]);
    expect(changes({ stays: [{ ...received("06-02T10:00:00"), status: "FINISHED" }] })).toEqual([
      ["HOSPITAL_STAYS", "ADMITTED", "2025-06-02T10:00:00.000Z", false],
      ["HOSPITAL_STAYS", "DISCHARGED", "2025-06-02T10:00:00.000Z", false],
    ]);
  });

  it("an emergency care summary: EMERGENCY_ATTENDANCE at recorded_at", () => {
    expect(changes({ emergencyCare: [received("06-02T10:00:00", "06-09T10:00:00")] })).toEqual([
      ["EMERGENCY_CARE", "EMERGENCY_ATTENDANCE", "2025-06-02T10:00:00.000Z", false],
    ]);
  });

  it("only what happened at or after since: a stay admitted before and discharged since is DISCHARGED only", () => {
    expect(changes({ summaries: [received("05-31T23:59:59")], emergencyCare: [received("05-01T10:00:00")] })).toEqual([]);
    expect(changes({ stays: [{ ...received("05-20T10:00:00", "06-01T00:00:00"), status: "FINISHED" }] })).toEqual([
      ["HOSPITAL_STAYS", "DISCHARGED", "2025-06-01T00:00:00.000Z", false],
    ]);
  });
});

describe("dischargeChanges: ingested withdrawals", () => {
  it("a summary withdrawn after it was shown is AMENDED; one that arrived withdrawn tells nothing", () => {
    expect(changes({ summaries: [{ ...received("06-02T10:00:00", "06-03T10:00:00"), status: "ENTERED_IN_ERROR" }] })).toEqual([
      ["DISCHARGE_SUMMARIES", "DISCHARGE_SUMMARY_RECEIVED", "2025-06-02T10:00:00.000Z", false],
      ["DISCHARGE_SUMMARIES", "DISCHARGE_SUMMARY_AMENDED", "2025-06-03T10:00:00.000Z", false],
    ]);
    expect(changes({ summaries: [{ ...received("06-02T10:00:00"), status: "ENTERED_IN_ERROR" }] })).toEqual([]);
  });

  it("a withdrawn stay or emergency contact tells nothing (it is in no view)", () => {
    expect(
      changes({
        stays: [{ ...received("06-02T10:00:00", "06-03T10:00:00"), status: "FINISHED", retracted: "ENTERED_IN_ERROR" }],
        emergencyCare: [{ ...received("06-02T10:00:00"), retracted: "CANCELLED" }],
      }),
    ).toEqual([]);
  });
});
