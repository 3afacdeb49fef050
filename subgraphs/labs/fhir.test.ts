// The labs FHIR mapping (fhir.ts), pure: each safety rule, the rows it produces, and diagnostics
// that never quote what the sender sent.
import type { DiagnosticReport, Observation, Resource } from "@medplum/fhirtypes";
import type { FhirIssue, IngestEntry, MatchedEntry, SubmissionMeta } from "../../platform/ingest/contract.js";
import { labsFhir, reportIdOf, reportSourceKey, V2_0074, V3_INTERPRETATION } from "./fhir.js";

const NHS = "9990000018";
const OTHER_NHS = "9990000026";
const META: SubmissionMeta = {
  submissionId: "sub-1",
  sourceId: "client-synnovis",
  sourceSystem: "Synnovis LIMS",
  senderOds: "RJ1",
  sourceKind: "laboratory",
  receivedAt: "2025-06-02T12:00:00Z",
};
const LAB_ID = "https://lab.example/accession";

function observation(n: number, over: Partial<Observation> = {}): Observation {
  return {
    resourceType: "Observation",
    id: `ob${n}`,
    status: "final",
    code: { coding: [{ system: "http://loinc.org", code: "2823-3", display: "Potassium" }] },
    subject: { reference: "urn:uuid:patient" },
    valueQuantity: { value: 4.2, unit: "mmol/L", system: "http://unitsofmeasure.org", code: "mmol/L" },
    referenceRange: [{ low: { value: 3.5, unit: "mmol/L" }, high: { value: 5.3, unit: "mmol/L" } }],
    interpretation: [{ coding: [{ system: V3_INTERPRETATION, code: "N" }] }],
    ...over,
  };
}

function report(over: Partial<DiagnosticReport> = {}, results = ["urn:uuid:ob-1", "urn:uuid:ob-2"]): DiagnosticReport {
  return {
    resourceType: "DiagnosticReport",
    id: "dr1",
    meta: { lastUpdated: "2025-06-02T10:00:00.000Z" },
    identifier: [{ system: LAB_ID, value: "ACC-0001" }],
    status: "final",
    category: [{ coding: [{ system: V2_0074, code: "CH" }] }],
    code: { coding: [{ system: "http://snomed.info/sct", code: "444164000", display: "Urea and electrolytes" }] },
    subject: { reference: "urn:uuid:patient" },
    effectiveDateTime: "2025-06-01T08:30:00+01:00",
    issued: "2025-06-02T09:00:00Z",
    performer: [{ display: "Synnovis", identifier: { system: "https://fhir.nhs.uk/Id/ods-organization-code", value: "RJ1" } }],
    basedOn: [{ display: "GP practice" }],
    conclusion: "Normal",
    result: results.map((reference) => ({ reference })),
    ...over,
  };
}

/** A submission: entries in order, observations with fullUrl urn:uuid:ob-<n>, every entry matched to NHS. */
function submission(...resources: Resource[]): MatchedEntry[] {
  let ob = 0;
  return resources.map((resource, index) => ({
    index,
    resource,
    fullUrl: resource.resourceType === "Observation" ? `urn:uuid:ob-${++ob}` : `urn:uuid:entry-${index}`,
    patient: { nhsNumber: NHS, birthDate: null, family: null },
    nhsNumber: NHS,
  }));
}

const standard = () => submission(report(), observation(1), observation(2, { code: { coding: [{ code: "2951-2", display: "Sodium" }] } }));
const issuesOf = (entries: IngestEntry[], index = 0): FhirIssue[] => labsFhir.validate(entries).get(index) ?? [];
const paths = (issues: FhirIssue[]) => issues.flatMap((i) => i.expression ?? []);
const codes = (issues: FhirIssue[]) => issues.map((i) => i.code);

