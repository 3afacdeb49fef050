// The residents subgraph's FHIR mapping (fhir.ts), pure: what is refused and why, what each
// resource becomes, and the safety rules of its header comment.
import type { AllergyIntolerance, Condition, EpisodeOfCare, Patient } from "@medplum/fhirtypes";
import type { IngestEntry, MatchedEntry, SubmissionMeta } from "../../platform/ingest/contract.js";
import { MAX_CLOCK_SKEW_MS } from "../../platform/ingest/fhir-values.js";
import { testNhsNumber } from "../../platform/graphql/nhs-number.js";
import { allergyResource, careHomeAdmissionEntries, conditionResource, noKnownAllergies, patientEntry } from "../../ingest/feed/resident-bundle.js";
import { demographicsOf, residentsFhir, residentsMatcher, restrictedCategoryOf, type AllergyRow, type ConditionRow } from "./fhir.js";
import { assertsNoKnownAllergy, isListedAllergy } from "./allergy-codes.js";

const NHS = testNhsNumber(4242);
const patient = { nhsNumber: NHS, birthDate: "1936-02-11", family: "Okafor", given: "Grace" };
const at = new Date("2025-06-02T10:00:00Z");
const meta = (over: Partial<SubmissionMeta> = {}): SubmissionMeta => ({
  submissionId: "sub-1",
  sourceId: "carehome-system",
  sourceSystem: "Care home system",
  senderOds: "CH00001",
  sourceKind: "care_home_system",
  receivedAt: new Date(at.getTime() + 60_000).toISOString(),
  ...over,
});
const gp = (over: Partial<SubmissionMeta> = {}) =>
  meta({ sourceId: "gp-emis", sourceSystem: "EMIS Web", senderOds: "G00001", sourceKind: "gp_system", ...over });
const matched = (resource: IngestEntry["resource"], index = 0): MatchedEntry => ({ index, resource, fullUrl: null, patient: null, nhsNumber: NHS });
const episode = (over: Partial<EpisodeOfCare> = {}) =>
  ({
    ...(careHomeAdmissionEntries({ patient, episodeId: "EP1", careHomeOds: "CH00001", start: "2025-05-01", lastUpdated: at })[1]!.resource as EpisodeOfCare),
    ...over,
  }) as EpisodeOfCare;
const allergy = (over: Partial<AllergyIntolerance> = {}) =>
  ({
    ...allergyResource(patient, {
      id: "AL1",
      code: { code: "373270004", display: "Penicillin" },
      category: ["medication"],
      criticality: "high",
      reactions: [{ manifestation: "Anaphylaxis", severity: "severe" }],
      lastUpdated: at,
    }),
    ...over,
  }) as AllergyIntolerance;
const condition = (over: Partial<Condition> = {}) =>
  ({ ...conditionResource(patient, { id: "CO1", code: { code: "44054006", display: "Type 2 diabetes mellitus" }, lastUpdated: at }), ...over }) as Condition;

const issuesOf = (resource: IngestEntry["resource"]) => residentsFhir.validate([matched(resource)]).get(0) ?? [];
const paths = (resource: IngestEntry["resource"]) => issuesOf(resource).flatMap((i) => i.expression ?? []);
const rows = (m: SubmissionMeta, ...resources: IngestEntry["resource"][]) =>
  residentsFhir.toRows(
    m,
    resources.map((r, i) => matched(r, i)),
  );

