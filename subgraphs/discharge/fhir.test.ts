// The discharge FHIR mapping (fhir.ts), pure: each safety rule, the rows it produces, and diagnostics
// that never quote what the sender sent.
import type { BundleEntry, Composition, DocumentReference, Encounter, Resource } from "@medplum/fhirtypes";
import type { FhirIssue, MatchedEntry, SubmissionMeta } from "../../platform/ingest/contract.js";
import {
  admissionEntries,
  dischargeEntries,
  emergencyEntries,
  summaryEntries,
  ENCOUNTER_SYSTEM,
  type SummarySpec,
} from "../../ingest/feed/discharge-bundle.js";
import {
  ADMIT_SOURCE,
  DISCHARGE_DISPOSITION,
  dischargeFhir,
  encounterSourceKey,
  narrativeText,
  stayIdOf,
  summaryIdOf,
  summarySourceKey,
  V3_ACT_CODE,
} from "./fhir.js";

const NHS = "9990000018";
const OTHER_NHS = "9990000026";
const META: SubmissionMeta = {
  submissionId: "sub-1",
  sourceId: "hospital-guys",
  sourceSystem: "Guy's and St Thomas' EPR",
  senderOds: "RJ1",
  sourceKind: "hospital",
  receivedAt: "2025-06-10T12:00:00Z",
};
const patient = { nhsNumber: NHS, birthDate: "1940-01-01", family: "Smith" };
const at = (iso: string) => new Date(`2025-06-${iso}Z`);
const stay = { patient, encounter: "ENC-1", lastUpdated: at("10T09:00:00"), admittedAt: at("02T10:00:00") };
const SENTINEL = "Zq9-sentinel";
const summary = (over: Partial<SummarySpec> = {}): SummarySpec => ({
  id: "DS-0001",
  lastUpdated: at("10T09:00:00"),
  clinicalSummary: "Treated with IV then oral antibiotics.",
  diagnoses: [
    { code: "385093006", display: "Community-acquired pneumonia" },
    { code: "2776000", display: "Delirium" },
  ],
  procedures: [{ code: "179326000", display: "Hemiarthroplasty of hip", performedOn: "2025-06-03" }],
  medicationChanges: [{ medication: "Amoxicillin 500mg capsules", change: "added", reason: "Complete 5-day course" }],
  plannedActions: [{ action: "Repeat chest X-ray in 6 weeks", forWhom: "GP", byDate: "2025-07-20" }],
  informationGiven: "Discussed with resident & next of kin.",
  ...over,
});

/** Bundle entries (Patient left out: the residents subgraph owns it) as matched entries of NHS, keeping their Bundle index. */
const matched = (entries: BundleEntry[], nhs = NHS): MatchedEntry[] =>
  entries.flatMap((e, index) =>
    e.resource!.resourceType === "Patient"
      ? []
      : [{ index, resource: e.resource!, fullUrl: e.fullUrl ?? null, patient: { nhsNumber: nhs, birthDate: null, family: null }, nhsNumber: nhs }],
  );
const one = (resource: Resource, index = 1): MatchedEntry[] => [{ index, resource, fullUrl: `urn:uuid:e${index}`, patient: null, nhsNumber: NHS }];
const issuesOf = (entries: MatchedEntry[], index = 1): FhirIssue[] => dischargeFhir.validate(entries).get(index) ?? [];
const errors = (issues: FhirIssue[]) => issues.filter((i) => i.severity === "error");
const paths = (issues: FhirIssue[]) => errors(issues).flatMap((i) => i.expression ?? []);
const codes = (issues: FhirIssue[]) => errors(issues).map((i) => i.code);

const admission = () => admissionEntries(stay)[1]!.resource as Encounter;
const discharge = (over: Partial<SummarySpec> = {}) => dischargeEntries({ ...stay, dischargedAt: at("08T15:00:00") }, summary(over));
const withEncounter = (change: (e: Encounter) => void) => {
  const e = structuredClone(admission());
  change(e);
  return one(e);
};
const withComposition = (change: (c: Composition) => void) => {
  const entries = matched(discharge());
  change(entries[1]!.resource as Composition);
  return entries;
};