describe("labs FHIR mapping: a valid report", () => {
  it("has no issues and becomes one report row and its observations, with provenance", () => {
    const entries = standard();
    expect(labsFhir.validate(entries).size).toBe(0);
    const { reports, rejected } = labsFhir.toRows(META, entries);
    expect(rejected).toEqual([]);
    expect(reports).toHaveLength(1);
    const [r] = reports;
    expect(r!.indexes).toEqual([0, 1, 2]);
    expect(r!.report).toEqual({
      id: expect.stringMatching(/^DR-[a-z]{24}$/),
      nhsNumber: NHS,
      status: "FINAL",
      category: "CLINICAL_CHEMISTRY",
      code: "444164000",
      display: "Urea and electrolytes",
      effectiveAt: new Date("2025-06-01T07:30:00Z"),
      issuedAt: new Date("2025-06-02T09:00:00Z"),
      performerName: "Synnovis",
      performerOds: "RJ1",
      requester: "GP practice",
      conclusion: "Normal",
      abnormal: false,
      sourceSystem: "Synnovis LIMS",
      sourceKey: reportSourceKey(META.sourceId, LAB_ID, "ACC-0001"),
      sourceVersionAt: new Date("2025-06-02T10:00:00Z"),
      senderOds: "RJ1",
      submissionId: "sub-1",
    });
    expect(
      r!.observations.map((o) => [o.position, o.code, o.display, o.status, o.valueQuantity, o.unit, o.referenceLow, o.referenceHigh, o.interpretation]),
    ).toEqual([
      [1, "2823-3", "Potassium", "FINAL", 4.2, "mmol/L", 3.5, 5.3, "NORMAL"],
      [2, "2951-2", "Sodium", "FINAL", 4.2, "mmol/L", 3.5, 5.3, "NORMAL"],
    ]);
    expect(r!.observations.every((o) => /^OB-[a-z]{24}$/.test(o.id) && o.reportId === r!.report.id && o.sourceSystem === "Synnovis LIMS")).toBe(true);
    expect(new Set(r!.observations.map((o) => o.id)).size).toBe(2);
  });

  it("derives the same ids for every version of a report, and other ids for another sender or identifier", () => {
    const id = (meta: SubmissionMeta, entries: MatchedEntry[]) => labsFhir.toRows(meta, entries).reports[0]!.report.id;
    const first = id(META, standard());
    const amended = submission(report({ status: "amended", meta: { lastUpdated: "2025-06-02T11:00:00Z" } }), observation(1), observation(2));
    expect(id(META, amended)).toBe(first);
    expect(labsFhir.toRows(META, amended).reports[0]!.observations.map((o) => o.id)).toEqual(
      labsFhir.toRows(META, standard()).reports[0]!.observations.map((o) => o.id),
    );
    expect(id({ ...META, sourceId: "client-other" }, standard())).not.toBe(first);
    expect(id(META, submission(report({ identifier: [{ system: LAB_ID, value: "ACC-0002" }] }), observation(1), observation(2)))).not.toBe(first);
    expect(reportIdOf(reportSourceKey(META.sourceId, LAB_ID, "ACC-0001"))).toBe(first);
  });

  it("takes the report's code from text when there is no coding, effectivePeriod.start, and the sender's ODS when the performer has none", () => {
    const entries = submission(
      report({ code: { text: "Renal profile" }, effectiveDateTime: undefined, effectivePeriod: { start: "2025-06-01" }, performer: [{ display: "Lab" }] }, []),
    );
    expect(labsFhir.validate(entries).size).toBe(0);
    const row = labsFhir.toRows(META, entries).reports[0]!.report;
    expect([row.code, row.display, row.effectiveAt.toISOString(), row.performerOds, row.abnormal]).toEqual([
      "",
      "Renal profile",
      "2025-06-01T00:00:00.000Z",
      "RJ1",
      false,
    ]);
  });

  it("maps every report status but unknown", () => {
    const map = {
      registered: "REGISTERED",
      partial: "PARTIAL",
      preliminary: "PRELIMINARY",
      final: "FINAL",
      amended: "AMENDED",
      corrected: "CORRECTED",
      appended: "APPENDED",
      cancelled: "CANCELLED",
      "entered-in-error": "ENTERED_IN_ERROR",
    } as const;
    for (const [fhir, ours] of Object.entries(map))
      expect(labsFhir.toRows(META, submission(report({ status: fhir as DiagnosticReport["status"] }, []))).reports[0]!.report.status).toBe(ours);
    const issues = issuesOf(submission(report({ status: "unknown" }, [])));
    expect(paths(issues)).toEqual(["DiagnosticReport.status"]);
    expect(issues[0]!.diagnostics).toContain("entered-in-error");
    expect(issues[0]!.diagnostics).not.toMatch(/\bunknown\b/);
  });

  it("maps HL7 v2-0074 categories", () => {
    const map: Record<string, string> = {
      HM: "HAEMATOLOGY",
      CH: "CLINICAL_CHEMISTRY",
      MB: "MICROBIOLOGY",
      MCB: "MICROBIOLOGY",
      RAD: "IMAGING",
      IMG: "IMAGING",
      RX: "IMAGING",
      CT: "IMAGING",
      US: "IMAGING",
      NMR: "IMAGING",
      CUS: "CARDIOLOGY",
      EC: "CARDIOLOGY",
      CTH: "CARDIOLOGY",
    };
    for (const [code, ours] of Object.entries(map))
      expect(labsFhir.toRows(META, submission(report({ category: [{ coding: [{ system: V2_0074, code }] }] }, []))).reports[0]!.report.category).toBe(ours);
  });
});