describe("EpisodeOfCare: a care home system places residents in its own home only", () => {
  it("maps an admission to a placement of the sending home", () => {
    const { placements, rejected } = rows(meta(), episode());
    expect(rejected).toEqual([]);
    expect(placements).toEqual([
      expect.objectContaining({ careHomeId: "CH00001", startDate: "2025-05-01", endDate: null, status: "ACTIVE", nhsNumber: NHS, sourceVersionAt: at }),
    ]);
  });

  it("REJECTS an episode whose managingOrganization is another home", () => {
    const { placements, rejected } = rows(
      meta(),
      episode({ managingOrganization: { identifier: { system: "https://fhir.nhs.uk/Id/ods-organization-code", value: "CH00002" } } }),
    );
    expect(placements).toEqual([]);
    expect(rejected[0]).toMatchObject({ index: 0, status: "REJECTED" });
    expect(rejected[0]!.reason).toMatch(/its own home/);
  });

  it("REJECTS an episode sent by anything but a care home system", () => {
    expect(rows(gp(), episode()).rejected[0]!.reason).toMatch(/only a care home system/);
  });

  it("refuses a finished episode without an end, planned and unknown statuses, a missing home, start or status", () => {
    expect(paths(episode({ status: "finished" }))).toContain("EpisodeOfCare.period.end");
    expect(paths(episode({ status: "planned" }))).toContain("EpisodeOfCare.status");
    const { status: _status, managingOrganization: _m, period: _p, ...bare } = episode();
    expect(paths(bare as EpisodeOfCare)).toEqual(
      expect.arrayContaining(["EpisodeOfCare.status", "EpisodeOfCare.managingOrganization.identifier", "EpisodeOfCare.period.start"]),
    );
    expect(paths(episode({ period: { start: "2025-05-01", end: "2025-04-01" } }))).toContain("EpisodeOfCare.period");
  });

  it("keys a placement by the sender's identifier, never by resource.id", () => {
    const a = rows(meta(), { ...episode(), id: "one" }).placements[0]!.sourceKey;
    expect(rows(meta(), { ...episode(), id: "two" }).placements[0]!.sourceKey).toBe(a);
    expect(rows(meta({ sourceId: "another-system" }), episode()).placements[0]!.sourceKey).not.toBe(a);
    expect(paths({ ...episode(), identifier: [] })).toContain("EpisodeOfCare.identifier");
  });
});

describe("AllergyIntolerance", () => {
  const one = (m: SubmissionMeta, r: AllergyIntolerance) => rows(m, r).allergies[0] as AllergyRow;

  it("maps statuses, category, criticality and reactions as sent", () => {
    expect(one(gp(), allergy())).toMatchObject({
      code: "373270004",
      display: "Penicillin",
      clinicalStatus: "ACTIVE",
      verificationStatus: "CONFIRMED",
      category: "MEDICATION",
      criticality: "HIGH",
      reactions: [{ manifestation: "Anaphylaxis", severity: "SEVERE" }],
    });
  });

  it("never guesses a status: a missing verificationStatus or clinicalStatus is refused, naming the element and the allowed codes", () => {
    const { verificationStatus: _v, ...noVerification } = allergy();
    const { clinicalStatus: _c, ...noClinical } = allergy();
    const issues = [...issuesOf(noVerification as AllergyIntolerance), ...issuesOf(noClinical as AllergyIntolerance)];
    expect(issues.flatMap((i) => i.expression)).toEqual(["AllergyIntolerance.verificationStatus", "AllergyIntolerance.clinicalStatus"]);
    expect(issues[0]!.diagnostics).toContain("confirmed");
    // Diagnostics quote nothing the sender sent.
    for (const i of issues) for (const text of ["Penicillin", "Anaphylaxis", "AL1", NHS]) expect(i.diagnostics).not.toContain(text);
  });

  it("takes a withdrawal (entered-in-error) without clinicalStatus, as FHIR requires", () => {
    const withdrawn = allergyResource(patient, {
      id: "AL1",
      code: { code: "373270004", display: "Penicillin" },
      verificationStatus: "entered-in-error",
      lastUpdated: at,
    });
    expect(issuesOf(withdrawn)).toEqual([]);
    expect(one(gp(), withdrawn)).toMatchObject({ verificationStatus: "ENTERED_IN_ERROR", clinicalStatus: null, category: null });
  });

  it("refuses an allergy without a category, but not the 'no known allergies' statement", () => {
    expect(paths(allergy({ category: undefined }))).toContain("AllergyIntolerance.category");
    expect(issuesOf(allergyResource(patient, noKnownAllergies("NKA1", at)))).toEqual([]);
  });

  it("shows MEDICATION when it is among several categories, and an absent criticality as UNABLE_TO_ASSESS, never LOW", () => {
    expect(one(gp(), allergy({ category: ["food", "medication"] })).category).toBe("MEDICATION");
    expect(one(gp(), allergy({ criticality: undefined })).criticality).toBe("UNABLE_TO_ASSESS");
  });

  it("refuses a version dated in the future beyond the allowed clock skew", () => {
    const late = allergy({ meta: { lastUpdated: new Date(at.getTime() + 60_000 + MAX_CLOCK_SKEW_MS + 1_000).toISOString() } });
    expect(rows(gp(), late).rejected[0]!.reason).toMatch(/later than the submission was received/);
    expect(paths(allergy({ meta: {} }))).toContain("AllergyIntolerance.meta.lastUpdated");
  });
});

