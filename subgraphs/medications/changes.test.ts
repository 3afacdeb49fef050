import { medicationChanges, type ChangedRows } from "./changes.js";

const since = new Date("2025-06-01T00:00:00Z");
const at = (iso: string) => new Date(`2025-${iso}Z`);
const nhsNumber = "9990000018";
const received = (recorded: string, updated = recorded) => ({ nhsNumber, recordedAt: at(recorded), updatedAt: at(updated) });
const changes = (r: Partial<ChangedRows>) =>
  medicationChanges({ requests: [], prescriptions: [], ...r }, since).map((c) => [c.section, c.kind, c.at.toISOString(), c.abnormal]);

describe("medicationChanges", () => {
  it("a request: MEDICINE_PRESCRIBED at recorded_at", () => {
    expect(changes({ requests: [{ ...received("06-02T10:00:00", "06-03T10:00:00"), status: "ACTIVE" }] })).toEqual([
      ["MEDICATIONS", "MEDICINE_PRESCRIBED", "2025-06-02T10:00:00.000Z", false],
    ]);
  });

  it("a stopped or cancelled request updated later: also MEDICINE_STOPPED at updated_at", () => {
    for (const status of ["STOPPED", "CANCELLED"] as const)
      expect(changes({ requests: [{ ...received("06-02T10:00:00", "06-03T10:00:00"), status }] })).toEqual([
        ["MEDICATIONS", "MEDICINE_PRESCRIBED", "2025-06-02T10:00:00.000Z", false],
        ["MEDICATIONS", "MEDICINE_STOPPED", "2025-06-03T10:00:00.000Z", false],
      ]);
    // Recorded already stopped: prescribed and stopped before the record knew; no stop to tell of.
    expect(changes({ requests: [{ ...received("06-02T10:00:00"), status: "STOPPED" }] })).toEqual([
      ["MEDICATIONS", "MEDICINE_PRESCRIBED", "2025-06-02T10:00:00.000Z", false],
    ]);
    expect(changes({ requests: [{ ...received("06-02T10:00:00", "06-03T10:00:00"), status: "COMPLETED" }] })).toHaveLength(1);
  });

  it("a request withdrawn as entered in error: MEDICINE_STOPPED when the record had shown it, nothing when it arrived withdrawn", () => {
    expect(changes({ requests: [{ ...received("06-02T10:00:00", "06-03T10:00:00"), status: "ENTERED_IN_ERROR" }] })).toEqual([
      ["MEDICATIONS", "MEDICINE_PRESCRIBED", "2025-06-02T10:00:00.000Z", false],
      ["MEDICATIONS", "MEDICINE_STOPPED", "2025-06-03T10:00:00.000Z", false],
    ]);
    expect(changes({ requests: [{ ...received("06-02T10:00:00"), status: "ENTERED_IN_ERROR" }] })).toEqual([]);
  });

  it("an EPS prescription: ISSUED at recorded_at; DISPENSED (dispensed or claimed) or NOT_DISPENSED at updated_at, also when equal", () => {
    expect(changes({ prescriptions: [{ ...received("06-02T10:00:00", "06-03T10:00:00"), status: "WITH_DISPENSER" }] })).toEqual([
      ["MEDICATIONS", "PRESCRIPTION_ISSUED", "2025-06-02T10:00:00.000Z", false],
    ]);
    for (const status of ["DISPENSED", "CLAIMED"] as const)
      expect(changes({ prescriptions: [{ ...received("06-02T10:00:00", "06-03T10:00:00"), status }] })).toEqual([
        ["MEDICATIONS", "PRESCRIPTION_ISSUED", "2025-06-02T10:00:00.000Z", false],
        ["MEDICATIONS", "PRESCRIPTION_DISPENSED", "2025-06-03T10:00:00.000Z", false],
      ]);
    expect(changes({ prescriptions: [{ ...received("06-02T10:00:00"), status: "NOT_DISPENSED" }] })).toEqual([
      ["MEDICATIONS", "PRESCRIPTION_ISSUED", "2025-06-02T10:00:00.000Z", false],
      ["MEDICATIONS", "PRESCRIPTION_NOT_DISPENSED", "2025-06-02T10:00:00.000Z", false],
    ]);
  });

  it("only what happened at or after since", () => {
    expect(changes({ requests: [{ ...received("05-02T10:00:00", "05-03T10:00:00"), status: "STOPPED" }] })).toEqual([]);
    expect(changes({ prescriptions: [{ ...received("05-02T10:00:00", "06-03T10:00:00"), status: "DISPENSED" }] })).toEqual([
      ["MEDICATIONS", "PRESCRIPTION_DISPENSED", "2025-06-03T10:00:00.000Z", false],
    ]);
  });
});
