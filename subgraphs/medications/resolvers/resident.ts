import { badInput } from "../../kernel/errors.js";
import type { MedicationsContext } from "../context.js";
import type { MedicationRequestStatus } from "../prisma/generated/enums.js";

/** The "current medicines" list when no status is asked for. */
export const CURRENT_STATUSES: MedicationRequestStatus[] = ["ACTIVE", "ON_HOLD"];

export function statusFilter(status: MedicationRequestStatus[] | null | undefined): MedicationRequestStatus[] {
  if (status == null) return CURRENT_STATUSES;
  const unique = [...new Set(status)].sort();
  if (unique.length === 0 || unique.length !== status.length) throw badInput("status must list 1 to 8 distinct statuses");
  return unique;
}

export const ResidentResolvers = {
  __resolveReference: (ref: { nhsNumber: string }) => ref,
  medications: (resident: { nhsNumber: string }, args: { status?: MedicationRequestStatus[] | null }, ctx: MedicationsContext) =>
    ctx.loaders.requestsOfResident.load({ key: resident.nhsNumber, args: statusFilter(args.status) }),
};
