// Who is asking. Claims are modelled on NHS smartcard / RBAC login data: a user, a role, the
// organisation the user is acting for, and when the user completed record-access training.
import { z } from "zod";

export const Role = z.enum([
  "care_home_carer",
  "care_home_nurse",
  "registered_manager",
  "gp",
  "nhs111_clinician",
  "ooh_gp",
  "ambulance_clinician",
  "ed_clinician",
  "analyst",
  "privacy_officer",
  "administrator",
]);
export type Role = z.infer<typeof Role>;

export const OrgType = z.enum([
  "care_home",
  "gp_practice",
  "nhs111",
  "out_of_hours",
  "ambulance_service",
  "emergency_department",
  "integrated_care_board",
  "record_operator",
]);
export type OrgType = z.infer<typeof OrgType>;

/** The organisation type a role normally acts for; used when a token does not say. */
export const defaultOrgTypeForRole: Record<Role, OrgType> = {
  care_home_carer: "care_home",
  care_home_nurse: "care_home",
  registered_manager: "care_home",
  gp: "gp_practice",
  nhs111_clinician: "nhs111",
  ooh_gp: "out_of_hours",
  ambulance_clinician: "ambulance_service",
  ed_clinician: "emergency_department",
  analyst: "integrated_care_board",
  privacy_officer: "record_operator",
  administrator: "record_operator",
};

export const Identity = z.object({
  userId: z.string().min(1).max(64),
  name: z.string().min(1).max(200),
  role: Role,
  orgCode: z.string().regex(/^[A-Z0-9]{3,10}$/, "an ODS code"),
  orgType: OrgType,
  trainingCompletedAt: z.iso.date().nullable(),
});
export type Identity = z.infer<typeof Identity>;