describe("labs FHIR mapping: a report is refused", () => {
  const refused = (over: Partial<DiagnosticReport>) => issuesOf(submission(report(over, [])));

  it("without an identifier with system and value", () => {
    expect(paths(refused({ identifier: undefined }))).toEqual(["DiagnosticReport.identifier"]);
    expect(paths(refused({ identifier: [{ value: "ACC-0001" }] }))).toEqual(["DiagnosticReport.identifier"]);
  });

  it("without meta.lastUpdated as an instant", () => {
    expect(paths(refused({ meta: {} }))).toEqual(["DiagnosticReport.meta.lastUpdated"]);
    expect(paths(refused({ meta: { lastUpdated: "2025-06-02" } }))).toEqual(["DiagnosticReport.meta.lastUpdated"]);
    expect(paths(refused({ meta: { lastUpdated: "2025-06-02T10:00:00" } }))).toEqual(["DiagnosticReport.meta.lastUpdated"]); // no zone
  });

  it("with an unknown category (naming the supported codes), or one from another code system", () => {
    const issues = refused({ category: [{ coding: [{ system: V2_0074, code: "PAT" }] }] });
    expect(codes(issues)).toEqual(["value"]);
    expect(paths(issues)).toEqual(["DiagnosticReport.category"]);
    expect(issues[0]!.diagnostics).toContain("HM, CH, MB, MCB, RAD, IMG, RX, CT, US, NMR, CUS, EC, CTH");
    expect(codes(refused({ category: [{ coding: [{ system: "http://snomed.info/sct", code: "CH" }] }] }))).toEqual(["value"]);
    expect(codes(refused({ category: undefined }))).toEqual(["required"]);
  });

  it("without a code, effective time, issued, performer or subject", () => {
    expect(paths(refused({ code: { coding: [{ code: "444164000" }] } }))).toEqual(["DiagnosticReport.code"]);
    expect(paths(refused({ effectiveDateTime: undefined }))).toEqual(["DiagnosticReport.effectivePeriod.start"]);
    expect(paths(refused({ effectiveDateTime: "2025-06" }))).toEqual(["DiagnosticReport.effectiveDateTime"]);
    expect(paths(refused({ effectiveDateTime: "2025-02-30" }))).toEqual(["DiagnosticReport.effectiveDateTime"]);
    expect(paths(refused({ issued: undefined }))).toEqual(["DiagnosticReport.issued"]);
    expect(paths(refused({ performer: [{ reference: "Organization/1" }] }))).toEqual(["DiagnosticReport.performer"]);
    expect(paths(refused({ subject: undefined }))).toEqual(["DiagnosticReport.subject"]);
  });

  it("when a result it lists is not in the submission (by fullUrl or Observation/<id>)", () => {
    const byId = submission(report({}, ["Observation/ob1", "Observation/ob2"]), observation(1), observation(2));
    expect(labsFhir.validate(byId).size).toBe(0);
    const missing = submission(report({}, ["urn:uuid:ob-1", "urn:uuid:ob-9"]), observation(1));
    expect(issuesOf(missing).map((i) => [i.code, i.expression])).toEqual([["invariant", ["DiagnosticReport.result[1]"]]]);
    // Its observation stands or falls with it.
    expect(codes(issuesOf(missing, 1))).toEqual(["invariant"]);
  });

  it("with the same identifier twice in one submission", () => {
    const entries = submission(report({}, []), report({}, []));
    expect(issuesOf(entries, 0)).toEqual([]);
    expect(codes(issuesOf(entries, 1))).toEqual(["duplicate"]);
  });
});