describe("the allergies section: 'no known allergies' is NONE_KNOWN only while the source says so", () => {
  const row = (code: string, clinicalStatus = "ACTIVE", verificationStatus = "CONFIRMED") => ({ code, clinicalStatus, verificationStatus });
  it("an active, confirmed 716186003 (or 160244002) says none; it is never listed as an allergy", () => {
    expect(assertsNoKnownAllergy(row("716186003"))).toBe(true);
    expect(assertsNoKnownAllergy(row("160244002"))).toBe(true);
  });
  it("a narrower statement ('no known drug allergy') never says none for the whole section", () => {
    expect(assertsNoKnownAllergy(row("409137002"))).toBe(false);
    expect(isListedAllergy(row("409137002"))).toBe(true);
  });
  it("a withdrawn, inactive, refuted or unconfirmed 'no known allergies' is neither listed nor 'none'", () => {
    for (const r of [row("716186003", "INACTIVE"), row("716186003", "ACTIVE", "REFUTED"), row("716186003", "ACTIVE", "UNCONFIRMED")]) {
      expect(assertsNoKnownAllergy(r)).toBe(false);
      expect(isListedAllergy(r)).toBe(false);
    }
  });
  it("an allergy entered in error is not listed", () => expect(isListedAllergy(row("373270004", "ACTIVE", "ENTERED_IN_ERROR"))).toBe(false));
});

describe("Condition", () => {
  const one = (r: Condition) => rows(gp(), r).conditions[0] as ConditionRow;

  it("maps status, category, code and dates", () => {
    expect(one(condition({ onsetDateTime: "2019-03-04", abatementDateTime: "2020-01-02T10:00:00+01:00" }))).toMatchObject({
      code: "44054006",
      clinicalStatus: "ACTIVE",
      category: "PROBLEM_LIST_ITEM",
      onsetDate: "2019-03-04",
      abatementDate: "2020-01-02",
      restrictedCategory: null,
      verificationStatus: null,
    });
  });

  it("refuses a missing clinicalStatus, category or code, and unconfirmed, provisional or differential diagnoses", () => {
    const { clinicalStatus: _c, category: _k, code: _d, ...bare } = condition();
    expect(paths(bare as Condition)).toEqual(expect.arrayContaining(["Condition.clinicalStatus", "Condition.category", "Condition.code"]));
    for (const code of ["unconfirmed", "provisional", "differential"]) {
      const issues = issuesOf(condition({ verificationStatus: { coding: [{ system: "http://terminology.hl7.org/CodeSystem/condition-ver-status", code }] } }));
      expect(issues.map((i) => i.code)).toEqual(["not-supported"]);
    }
  });

  describe("legally restricted: from the code, or from any security label but normal confidentiality (in doubt, restricted)", () => {
    it("by code", () =>
      expect(restrictedCategoryOf({ code: { coding: [{ system: "http://snomed.info/sct", code: "8098009" }] } })).toBe("SEXUALLY_TRANSMITTED_INFECTION"));
    it("by confidentiality R or V", () => {
      for (const code of ["R", "V"])
        expect(
          restrictedCategoryOf({ code: condition().code, meta: { security: [{ system: "http://terminology.hl7.org/CodeSystem/v3-Confidentiality", code }] } }),
        ).toBe("SENDER_LABELLED");
    });
    it("by a sensitivity label or one it cannot read", () => {
      expect(
        restrictedCategoryOf({ code: condition().code, meta: { security: [{ system: "http://terminology.hl7.org/CodeSystem/v3-ActCode", code: "STD" }] } }),
      ).toBe("SENDER_LABELLED");
      expect(restrictedCategoryOf({ code: condition().code, meta: { security: [{ code: "R" }] } })).toBe("SENDER_LABELLED");
    });
    it("not by normal confidentiality, nor with no label", () => {
      expect(
        restrictedCategoryOf({
          code: condition().code,
          meta: { security: [{ system: "http://terminology.hl7.org/CodeSystem/v3-Confidentiality", code: "N" }] },
        }),
      ).toBeNull();
      expect(restrictedCategoryOf({ code: condition().code })).toBeNull();
    });
  });
});

