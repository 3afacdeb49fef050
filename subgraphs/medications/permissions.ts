// What the medications subgraph decides beyond its section: urgent care sees the MEDICATIONS
// section LIMITED, the current list only, so asking for stopped or completed medicines is the
// action viewMedicationHistory (platform/access/actions.ts).
import { grantOf, type ContributedActions, type ResidentRepresentation } from "../../platform/access/contributed.js";
import { performsAction } from "../../platform/access/rules.js";
import type * as Gen from "./generated/resolvers-types.js";
import { CURRENT_STATUSES } from "./statuses.js";

export const actions: ContributedActions = {
  Resident: {
    medications: performsAction("viewMedicationHistory", (resident: ResidentRepresentation, args: Gen.ResidentMedicationsArgs) =>
      (args.status ?? []).some((s) => !CURRENT_STATUSES.includes(s)) ? grantOf(resident) : null,
    ),
  },
};
