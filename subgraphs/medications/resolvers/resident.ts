import { badInput } from "../../../platform/errors/errors.js";
import { allowedAccess } from "../../../platform/access/contributed.js";
import { denialError } from "../../../platform/access/rules.js";
import type * as Gen from "../generated/resolvers-types.js";
import type { MedicationRequestStatus } from "../prisma/generated/enums.js";

/** The "current medicines" list when no status is asked for. */
export const CURRENT_STATUSES: MedicationRequestStatus[] = ["ACTIVE", "ON_HOLD"];

export function statusFilter(status: MedicationRequestStatus[] | null | undefined): MedicationRequestStatus[] {
  if (status == null) return CURRENT_STATUSES;
  const unique = [...new Set(status)].sort();
  if (unique.length === 0 || unique.length !== status.length) throw badInput("status must list 1 to 8 distinct statuses");
  return unique;
}

export const ResidentResolvers: Gen.ResidentResolvers = {
  __resolveReference: (ref) => ref,
  medications: (resident, args, ctx) => {
    const statuses = statusFilter(args.status);
    // Urgent care sees the current list only.
    if (allowedAccess(resident, "MEDICATIONS") === "LIMITED" && statuses.some((s) => !CURRENT_STATUSES.includes(s)))
      throw denialError("ROLE_NOT_PERMITTED", { section: "MEDICATIONS" });
    return ctx.loaders.requestsOfResident.load({ key: resident.nhsNumber, args: statuses });
  },
};
