import type { Identity } from "../identity.js";
import { callerDenial, placedAt, residentGrant, sectionAccess, type OrganisationFacts, type ResidentFacts } from "./policy.js";

const now = new Date("2026-11-20T10:00:00Z");
const home: OrganisationFacts = { odsCode: "CH00001", type: "care_home", dsptStandardMet: true, sharingAgreementSigned: true };
const practice: OrganisationFacts = { odsCode: "G00001", type: "gp_practice", dsptStandardMet: true, sharingAgreementSigned: true };
const ambulance: OrganisationFacts = { odsCode: "RRU", type: "ambulance_service", dsptStandardMet: true, sharingAgreementSigned: true };
const nurse: Identity = { userId: "n", name: "N", role: "care_home_nurse", orgCode: "CH00001", orgType: "care_home", trainingCompletedAt: "2025-01-01" };
const carer: Identity = { ...nurse, userId: "c", role: "care_home_carer" };
const gp: Identity = { userId: "g", name: "G", role: "gp", orgCode: "G00001", orgType: "gp_practice", trainingCompletedAt: "2025-01-01" };
const paramedic: Identity = { userId: "p", name: "P", role: "ambulance_clinician", orgCode: "RRU", orgType: "ambulance_service", trainingCompletedAt: "2025-01-01" };
const analyst: Identity = { userId: "a", name: "A", role: "analyst", orgCode: "QKK", orgType: "integrated_care_board", trainingCompletedAt: "2025-01-01" };
const icb: OrganisationFacts = { odsCode: "QKK", type: "integrated_care_board", dsptStandardMet: true, sharingAgreementSigned: true };

const resident = (over: Partial<ResidentFacts> = {}): ResidentFacts => ({
  nhsNumber: "9990000018", gpPracticeCode: "G00001", sharingObjection: false,
  placements: [{ careHomeId: "CH00001", startDate: new Date("2024-01-01"), endDate: null }], ...over,
});

describe("caller preconditions", () => {
  it("deny an organisation that is not registered, or not the token's", () => {
    expect(callerDenial(nurse, null)).toBe("ORG_NOT_REGISTERED");
    expect(callerDenial(nurse, { ...home, odsCode: "CH00002" })).toBe("ORG_NOT_REGISTERED");
  });
  it("deny without the DSPT standard, the sharing agreement or training, in that order", () => {
    expect(callerDenial(nurse, { ...home, dsptStandardMet: false, sharingAgreementSigned: false })).toBe("ORG_DSPT_NOT_MET");
    expect(callerDenial(nurse, { ...home, sharingAgreementSigned: false })).toBe("ORG_SHARING_AGREEMENT_MISSING");
    expect(callerDenial({ ...nurse, trainingCompletedAt: null }, home)).toBe("TRAINING_NOT_COMPLETED");
    expect(callerDenial(nurse, home)).toBeNull();
  });
  it("deny a role acting for the wrong kind of organisation", () => {
    expect(callerDenial({ ...nurse, orgCode: "G00001", orgType: "gp_practice" }, practice)).toBe("ROLE_NOT_PERMITTED");
  });
});

describe("resident grant", () => {
  it("care home staff: own residents only, leavers for 7 days", () => {
    expect(residentGrant(carer, home, resident(), false, now)).toEqual({ allowed: true, group: "CARE_HOME", breakGlass: false });
    const elsewhere = resident({ placements: [{ careHomeId: "CH00002", startDate: new Date("2024-01-01"), endDate: null }] });
    expect(residentGrant(carer, home, elsewhere, false, now)).toEqual({ allowed: false, code: "NO_CARE_RELATIONSHIP" });
    const left = (daysAgo: number) => resident({ placements: [{ careHomeId: "CH00001", startDate: new Date("2024-01-01"), endDate: new Date(now.getTime() - daysAgo * 86_400_000) }] });
    expect(placedAt(left(7), "CH00001", now)).toBe(true);
    expect(placedAt(left(8), "CH00001", now)).toBe(false);
    const future = resident({ placements: [{ careHomeId: "CH00001", startDate: new Date("2027-01-01"), endDate: null }] });
    expect(placedAt(future, "CH00001", now)).toBe(false);
  });
  it("GP: registered patients only", () => {
    expect(residentGrant(gp, practice, resident(), false, now).allowed).toBe(true);
    expect(residentGrant(gp, practice, resident({ gpPracticeCode: "G00002" }), false, now)).toEqual({ allowed: false, code: "NO_CARE_RELATIONSHIP" });
  });
  it("urgent care: any resident", () => {
    expect(residentGrant(paramedic, ambulance, resident({ gpPracticeCode: "G00009", placements: [] }), false, now)).toEqual({ allowed: true, group: "URGENT_CARE", breakGlass: false });
  });
  it("analyst: never", () => {
    expect(residentGrant(analyst, icb, resident(), false, now)).toEqual({ allowed: false, code: "ROLE_NOT_PERMITTED" });
  });
  it("objection denies with its own code unless a clinician broke the glass", () => {
    const objected = resident({ sharingObjection: true });
    expect(residentGrant(nurse, home, objected, false, now)).toEqual({ allowed: false, code: "SHARING_OBJECTION" });
    expect(residentGrant(nurse, home, objected, true, now)).toEqual({ allowed: true, group: "CARE_HOME", breakGlass: true });
    expect(residentGrant(carer, home, objected, true, now)).toEqual({ allowed: false, code: "SHARING_OBJECTION" });
  });
  it("break-glass lets a clinician past a missing relationship but not past the preconditions", () => {
    expect(residentGrant(gp, practice, resident({ gpPracticeCode: "G00002" }), true, now)).toEqual({ allowed: true, group: "GP", breakGlass: true });
    expect(residentGrant({ ...gp, trainingCompletedAt: null }, practice, resident(), true, now)).toEqual({ allowed: false, code: "TRAINING_NOT_COMPLETED" });
  });
});

describe("section matrix", () => {
  it("urgent care sees only the urgent subset", () => {
    expect(sectionAccess("URGENT_CARE", "CARE_PLAN")).toBe("LIMITED");
    expect(sectionAccess("URGENT_CARE", "DIAGNOSTIC_REPORTS")).toBe("NONE");
    expect(sectionAccess("URGENT_CARE", "CARE_PLAN_HISTORY")).toBe("NONE");
    expect(sectionAccess("CARE_HOME", "DIAGNOSTIC_REPORTS")).toBe("FULL");
  });
});