describe("discharge FHIR mapping: valid resources", () => {
  it("an admission becomes a stay in progress, keyed by sender and identifier, with the hospital, ward and admission method", () => {
    const entries = matched(admissionEntries(stay));
    expect(dischargeFhir.validate(entries).size).toBe(0);
    const rows = dischargeFhir.toRows(META, entries);
    expect(rows.rejected).toEqual([]);
    const key = encounterSourceKey("hospital-guys", ENCOUNTER_SYSTEM, "ENC-1");
    expect(rows.stays).toEqual([
      {
        index: 1,
        row: {
          id: stayIdOf(key),
          nhsNumber: NHS,
          hospitalName: "St Thomas' Hospital",
          hospitalOds: "RJ1",
          ward: "Frailty Unit",
          status: "IN_PROGRESS",
          admittedAt: at("02T10:00:00"),
          dischargedAt: null,
          reason: "Shortness of breath and fever",
          admissionMethod: "EMERGENCY",
          dischargeDestination: null,
          retracted: null,
          sourceSystem: "Guy's and St Thomas' EPR",
          sourceKey: key,
          sourceVersionAt: at("10T09:00:00"),
          senderOds: "RJ1",
          submissionId: "sub-1",
        },
      },
    ]);
    expect(rows.stays[0]!.row.id).toMatch(/^HS-[a-z]{24}$/);
    // Another sender with the same identifier addresses another row.
    expect(encounterSourceKey("other-trust", ENCOUNTER_SYSTEM, "ENC-1")).not.toBe(key);
  });

  it("a discharge with its summary: the stay finished with its destination, and the summary's headings", () => {
    const entries = matched(discharge());
    expect(errors([...dischargeFhir.validate(entries).values()].flat())).toEqual([]);
    const rows = dischargeFhir.toRows(META, entries);
    expect(rows.rejected).toEqual([]);
    expect(rows.stays[0]!.row).toMatchObject({ status: "FINISHED", dischargedAt: at("08T15:00:00"), dischargeDestination: "CARE_HOME" });
    const key = summarySourceKey("hospital-guys", "https://fhir.gstt.example/Id/discharge-summary", "DS-0001");
    expect(rows.summaries).toEqual([
      {
        index: 2,
        draft: {
          id: summaryIdOf(key),
          nhsNumber: NHS,
          stayKey: rows.stays[0]!.row.sourceKey,
          status: "FINAL",
          authorName: "Dr A. Registrar",
          authorRole: "Specialty registrar, elderly care",
          completedByName: "Dr B. Foundation",
          completedByRole: "Foundation doctor",
          completedByCode: "GMC7000001",
          diagnoses: [
            { code: "385093006", display: "Community-acquired pneumonia", primary: true },
            { code: "2776000", display: "Delirium", primary: false },
          ],
          clinicalSummary: "Treated with IV then oral antibiotics.",
          procedures: [{ code: "179326000", display: "Hemiarthroplasty of hip", performedOn: "2025-06-03" }],
          medicationChanges: [{ medication: "Amoxicillin 500mg capsules", change: "STARTED", reason: "Complete 5-day course" }],
          allergiesText: "No known drug allergies.",
          plannedActions: [{ action: "Repeat chest X-ray in 6 weeks", forWhom: "GP", byDate: "2025-07-20" }],
          informationGiven: "Discussed with resident & next of kin.",
          sourceSystem: "Guy's and St Thomas' EPR",
          sourceKey: key,
          sourceVersionAt: at("10T09:00:00"),
          senderOds: "RJ1",
          submissionId: "sub-1",
        },
      },
    ]);
  });

  it("a summary sent on its own names its stay by identifier; an amended one is AMENDED; empty list headings are empty lists", () => {
    const entries = matched(summaryEntries(patient, "ENC-1", summary({ status: "amended", procedures: [], medicationChanges: [], plannedActions: [] })));
    expect(errors([...dischargeFhir.validate(entries).values()].flat())).toEqual([]);
    const [s] = dischargeFhir.toRows(META, entries).summaries;
    expect(s!.draft).toMatchObject({
      status: "AMENDED",
      stayKey: encounterSourceKey("hospital-guys", ENCOUNTER_SYSTEM, "ENC-1"),
      procedures: [],
      plannedActions: [],
    });
  });

  it("an emergency department attendance becomes an ED_ATTENDANCE with its outcome", () => {
    const entries = matched(
      emergencyEntries({
        patient,
        encounter: "ED-1",
        lastUpdated: at("10T09:00:00"),
        occurredAt: at("05T22:00:00"),
        complaint: "Fall",
        outcome: "Discharged back to care home",
      }),
    );
    const rows = dischargeFhir.toRows(META, entries);
    expect(rows.rejected).toEqual([]);
    expect(rows.emergencyCare[0]!.row).toMatchObject({
      id: expect.stringMatching(/^EC-[a-z]{24}$/),
      kind: "ED_ATTENDANCE",
      occurredAt: at("05T22:00:00"),
      providerName: "St Thomas' Hospital",
      providerOds: "RJ1",
      presentingComplaint: "Fall",
      outcome: "Discharged back to care home",
      retracted: null,
    });
  });

  it("an ambulance call (class FLD): conveyed when it names a destination, see and treat when the disposition is home", () => {
    const call = (hospitalization: Encounter["hospitalization"]) => {
      const e = structuredClone(
        emergencyEntries({ patient, encounter: "AMB-1", lastUpdated: at("10T09:00:00"), occurredAt: at("05T22:00:00"), complaint: "Fall", outcome: "x" })[1]!
          .resource as Encounter,
      );
      e.class = { system: V3_ACT_CODE, code: "FLD" };
      e.hospitalization = hospitalization;
      return one(e);
    };
    const kind = (entries: MatchedEntry[]) => dischargeFhir.toRows(META, entries).emergencyCare[0]?.row.kind;
    expect(kind(call({ destination: { display: "King's College Hospital" }, dischargeDisposition: { text: "Conveyed to ED" } }))).toBe("AMBULANCE_CONVEYANCE");
    expect(kind(call({ dischargeDisposition: { coding: [{ system: DISCHARGE_DISPOSITION, code: "home", display: "Treated at the care home" }] } }))).toBe(
      "AMBULANCE_SEE_AND_TREAT",
    );
    expect(paths(issuesOf(call({ dischargeDisposition: { text: "Assessed" } })))).toEqual(["Encounter.hospitalization.destination"]);
    expect(
      codes(
        issuesOf(call({ destination: { display: "H" }, dischargeDisposition: { coding: [{ system: DISCHARGE_DISPOSITION, code: "home", display: "Home" }] } })),
      ),
    ).toEqual(["invariant"]);
  });

  it("cancelled and entered-in-error retract (a full version, kept)", () => {
    for (const [status, retracted] of [
      ["cancelled", "CANCELLED"],
      ["entered-in-error", "ENTERED_IN_ERROR"],
    ] as const) {
      const rows = dischargeFhir.toRows(
        META,
        withEncounter((e) => (e.status = status)),
      );
      expect(rows.stays[0]!.row).toMatchObject({ retracted, status: "IN_PROGRESS" });
    }
  });

  it("narrative text: tags dropped, blocks as lines, entities decoded", () => {
    expect(narrativeText('<div xmlns="http://www.w3.org/1999/xhtml"><p>A &amp; B</p><ul><li>one</li><li>two&#39;s &lt;3&gt;</li></ul></div>')).toBe(
      "A & B\none\ntwo's <3>",
    );
    expect(narrativeText(undefined)).toBe("");
  });
});

