import { carePlanChanges, type ChangedPlan } from "./changes.js";

const since = new Date("2025-06-01T00:00:00Z");
const now = new Date("2025-06-10T15:00:00Z");
const at = (iso: string) => new Date(`2025-${iso}Z`);
const day = (iso: string) => new Date(`2025-${iso}T00:00:00Z`);
const plan = (p: Partial<ChangedPlan>): ChangedPlan => ({
  nhsNumber: "9990000018",
  status: "SUBMITTED",
  submittedAt: null,
  approvedAt: null,
  reviewDate: null,
  ...p,
});
const changes = (plans: ChangedPlan[], from = since) => carePlanChanges(plans, from, now).map((c) => [c.section, c.kind, c.at.toISOString(), c.abnormal]);

describe("carePlanChanges", () => {
  it("SUBMITTED at submitted_at and APPROVED at approved_at, when set and since", () => {
    expect(changes([plan({ status: "DRAFT" })])).toEqual([]);
    expect(changes([plan({ submittedAt: at("06-02T10:00:00") })])).toEqual([["CARE_PLAN", "CARE_PLAN_SUBMITTED", "2025-06-02T10:00:00.000Z", false]]);
    expect(changes([plan({ status: "SUPERSEDED", submittedAt: at("05-02T10:00:00"), approvedAt: at("06-03T10:00:00"), reviewDate: day("06-05") })])).toEqual([
      ["CARE_PLAN", "CARE_PLAN_APPROVED", "2025-06-03T10:00:00.000Z", false],
    ]);
  });

  it("the approved plan's review due (on or before today): at the review date, or at since when older (a standing state)", () => {
    const approved = { status: "APPROVED" as const, submittedAt: at("01-02T10:00:00"), approvedAt: at("01-03T10:00:00") };
    expect(changes([plan({ ...approved, reviewDate: day("06-04") })])).toEqual([["CARE_PLAN", "CARE_PLAN_REVIEW_DUE", "2025-06-04T00:00:00.000Z", false]]);
    expect(changes([plan({ ...approved, reviewDate: day("06-10") })])).toEqual([["CARE_PLAN", "CARE_PLAN_REVIEW_DUE", "2025-06-10T00:00:00.000Z", false]]);
    expect(changes([plan({ ...approved, reviewDate: day("02-01") })])).toEqual([["CARE_PLAN", "CARE_PLAN_REVIEW_DUE", since.toISOString(), false]]);
    // Not yet due, or not the current plan: nothing.
    expect(changes([plan({ ...approved, reviewDate: day("06-11") })])).toEqual([]);
    expect(changes([plan({ ...approved, status: "SUPERSEDED", reviewDate: day("02-01") })])).toEqual([]);
  });

  it("a plan approved since with its review already due reports both", () => {
    expect(changes([plan({ status: "APPROVED", submittedAt: at("06-01T09:00:00"), approvedAt: at("06-02T09:00:00"), reviewDate: day("06-09") })])).toEqual([
      ["CARE_PLAN", "CARE_PLAN_SUBMITTED", "2025-06-01T09:00:00.000Z", false],
      ["CARE_PLAN", "CARE_PLAN_APPROVED", "2025-06-02T09:00:00.000Z", false],
      ["CARE_PLAN", "CARE_PLAN_REVIEW_DUE", "2025-06-09T00:00:00.000Z", false],
    ]);
  });
});
