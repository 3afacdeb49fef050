import type { Identity } from "../identity/identity.js";
import { callerDenial, placedAt, residentGrant, sectionAccess, seesRestricted, writeDenial, type ResidentFacts } from "./policy.js";
import { ambulance, analyst, carer, gp, home, icb, nurse, paramedic, practice, resident } from "../../test/support/access-fixtures.js";

const now = new Date("2026-11-20T10:00:00Z");

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
  it("decision: the registry decides the organisation type; a token claim that disagrees is refused, never believed", () => {
    // A GP token claiming that a care home's code is a practice.
    expect(callerDenial({ ...gp, orgCode: "CH00001", orgType: "gp_practice" }, home)).toBe("ROLE_NOT_PERMITTED");
    // A nurse whose token mislabels the home as a 111 service: the claim cannot be corrected silently either.
    expect(callerDenial({ ...nurse, orgType: "nhs111" }, home)).toBe("ROLE_NOT_PERMITTED");
  });
  it("count a training date after today (UTC) as not trained; today itself counts", () => {
    expect(callerDenial({ ...nurse, trainingCompletedAt: "2026-11-21" }, home, now)).toBe("TRAINING_NOT_COMPLETED");
    expect(callerDenial({ ...nurse, trainingCompletedAt: "2099-01-01" }, home, now)).toBe("TRAINING_NOT_COMPLETED");
    expect(callerDenial({ ...nurse, trainingCompletedAt: "2026-11-20" }, home, now)).toBeNull();
    // Just before midnight UTC, tomorrow is still the future.
    expect(callerDenial({ ...nurse, trainingCompletedAt: "2026-11-21" }, home, new Date("2026-11-20T23:59:59Z"))).toBe("TRAINING_NOT_COMPLETED");
  });
});

describe("resident grant", () => {
  it("care home staff: own residents only, leavers for 7 days", () => {
    expect(residentGrant(carer, home, resident(), false, now)).toEqual({ allowed: true, group: "CARE_HOME", breakGlass: false, relationship: "CURRENT" });
    const elsewhere = resident({ placements: [{ careHomeId: "CH00002", startDate: new Date("2024-01-01"), endDate: null }] });
    expect(residentGrant(carer, home, elsewhere, false, now)).toEqual({ allowed: false, code: "NO_CARE_RELATIONSHIP" });
    const left = (daysAgo: number) =>
      resident({ placements: [{ careHomeId: "CH00001", startDate: new Date("2024-01-01"), endDate: new Date(now.getTime() - daysAgo * 86_400_000) }] });
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
    expect(residentGrant(paramedic, ambulance, resident({ gpPracticeCode: "G00009", placements: [] }), false, now)).toEqual({
      allowed: true,
      group: "URGENT_CARE",
      breakGlass: false,
      relationship: "NONE",
    });
  });
  it("analyst: never", () => {
    expect(residentGrant(analyst, icb, resident(), false, now)).toEqual({ allowed: false, code: "ROLE_NOT_PERMITTED" });
  });
  it("objection denies with its own code unless a clinician broke the glass", () => {
    const objected = resident({ sharingObjection: true });
    expect(residentGrant(nurse, home, objected, false, now)).toEqual({ allowed: false, code: "SHARING_OBJECTION" });
    expect(residentGrant(nurse, home, objected, true, now)).toEqual({ allowed: true, group: "CARE_HOME", breakGlass: true, relationship: "CURRENT" });
    expect(residentGrant(carer, home, objected, true, now)).toEqual({ allowed: false, code: "SHARING_OBJECTION" });
  });
  it("break-glass lets a clinician past a missing relationship but not past the preconditions", () => {
    expect(residentGrant(gp, practice, resident({ gpPracticeCode: "G00002" }), true, now)).toEqual({
      allowed: true,
      group: "GP",
      breakGlass: true,
      relationship: "NONE",
    });
    expect(residentGrant({ ...gp, trainingCompletedAt: null }, practice, resident(), true, now)).toEqual({ allowed: false, code: "TRAINING_NOT_COMPLETED" });
  });
});