describe("discharge FHIR mapping: an Encounter is refused rather than guessed", () => {
  it.each<[string, (e: Encounter) => void, string, string]>([
    ["no status", (e) => delete (e as Partial<Encounter>).status, "Encounter.status", "required"],
    ["planned", (e) => (e.status = "planned"), "Encounter.status", "value"],
    ["on leave (the resident may be back at the care home)", (e) => (e.status = "onleave"), "Encounter.status", "value"],
    ["unknown", (e) => (e.status = "unknown"), "Encounter.status", "value"],
    ["outpatient (AMB is not an ambulance)", (e) => (e.class = { system: V3_ACT_CODE, code: "AMB" }), "Encounter.class", "not-supported"],
    ["a class from another system", (e) => (e.class = { system: "http://example.org/x", code: "IMP" }), "Encounter.class", "not-supported"],
    ["no identifier", (e) => delete e.identifier, "Encounter.identifier", "required"],
    ["no version", (e) => delete e.meta, "Encounter.meta.lastUpdated", "required"],
    ["a version without a time zone", (e) => (e.meta = { lastUpdated: "2025-06-10T09:00:00" }), "Encounter.meta.lastUpdated", "value"],
    ["no admission time", (e) => delete e.period, "Encounter.period.start", "required"],
    ["finished without a discharge time", (e) => (e.status = "finished"), "Encounter.period.end", "required"],
    ["a discharge before the admission", (e) => (e.period = { start: "2025-06-05T10:00:00Z", end: "2025-06-04T10:00:00Z" }), "Encounter.period", "invariant"],
    ["no reason", (e) => delete e.reasonCode, "Encounter.reasonCode", "required"],
    ["no hospital", (e) => delete e.serviceProvider, "Encounter.serviceProvider", "required"],
    ["no ward", (e) => delete e.location, "Encounter.location", "required"],
    ["no subject", (e) => delete e.subject, "Encounter.subject", "required"],
    [
      "admission method codings that disagree",
      (e) =>
        (e.hospitalization = {
          admitSource: {
            coding: [
              { system: ADMIT_SOURCE, code: "emd" },
              { system: ADMIT_SOURCE, code: "hosp-trans" },
            ],
          },
        }),
      "Encounter.hospitalization.admitSource",
      "invariant",
    ],
  ])("%s", (_name, change, path, code) => {
    const issues = issuesOf(withEncounter(change));
    expect(paths(issues)).toContain(path);
    expect(errors(issues).find((i) => i.expression?.includes(path))!.code).toBe(code);
  });

  it("an emergency attendance in progress is not accepted (recorded once finished, with its outcome)", () => {
    const e = emergencyEntries({
      patient,
      encounter: "ED-2",
      lastUpdated: at("10T09:00:00"),
      occurredAt: at("05T22:00:00"),
      complaint: "Fall",
      outcome: "x",
      status: "in-progress",
    })[1]!.resource as Encounter;
    expect(codes(issuesOf(one(e)))).toEqual(["not-supported"]);
    delete e.hospitalization;
    e.status = "finished";
    expect(paths(issuesOf(one(e)))).toEqual(["Encounter.hospitalization.dischargeDisposition"]);
  });

  it("admission method and destination codes it does not map are not guessed: kept unknown, with a warning", () => {
    const entries = withEncounter((e) => {
      e.status = "finished";
      e.period = { start: "2025-06-02T10:00:00Z", end: "2025-06-08T10:00:00Z" };
      e.hospitalization = {
        admitSource: { coding: [{ system: ADMIT_SOURCE, code: "gp" }] },
        dischargeDisposition: { coding: [{ system: DISCHARGE_DISPOSITION, code: "home" }] },
      };
    });
    const issues = issuesOf(entries);
    expect(errors(issues)).toEqual([]);
    expect(issues.filter((i) => i.severity === "warning").flatMap((i) => i.expression)).toEqual([
      "Encounter.hospitalization.admitSource",
      "Encounter.hospitalization.dischargeDisposition",
    ]);
    expect(dischargeFhir.toRows(META, entries).stays[0]!.row).toMatchObject({ admissionMethod: null, dischargeDestination: null });
    const mapped = withEncounter((e) => (e.hospitalization = { admitSource: { coding: [{ system: ADMIT_SOURCE, code: "hosp-trans" }] } }));
    expect(dischargeFhir.toRows(META, mapped).stays[0]!.row.admissionMethod).toBe("TRANSFER");
  });

  it("a version dated after the submission arrived (beyond the clock skew) is refused at apply time", () => {
    const entries = withEncounter((e) => (e.meta = { lastUpdated: "2025-06-10T12:06:00Z" }));
    expect(dischargeFhir.validate(entries).size).toBe(0);
    expect(dischargeFhir.toRows(META, entries).rejected).toEqual([
      { index: 1, status: "REJECTED", reason: "Encounter.meta.lastUpdated is later than the submission was received" },
    ]);
    expect(
      dischargeFhir.toRows(
        META,
        withEncounter((e) => (e.meta = { lastUpdated: "2025-06-10T12:04:00Z" })),
      ).rejected,
    ).toEqual([]);
  });

  it("two Encounters with the same identifier in one submission are refused as duplicates", () => {
    const entries = [...one(admission(), 1), ...one(admission(), 2)];
    expect(codes(issuesOf(entries, 2))).toEqual(["duplicate"]);
  });
});

