// Callers and organisations the access policy's unit tests decide on (platform/access/*.test.ts).
import type { Identity } from "../../platform/identity/identity.js";
import type { OrganisationFacts, ResidentFacts } from "../../platform/access/policy.js";

const trained = "2025-01-01";
const met = { dsptStandardMet: true, sharingAgreementSigned: true };

export const home: OrganisationFacts = { odsCode: "CH00001", type: "care_home", ...met };
export const practice: OrganisationFacts = { odsCode: "G00001", type: "gp_practice", ...met };
export const ambulance: OrganisationFacts = { odsCode: "RRU", type: "ambulance_service", ...met };
export const icb: OrganisationFacts = { odsCode: "QKK", type: "integrated_care_board", ...met };

export const nurse: Identity = { userId: "n", name: "N", role: "care_home_nurse", orgCode: "CH00001", orgType: "care_home", trainingCompletedAt: trained };
export const carer: Identity = { ...nurse, userId: "c", role: "care_home_carer" };
export const gp: Identity = { userId: "g", name: "G", role: "gp", orgCode: "G00001", orgType: "gp_practice", trainingCompletedAt: trained };
export const paramedic: Identity = {
  userId: "p",
  name: "P",
  role: "ambulance_clinician",
  orgCode: "RRU",
  orgType: "ambulance_service",
  trainingCompletedAt: trained,
};
export const analyst: Identity = { userId: "a", name: "A", role: "analyst", orgCode: "QKK", orgType: "integrated_care_board", trainingCompletedAt: trained };

/** Resident 9990000018: registered with G00001, living at CH00001 since 2024, no objection. */
export const resident = (over: Partial<ResidentFacts> = {}): ResidentFacts => ({
  nhsNumber: "9990000018",
  gpPracticeCode: "G00001",
  sharingObjection: false,
  placements: [{ careHomeId: "CH00001", startDate: new Date("2024-01-01"), endDate: null }],
  ...over,
});