describe("writes", () => {
  const left = (daysAgo: number) =>
    resident({ placements: [{ careHomeId: "CH00001", startDate: new Date("2024-01-01"), endDate: new Date(now.getTime() - daysAgo * 86_400_000) }] });
  const write = (who: Identity, r: ResidentFacts, glass: boolean, group: "CARE_HOME" | "GP") =>
    writeDenial(residentGrant(who, who.role === "gp" ? practice : home, r, glass, now), group);

  it("need the caller's own current relationship; break-glass never opens a write", () => {
    expect(write(nurse, resident(), false, "CARE_HOME")).toBeNull();
    expect(write(gp, resident(), false, "GP")).toBeNull();
    expect(write(gp, resident({ gpPracticeCode: "G00002" }), true, "GP")).toBe("NO_CARE_RELATIONSHIP");
    const elsewhere = resident({ placements: [{ careHomeId: "CH00002", startDate: new Date("2024-01-01"), endDate: null }] });
    expect(write(nurse, elsewhere, true, "CARE_HOME")).toBe("NO_CARE_RELATIONSHIP");
    expect(write(nurse, resident(), false, "GP")).toBe("ROLE_NOT_PERMITTED");
    expect(writeDenial(residentGrant(paramedic, ambulance, resident(), true, now), "CARE_HOME")).toBe("ROLE_NOT_PERMITTED");
  });
  it("decision: a resident who objected gets no new plan version, break-glass or not", () => {
    expect(write(nurse, resident({ sharingObjection: true }), false, "CARE_HOME")).toBe("SHARING_OBJECTION");
    expect(write(nurse, resident({ sharingObjection: true }), true, "CARE_HOME")).toBe("SHARING_OBJECTION");
    expect(write(gp, resident({ sharingObjection: true }), true, "GP")).toBe("SHARING_OBJECTION");
  });
  it("decision: the leaver window is for reading only; the day of leaving still counts as placed", () => {
    expect(write(nurse, left(0), false, "CARE_HOME")).toBeNull();
    expect(residentGrant(nurse, home, left(1), false, now)).toMatchObject({ allowed: true, relationship: "LEAVER" });
    expect(write(nurse, left(1), false, "CARE_HOME")).toBe("NO_CARE_RELATIONSHIP");
    expect(write(nurse, left(7), false, "CARE_HOME")).toBe("NO_CARE_RELATIONSHIP");
  });
  it("decision: the leaver window is inclusive, day 7 after leaving is the last day (UTC days, whatever the hour)", () => {
    const endOn = (day: string) =>
      resident({ placements: [{ careHomeId: "CH00001", startDate: new Date("2024-01-01"), endDate: new Date(`${day}T00:00:00Z`) }] });
    expect(residentGrant(nurse, home, endOn("2026-11-13"), false, new Date("2026-11-20T23:59:59Z")).allowed).toBe(true);
    expect(residentGrant(nurse, home, endOn("2026-11-12"), false, new Date("2026-11-20T00:00:00Z"))).toEqual({ allowed: false, code: "NO_CARE_RELATIONSHIP" });
  });
});

describe("restricted history", () => {
  it("stays with the registered GP, under break-glass too", () => {
    expect(seesRestricted(residentGrant(gp, practice, resident(), false, now))).toBe(true);
    expect(seesRestricted(residentGrant(gp, practice, resident({ sharingObjection: true }), true, now))).toBe(true);
    expect(seesRestricted(residentGrant(gp, practice, resident({ gpPracticeCode: "G00002" }), true, now))).toBe(false);
    expect(seesRestricted(residentGrant(nurse, home, resident(), false, now))).toBe(false);
    expect(seesRestricted(residentGrant(paramedic, ambulance, resident(), true, now))).toBe(false);
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