describe("discharge FHIR mapping: a Composition is refused rather than guessed", () => {
  it.each<[string, (c: Composition) => void, string, string]>([
    ["preliminary (a draft the record cannot flag)", (c) => (c.status = "preliminary"), "Composition.status", "not-supported"],
    ["no status", (c) => delete (c as Partial<Composition>).status, "Composition.status", "required"],
    ["not a discharge summary", (c) => (c.type = { coding: [{ system: "http://loinc.org", code: "11488-4" }] }), "Composition.type", "value"],
    ["no identifier", (c) => delete c.identifier, "Composition.identifier", "required"],
    ["no date", (c) => delete (c as Partial<Composition>).date, "Composition.date", "required"],
    ["no encounter", (c) => delete c.encounter, "Composition.encounter", "required"],
    [
      "an encounter not in the submission and without identifier",
      (c) => (c.encounter = { reference: "Encounter/elsewhere" }),
      "Composition.encounter",
      "invariant",
    ],
    ["an author that is not a contained PractitionerRole", (c) => (c.author = [{ display: "Dr X" }]), "Composition.author", "required"],
    ["no clinical summary", (c) => (c.section = c.section!.filter((s) => s.title !== "Clinical summary")), "Composition.section", "required"],
    [
      "two diagnoses without priority order",
      (c) => delete c.section!.find((s) => s.title === "Diagnoses")!.orderedBy,
      "Composition.section[1].orderedBy",
      "required",
    ],
    ["a list heading with narrative only", (c) => delete c.section!.find((s) => s.title === "Procedures")!.entry, "Composition.section[3].entry", "required"],
    [
      "an entry that is not contained",
      (c) => (c.section!.find((s) => s.title === "Procedures")!.entry = [{ reference: "Procedure/p1" }]),
      "Composition.section[3].entry[0]",
      "invariant",
    ],
    ["a code and a title naming different headings", (c) => (c.section![0]!.title = "Diagnoses"), "Composition.section[0]", "invariant"],
    [
      "a person completing the record without a professional code",
      (c) => delete (c.contained!.find((r) => r.id === "completed-by") as { practitioner: { identifier?: unknown } }).practitioner.identifier,
      "Composition.section[7].entry[0]",
      "required",
    ],
    [
      "a medication change without its kind",
      (c) => delete (c.contained!.find((r) => r.id === "med0") as { extension?: unknown }).extension,
      "Composition.section[4].entry[0].extension",
      "required",
    ],
  ])("%s", (_name, change, path, code) => {
    const issues = issuesOf(withComposition(change), 2);
    expect(paths(issues)).toContain(path);
    expect(errors(issues).find((i) => i.expression?.includes(path))!.code).toBe(code);
  });

  it("a heading the record does not hold is a warning, not a refusal", () => {
    const issues = issuesOf(
      withComposition((c) => c.section!.push({ title: "Social context", text: { status: "generated", div: "<div>Lives in a care home</div>" } })),
      2,
    );
    expect(errors(issues)).toEqual([]);
    expect(issues.map((i) => [i.severity, i.code])).toEqual([["warning", "not-supported"]]);
  });

  it("a summary whose Encounter is refused, or is an emergency attendance, is refused with it", () => {
    const entries = withComposition(() => undefined);
    delete (entries[0]!.resource as Encounter).reasonCode;
    expect(codes(issuesOf(entries, 2))).toEqual(["invariant"]);
    const rows = dischargeFhir.toRows(META, entries);
    expect(rows.rejected.map((r) => r.index)).toEqual([1, 2]);
    const ed = withComposition(() => undefined);
    (ed[0]!.resource as Encounter).class = { system: V3_ACT_CODE, code: "EMER" };
    (ed[0]!.resource as Encounter).hospitalization = { dischargeDisposition: { text: "Home" } };
    expect(paths(issuesOf(ed, 2))).toEqual(["Composition.encounter"]);
  });

  it("a summary and its Encounter matched to different patients are refused", () => {
    const entries = matched(discharge());
    entries[1] = { ...entries[1]!, nhsNumber: OTHER_NHS };
    const rows = dischargeFhir.toRows(META, entries);
    expect(rows.rejected).toEqual([{ index: 2, status: "REJECTED", reason: "the summary and the Encounter it refers to were matched to different patients" }]);
    expect(rows.stays).toHaveLength(1);
  });

  it("two summaries for one stay in a submission: the second is refused", () => {
    const entries = matched([...discharge(), ...summaryEntries(patient, "ENC-1", summary({ id: "DS-0002" }))]);
    expect(codes(issuesOf(entries, 4))).toEqual(["duplicate"]);
  });

  it("a DocumentReference is refused (not-supported): the record cannot show a document as a summary honestly", () => {
    const doc: DocumentReference = {
      resourceType: "DocumentReference",
      status: "current",
      content: [{ attachment: { contentType: "application/pdf", url: "https://x" } }],
    };
    const issues = issuesOf(one(doc));
    expect(codes(issues)).toEqual(["not-supported"]);
    expect(dischargeFhir.toRows(META, one(doc)).rejected[0]!.status).toBe("REJECTED");
  });
});

describe("discharge FHIR mapping: diagnostics quote nothing the sender sent", () => {
  it("element paths and allowed codes only", () => {
    const bad = structuredClone(admission());
    bad.status = SENTINEL as Encounter["status"];
    bad.class = { system: V3_ACT_CODE, code: SENTINEL };
    bad.identifier = [{ value: SENTINEL }];
    bad.period = { start: SENTINEL };
    bad.hospitalization = { admitSource: { coding: [{ system: ADMIT_SOURCE, code: SENTINEL, display: SENTINEL }] } };
    const entries = withComposition((c) => {
      c.status = SENTINEL as Composition["status"];
      c.section![0]!.title = `${SENTINEL} heading`;
      c.encounter = { reference: SENTINEL };
      c.type = { text: SENTINEL };
    });
    const all = [...dischargeFhir.validate([...one(bad, 5), ...entries]).values()].flat();
    expect(all.length).toBeGreaterThan(5);
    expect(JSON.stringify(all)).not.toContain(SENTINEL);
    expect(JSON.stringify(dischargeFhir.toRows(META, [...one(bad, 5), ...entries]).rejected)).not.toContain(SENTINEL);
  });
});