describe("Patient: only the systems that own demographics change them", () => {
  const entry = (p: Patient): IngestEntry => ({
    index: 0,
    resource: p,
    fullUrl: null,
    patient: { nhsNumber: p.identifier?.[0]?.value ?? null, birthDate: p.birthDate ?? null, family: p.name?.[0]?.family ?? null },
  });
  const sent = (over: Partial<Patient> = {}) => ({ ...(patientEntry({ ...patient, gpOds: "G00002" }, at).resource as Patient), ...over });

  it("a GP system registers the patient with its own practice; a care home system gives the practice it names", () => {
    expect(demographicsOf(gp(), entry(sent()))).toEqual({ row: expect.objectContaining({ gpPracticeCode: "G00001", setsRegistration: true, sex: "UNKNOWN" }) });
    expect(demographicsOf(meta(), entry(sent()))).toEqual({ row: expect.objectContaining({ gpPracticeCode: "G00002", setsRegistration: false }) });
  });

  it("quarantines an invalid number, rejects a missing given name, leaves a Patient without a version to matching", () => {
    const bad = NHS.slice(0, 9) + String((Number(NHS[9]) + 1) % 10);
    expect(demographicsOf(gp(), entry(sent({ identifier: [{ system: "https://fhir.nhs.uk/Id/nhs-number", value: bad }] })))).toEqual({
      quarantine: "INVALID_NHS_NUMBER",
    });
    expect(demographicsOf(gp(), entry(sent({ meta: {} })))).toEqual({ match: true });
    expect(demographicsOf(gp(), entry(sent({ meta: { lastUpdated: "2025-06-02" } })))).toEqual({
      rejected: expect.stringContaining("Patient.meta.lastUpdated"),
    });
    expect(demographicsOf(gp(), entry(sent({ name: [{ family: "Okafor" }] })))).toEqual({ rejected: expect.stringContaining("Patient.name.given") });
  });

  it("the matcher applies the Patients of GP and care home systems only (a hospital's, a laboratory's are matched)", async () => {
    const applied: string[] = [];
    const matcher = residentsMatcher({
      demographicsOf: async () => [],
      applyDemographics: async (m) => {
        applied.push(m.sourceKind);
        return new Map();
      },
    });
    for (const kind of ["gp_system", "care_home_system", "hospital", "laboratory", "pharmacy"] as const)
      await matcher.applyDemographics!(meta({ sourceKind: kind }), []);
    expect(applied).toEqual(["gp_system", "care_home_system"]);
  });
});
