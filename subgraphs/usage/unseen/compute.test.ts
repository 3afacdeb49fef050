import { Kind, type EnumTypeDefinitionNode } from "graphql";
import { loadTypeDefs } from "../../../platform/subgraph/server.js";
import { about } from "../manifest.js";
import { CHANGE_KINDS, knownChanges, residentUnseen, seenUpTo, type Change, type LastLook, type SectionChanges } from "./compute.js";
import { CHANGING_SECTIONS, type ChangingSection } from "./sections.js";
import { ASSUMED_LIST_SIZES } from "../../../gateway/cost.js";
import { MAX_LISTED_CHANGES } from "./compute.js";

const at = (minutes: number) => new Date(Date.UTC(2026, 11, 1, 12, minutes));
const change = (minutes: number, kind: Change["kind"] = "RESULT_RECEIVED", abnormal = false): Change => ({ kind, at: at(minutes), abnormal });
const answers = (entries: [ChangingSection, SectionChanges][]) => new Map(entries);
const looks = (entries: [ChangingSection, LastLook][]) => new Map(entries);
const MARGIN = 5 * 60_000;

describe("seenUpTo", () => {
  it("is the view less the margin, or the acknowledgement, whichever is later; null when never looked", () => {
    expect(seenUpTo(undefined, MARGIN)).toBeNull();
    expect(seenUpTo({ viewedAt: at(30), acknowledgedUpTo: null }, MARGIN)).toEqual(at(25));
    expect(seenUpTo({ viewedAt: at(30), acknowledgedUpTo: at(28) }, MARGIN)).toEqual(at(28));
    expect(seenUpTo({ viewedAt: null, acknowledgedUpTo: at(10) }, MARGIN)).toEqual(at(10));
  });
});

describe("residentUnseen", () => {
  it("counts changes after the last look, newest first, with the oldest as since", () => {
    const u = residentUnseen(
      "CARE_HOME",
      answers([["DIAGNOSTIC_REPORTS", { changes: [change(10), change(40, "RESULT_RECEIVED", true), change(50, "RESULT_AMENDED")] }]]),
      looks([["DIAGNOSTIC_REPORTS", { viewedAt: at(30), acknowledgedUpTo: null }]]),
      MARGIN,
    );
    const results = u.sections.find((s) => s.section === "DIAGNOSTIC_REPORTS")!;
    expect(results).toMatchObject({ status: "NEW", count: 2, since: at(40), abnormal: true, lastLookedAt: at(30) });
    expect(results.changes!.map((c) => c.at)).toEqual([at(50), at(40)]);
    expect(u).toMatchObject({ count: 2, since: at(40), newestAt: at(50), abnormal: true });
  });

  it("keeps a change received within the margin before a view new (it may not have been shown)", () => {
    const u = residentUnseen(
      "GP",
      answers([["MEDICATIONS", { changes: [change(28, "PRESCRIPTION_ISSUED")] }]]),
      looks([["MEDICATIONS", { viewedAt: at(30), acknowledgedUpTo: null }]]),
      MARGIN,
    );
    expect(u.sections.find((s) => s.section === "MEDICATIONS")!.status).toBe("NEW");
  });

  it("leaves out the sections the caller's group may not see in full (urgent care: all of them), even with changes", () => {
    const u = residentUnseen("URGENT_CARE", answers([["DIAGNOSTIC_REPORTS", { changes: [change(10, "RESULT_RECEIVED", true)] }]]), looks([]), MARGIN);
    expect(u.sections).toEqual([]);
    expect(u).toMatchObject({ count: 0, abnormal: false });
  });

  it("an outage is UNAVAILABLE with no count, and the whole answer incomplete; a section with no answer at all is too", () => {
    const outage = { sourceSystem: "Pathology", since: at(1) };
    const u = residentUnseen(
      "CARE_HOME",
      answers([
        ["DIAGNOSTIC_REPORTS", { outage }],
        ["MEDICATIONS", { changes: [change(5, "PRESCRIPTION_DISPENSED")] }],
      ]),
      looks([]),
      MARGIN,
    );
    expect(u.sections.find((s) => s.section === "DIAGNOSTIC_REPORTS")).toMatchObject({ status: "UNAVAILABLE", count: null, changes: null, outage });
    expect(u.sections.find((s) => s.section === "CARE_PLAN")).toMatchObject({ status: "UNAVAILABLE", count: null });
    expect(u).toMatchObject({ incomplete: true, count: 1 });
  });
});

describe("change kinds", () => {
  it("are exactly the schema's ChangeKind values", () => {
    const enumDef = loadTypeDefs(about.schema).definitions.find(
      (d): d is EnumTypeDefinitionNode => d.kind === Kind.ENUM_TYPE_DEFINITION && d.name.value === "ChangeKind",
    );
    expect(enumDef?.values?.map((v) => v.name.value)).toEqual([...CHANGE_KINDS]);
  });

  it("a kind the schema does not know (a newer subgraph) is not shown", () => {
    expect(
      knownChanges([
        { kind: "SOMETHING_NEW", at: at(1), abnormal: false },
        { kind: "ADMITTED", at: at(2), abnormal: false },
      ]),
    ).toEqual([{ kind: "ADMITTED", at: at(2), abnormal: false }]);
  });
});

describe("the gateway's cost model", () => {
  it("assumes the list sizes this subgraph answers at most", () => {
    expect(ASSUMED_LIST_SIZES["ResidentUnseen.sections"]).toBe(CHANGING_SECTIONS.length);
    expect(ASSUMED_LIST_SIZES["CareHomeUnseen.sections"]).toBe(CHANGING_SECTIONS.length);
    expect(ASSUMED_LIST_SIZES["UnseenSection.changes"]).toBe(MAX_LISTED_CHANGES);
  });
});