describe("labs FHIR mapping: observations", () => {
  const withObservation = (over: Partial<Observation>) => submission(report({}, ["urn:uuid:ob-1"]), observation(1, over));
  const obIssues = (over: Partial<Observation>) => issuesOf(withObservation(over), 1);
  const row = (over: Partial<Observation>) => {
    const entries = withObservation(over);
    expect(labsFhir.validate(entries).size).toBe(0);
    return labsFhir.toRows(META, entries).reports[0]!;
  };

  it("an Observation no DiagnosticReport of the submission lists is refused", () => {
    const entries = submission(report({}, ["urn:uuid:ob-1"]), observation(1), observation(2));
    const issues = issuesOf(entries, 2);
    expect(issues).toEqual([
      {
        severity: "error",
        code: "invariant",
        diagnostics: "send an Observation with the DiagnosticReport that lists it in result",
        expression: ["Observation"],
      },
    ]);
    expect(issuesOf(entries, 0)).toEqual([]);
    expect(labsFhir.toRows(META, entries).rejected).toEqual([
      { index: 2, status: "REJECTED", reason: "send an Observation with the DiagnosticReport that lists it in result" },
    ]);
  });

  it("an Observation listed by two reports is refused, with both reports", () => {
    const entries = submission(
      report({}, ["urn:uuid:ob-1"]),
      report({ identifier: [{ system: LAB_ID, value: "ACC-0002" }] }, ["urn:uuid:ob-1"]),
      observation(1),
    );
    const v = labsFhir.validate(entries);
    expect([...v.keys()].sort()).toEqual([0, 1, 2]);
  });

  it("maps statuses: registered as PRELIMINARY, unknown refused", () => {
    expect(row({ status: "registered" }).observations[0]!.status).toBe("PRELIMINARY");
    for (const [fhir, ours] of [
      ["preliminary", "PRELIMINARY"],
      ["final", "FINAL"],
      ["amended", "AMENDED"],
      ["corrected", "CORRECTED"],
      ["cancelled", "CANCELLED"],
      ["entered-in-error", "ENTERED_IN_ERROR"],
    ] as const)
      expect(row({ status: fhir }).observations[0]!.status).toBe(ours);
    expect(paths(obIssues({ status: "unknown" }))).toEqual(["Observation.status"]);
  });

  it("maps v3 interpretation codes", () => {
    const map = {
      N: "NORMAL",
      H: "HIGH",
      L: "LOW",
      HH: "CRITICAL_HIGH",
      HU: "CRITICAL_HIGH",
      LL: "CRITICAL_LOW",
      LU: "CRITICAL_LOW",
      A: "ABNORMAL",
      AA: "ABNORMAL",
    };
    for (const [code, ours] of Object.entries(map)) {
      const r = row({ interpretation: [{ coding: [{ system: V3_INTERPRETATION, code }] }] });
      expect([r.observations[0]!.interpretation, r.report.abnormal]).toEqual([ours, ours !== "NORMAL"]);
    }
  });

  it("computes the interpretation from a numeric value and its reference range when none is sent", () => {
    expect(row({ interpretation: undefined, valueQuantity: { value: 6.1, unit: "mmol/L" } }).observations[0]!.interpretation).toBe("HIGH");
    expect(row({ interpretation: undefined, valueQuantity: { value: 3.1, unit: "mmol/L" } }).observations[0]!.interpretation).toBe("LOW");
    expect(row({ interpretation: undefined }).observations[0]!.interpretation).toBe("NORMAL");
    // An open range (eGFR has no upper limit).
    expect(
      row({ interpretation: undefined, valueInteger: 45, valueQuantity: undefined, referenceRange: [{ low: { value: 60 } }] }).observations[0]!.interpretation,
    ).toBe("LOW");
  });

  it("never guesses normal: no interpretation and nothing to compare is refused", () => {
    const required = "Observation.interpretation is required when the value cannot be compared with a reference range";
    const cases: Partial<Observation>[] = [
      // A text result.
      { interpretation: undefined, valueQuantity: undefined, valueString: "Scanty growth" },
      // A coded result.
      { interpretation: undefined, valueQuantity: undefined, valueCodeableConcept: { text: "Positive" } },
      // A number with no range.
      { interpretation: undefined, referenceRange: undefined },
      // A number with a range as text only.
      { interpretation: undefined, referenceRange: [{ text: "see report" }] },
      // A value with a comparator ("<5" is not 5).
      { interpretation: undefined, valueQuantity: { value: 5, comparator: "<", unit: "mmol/L" } },
      // A range in another unit.
      {
        interpretation: undefined,
        valueQuantity: { value: 4.2, unit: "mmol/L" },
        referenceRange: [{ low: { value: 10, unit: "mg/dL" }, high: { value: 20, unit: "mg/dL" } }],
      },
      // No value at all.
      { interpretation: undefined, valueQuantity: undefined },
    ];
    for (const over of cases)
      expect(obIssues(over)).toEqual([{ severity: "error", code: "required", diagnostics: required, expression: ["Observation.interpretation"] }]);
    // And the report that lists it is refused with it.
    const entries = withObservation(cases[0]!);
    expect(codes(issuesOf(entries, 0))).toEqual(["invariant"]);
    const { reports, rejected } = labsFhir.toRows(META, entries);
    expect(reports).toEqual([]);
    expect(rejected.map((o) => [o.index, o.status])).toEqual([
      [0, "REJECTED"],
      [1, "REJECTED"],
    ]);
  });

  it("keeps a text result, a coded result and a value with a comparator as text when the laboratory interprets them", () => {
    const flag = (code: string) => [{ coding: [{ system: V3_INTERPRETATION, code }] }];
    expect(row({ valueQuantity: undefined, valueString: "Scanty growth", interpretation: flag("A") }).observations[0]).toMatchObject({
      valueQuantity: null,
      valueString: "Scanty growth",
      interpretation: "ABNORMAL",
    });
    expect(
      row({ valueQuantity: undefined, valueCodeableConcept: { coding: [{ code: "10828004", display: "Positive" }] }, interpretation: flag("A") })
        .observations[0],
    ).toMatchObject({
      valueString: "Positive",
    });
    expect(row({ valueQuantity: { value: 5, comparator: "<", unit: "mg/L" }, interpretation: flag("N") }).observations[0]).toMatchObject({
      valueQuantity: null,
      valueString: "<5",
      unit: "mg/L",
    });
  });

  it("refuses an interpretation it cannot map, codings that disagree, and unsupported value types", () => {
    const unmapped = obIssues({ interpretation: [{ coding: [{ system: V3_INTERPRETATION, code: "POS" }] }] });
    expect(codes(unmapped)).toEqual(["value"]);
    expect(unmapped[0]!.diagnostics).toContain("N, H, L, HH, HU, LL, LU, A, AA");
    expect(codes(obIssues({ interpretation: [{ coding: [{ system: "http://example.org/flags", code: "N" }] }] }))).toEqual(["value"]);
    expect(
      codes(
        obIssues({
          interpretation: [{ coding: [{ system: V3_INTERPRETATION, code: "N" }] }, { coding: [{ system: V3_INTERPRETATION, code: "HH" }] }],
        }),
      ),
    ).toEqual(["invariant"]);
    expect(paths(obIssues({ valueQuantity: undefined, valueBoolean: true }))).toEqual(["Observation.valueBoolean"]);
  });

  it("a report is abnormal when any of its observations is not NORMAL", () => {
    const entries = submission(report(), observation(1), observation(2, { interpretation: [{ coding: [{ system: V3_INTERPRETATION, code: "L" }] }] }));
    expect(labsFhir.toRows(META, entries).reports[0]!.report.abnormal).toBe(true);
  });
});

