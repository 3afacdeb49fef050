// The action catalogue's decisions, kind by kind, from the side of a caller who should be refused.
import type { Identity } from "../identity/identity.js";
import { Role } from "../identity/identity.js";
import { ACTIONS, actionDenial, mayPerform, scopesOf, type Action } from "./actions.js";
import { residentGrant, type OrganisationFacts, type ResidentGrant } from "./policy.js";
import { ambulance, gp, home, nurse, paramedic, practice, resident } from "../../test/support/access-fixtures.js";

const now = new Date();
const grant = (who: Identity, org: OrganisationFacts, facts = resident(), glass = false): ResidentGrant => residentGrant(who, org, facts, glass, now);

describe("actions decided on the caller", () => {
  it("refuse every role outside the performers, and only those", () => {
    for (const role of Role.options)
      for (const action of [
        "openBreakGlass",
        "readUsage",
        "readAccessEvents",
        "listBreakGlassSessions",
        "closeBreakGlassReview",
        "viewCareHome",
        "listQuarantinedEntries",
        "decideQuarantinedEntries",
      ] as const)
        expect([role, action, actionDenial(action, { ...nurse, role })]).toEqual([role, action, mayPerform(role, action) ? null : "ROLE_NOT_PERMITTED"]);
    expect(actionDenial("openBreakGlass", { ...nurse, role: "care_home_carer" })).toBe("ROLE_NOT_PERMITTED");
    expect(actionDenial("openBreakGlass", nurse)).toBeNull();
    expect(actionDenial("readAccessEvents", { ...nurse, role: "analyst" })).toBe("ROLE_NOT_PERMITTED");
    // The quarantine is the administrator's alone: not the privacy officer's, nor any clinician's.
    for (const action of ["listQuarantinedEntries", "decideQuarantinedEntries"] as const) {
      expect(actionDenial(action, { ...nurse, role: "administrator" })).toBeNull();
      for (const role of Role.options.filter((r) => r !== "administrator"))
        expect([role, actionDenial(action, { ...nurse, role })]).toEqual([role, "ROLE_NOT_PERMITTED"]);
    }
  });
});

describe("actions decided on the resident", () => {
  it("viewResident passes the grant's own refusal through, so it never says whether the record exists", () => {
    expect(actionDenial("viewResident", grant(nurse, home))).toBeNull();
    expect(actionDenial("viewResident", grant(nurse, home, { ...resident(), placements: [] }))).toBe("NO_CARE_RELATIONSHIP");
    expect(actionDenial("viewResident", grant(nurse, home, { ...resident(), sharingObjection: true }))).toBe("SHARING_OBJECTION");
    expect(actionDenial("viewResident", grant(nurse, { ...home, dsptStandardMet: false }))).toBe("ORG_DSPT_NOT_MET");
  });

  it("a write needs a performer's own current relationship: not another group, not the glass", () => {
    expect(actionDenial("submitCarePlan", grant(nurse, home))).toBeNull();
    expect(actionDenial("submitCarePlan", grant(gp, practice))).toBe("ROLE_NOT_PERMITTED");
    expect(actionDenial("approveCarePlan", grant(nurse, home))).toBe("ROLE_NOT_PERMITTED");
    expect(actionDenial("approveCarePlan", grant(gp, practice))).toBeNull();
    expect(actionDenial("approveCarePlan", grant(gp, practice, { ...resident(), gpPracticeCode: "G00002" }, true))).toBe("NO_CARE_RELATIONSHIP");
    expect(actionDenial("addCarePlanClinicalDetail", grant(gp, practice, { ...resident(), sharingObjection: true }, true))).toBe("SHARING_OBJECTION");
    expect(actionDenial("submitCarePlan", grant(paramedic, ambulance, resident(), true))).toBe("ROLE_NOT_PERMITTED");
  });

  it("viewMedicationHistory needs the section FULL: urgent care's LIMITED view is refused", () => {
    expect(actionDenial("viewMedicationHistory", grant(nurse, home))).toBeNull();
    expect(actionDenial("viewMedicationHistory", grant(paramedic, ambulance))).toBe("ROLE_NOT_PERMITTED");
    expect(actionDenial("viewMedicationHistory", grant(nurse, home, { ...resident(), placements: [] }))).toBe("NO_CARE_RELATIONSHIP");
  });
});

describe("listCareHomeResidents", () => {
  const subject = (identity: Identity, organisation: OrganisationFacts | null, careHomeId = "CH00001") => ({ identity, organisation, careHomeId });
  it("only the home's own staff, with the caller's preconditions met (CareHome is reachable as an entity)", () => {
    expect(actionDenial("listCareHomeResidents", subject(nurse, home))).toBeNull();
    expect(actionDenial("listCareHomeResidents", subject(nurse, home, "CH00002"))).toBe("NO_CARE_RELATIONSHIP");
    expect(actionDenial("listCareHomeResidents", subject(gp, practice))).toBe("ROLE_NOT_PERMITTED");
    expect(actionDenial("listCareHomeResidents", subject(nurse, null))).toBe("ORG_NOT_REGISTERED");
    expect(actionDenial("listCareHomeResidents", subject({ ...nurse, trainingCompletedAt: null }, home))).toBe("TRAINING_NOT_COMPLETED");
  });
});

describe("scopes", () => {
  it("a role holds exactly the scopes of the actions it may perform", () => {
    for (const role of Role.options) {
      const expected = new Set((Object.keys(ACTIONS) as Action[]).filter((a) => mayPerform(role, a)).map((a) => ACTIONS[a].scope));
      expect([role, [...scopesOf(role)].sort()]).toEqual([role, [...expected].sort()]);
    }
    expect(scopesOf("administrator")).toEqual(["ingest:admin"]);
    expect(scopesOf("privacy_officer")).toEqual(["audit:read"]);
    expect(scopesOf("care_home_carer")).toEqual(["record:read", "careplan:submit"]);
    expect(scopesOf("gp")).toEqual(["record:read", "careplan:clinical", "breakglass:use"]);
  });
});
