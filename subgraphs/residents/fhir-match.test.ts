import { candidateNumber, decideMatch, familyNamesAgree, type RecordedDemographics } from "./fhir-match.js";
import { testNhsNumber } from "../../platform/graphql/nhs-number.js";

const nhs = testNhsNumber(17);
const recorded: RecordedDemographics = { nhsNumber: nhs, birthDate: "1938-04-02", family: "Smith-Jones" };
const sent = { nhsNumber: nhs, birthDate: "1938-04-02", family: "Smith-Jones" };

describe("decideMatch: an entry reaches a resident only when number, date of birth and family name agree", () => {
  it("matches when everything agrees", () => expect(decideMatch(sent, recorded)).toEqual({ matched: nhs }));
  it("accepts the printed form of the number", () =>
    expect(decideMatch({ ...sent, nhsNumber: `${nhs.slice(0, 3)} ${nhs.slice(3, 6)} ${nhs.slice(6)}` }, recorded)).toEqual({ matched: nhs }));
  it("quarantines an entry that names no number", () => expect(decideMatch({ ...sent, nhsNumber: null }, recorded)).toEqual({ quarantine: "NO_NHS_NUMBER" }));
  it("quarantines a number that fails Modulus 11", () => {
    const wrongCheck = nhs.slice(0, 9) + String((Number(nhs[9]) + 1) % 10);
    expect(decideMatch({ ...sent, nhsNumber: wrongCheck }, recorded)).toEqual({ quarantine: "INVALID_NHS_NUMBER" });
  });
  it("quarantines two conflicting numbers for one entry", () =>
    expect(decideMatch({ ...sent, nhsNumber: "conflicting" }, recorded)).toEqual({ quarantine: "INVALID_NHS_NUMBER" }));
  it("quarantines a number the record does not know", () => expect(decideMatch(sent, undefined)).toEqual({ quarantine: "UNKNOWN_PATIENT" }));
  it("quarantines when the looked-up resident is another number", () =>
    expect(decideMatch(sent, { ...recorded, nhsNumber: testNhsNumber(18) })).toEqual({ quarantine: "UNKNOWN_PATIENT" }));
  it("quarantines a number given without demographics", () => {
    expect(decideMatch({ ...sent, birthDate: null }, recorded)).toEqual({ quarantine: "DEMOGRAPHICS_MISSING" });
    expect(decideMatch({ ...sent, family: "  " }, recorded)).toEqual({ quarantine: "DEMOGRAPHICS_MISSING" });
  });
  it("quarantines a date of birth one day out", () =>
    expect(decideMatch({ ...sent, birthDate: "1938-04-03" }, recorded)).toEqual({ quarantine: "BIRTH_DATE_MISMATCH" }));
  it("quarantines another family name", () => expect(decideMatch({ ...sent, family: "Brown" }, recorded)).toEqual({ quarantine: "FAMILY_NAME_MISMATCH" }));
  it("candidateNumber gives only valid numbers", () => {
    expect(candidateNumber(sent)).toBe(nhs);
    expect(candidateNumber({ ...sent, nhsNumber: "1234567890" })).toBeNull();
  });
});

describe("familyNamesAgree: the documented tolerance", () => {
  it.each([
    ["SMITH-JONES", "Smith-Jones"],
    ["O'Brien", "OBrien"],
    ["Zoë", "Zoe"],
    ["van der Berg", "Van Der Berg"],
    ["Jones", "Smith-Jones"],
    ["Smith Jones", "Smith-Jones"],
    ["Thomson", "Thompson"],
    ["Thopmson", "Thompson"],
    ["Mcdonald", "McDonnald"],
  ])("%s agrees with %s", (a, b) => expect(familyNamesAgree(a, b)).toBe(true));
  it.each([
    ["Lee", "Lea"],
    ["Smith", "Smythe"],
    ["Brown", "Green"],
    ["Thompson", "Thomas"],
    ["", "Smith"],
    ["---", "Smith"],
    ["Jones-Brown", "Smith-Jones"],
  ])("%s does not agree with %s", (a, b) => expect(familyNamesAgree(a, b)).toBe(false));
});