describe("labs FHIR mapping: applying matched entries", () => {
  it("refuses a report whose observations were matched to another patient", () => {
    const entries = standard();
    entries[2] = { ...entries[2]!, nhsNumber: OTHER_NHS };
    const { reports, rejected } = labsFhir.toRows(META, entries);
    expect(reports).toEqual([]);
    expect(rejected).toEqual(
      [0, 1, 2].map((index) => ({ index, status: "REJECTED", reason: "the report and its observations were matched to different patients" })),
    );
  });

  it("refuses a version dated after the submission was received (a sender's clock ahead would hide later corrections)", () => {
    const entries = submission(report({ meta: { lastUpdated: "2025-06-02T12:06:00Z" } }, []));
    expect(labsFhir.validate(entries).size).toBe(0);
    expect(labsFhir.toRows(META, entries).rejected.map((o) => o.status)).toEqual(["REJECTED"]);
    expect(labsFhir.toRows(META, submission(report({ meta: { lastUpdated: "2025-06-02T12:04:00Z" } }, []))).rejected).toEqual([]);
  });

  it("refuses entries of other resource types", () => {
    const entries = submission({ resourceType: "Patient" } as Resource);
    expect(labsFhir.toRows(META, entries).rejected.map((o) => o.status)).toEqual(["REJECTED"]);
  });
});

describe("labs FHIR mapping: diagnostics", () => {
  it("never quote clinical values, display text or identifiers back", () => {
    const SECRET = ["ZEBRAFISH", "QUOKKA", "ACC-SECRET-77", "8765.4321", "NARWHAL", "PANGOLIN", "OKAPI"];
    const entries = submission(
      report(
        {
          identifier: [{ value: "ACC-SECRET-77" }],
          status: "unknown",
          category: [{ coding: [{ system: V2_0074, code: "QUOKKA", display: "ZEBRAFISH" }] }],
          code: { coding: [{ code: "NARWHAL" }] },
          conclusion: "PANGOLIN",
          effectiveDateTime: "OKAPI",
        },
        ["urn:uuid:ob-1", "urn:uuid:ob-9"],
      ),
      observation(1, {
        status: "unknown",
        code: { text: "ZEBRAFISH" },
        valueQuantity: { value: 8765.4321, unit: "QUOKKA" },
        referenceRange: [{ text: "PANGOLIN" }],
        interpretation: [{ coding: [{ system: V3_INTERPRETATION, code: "NARWHAL", display: "OKAPI" }] }],
      }),
      observation(2, { valueString: "ZEBRAFISH", valueQuantity: undefined, interpretation: undefined }),
    );
    const issues = labsFhir.validate(entries);
    expect(issues.size).toBe(3);
    const text = JSON.stringify([...issues.values()]) + JSON.stringify(labsFhir.toRows(META, entries).rejected);
    for (const secret of SECRET) expect(text).not.toContain(secret);
    for (const list of issues.values())
      for (const i of list) expect(i.expression?.every((e) => /^(DiagnosticReport|Observation)(\.[a-zA-Z]+(\[\d+\])?)*$/.test(e))).toBe(true);
  });
});
