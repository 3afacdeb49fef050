// Which medication requests make up the "current medicines" list.
import { badInput } from "../../platform/errors/errors.js";
import type { MedicationRequestStatus } from "./prisma/generated/enums.js";

/** The "current medicines" list when no status is asked for, and all that urgent care may see. */
export const CURRENT_STATUSES: readonly MedicationRequestStatus[] = ["ACTIVE", "ON_HOLD"];

export function statusFilter(status: readonly MedicationRequestStatus[] | null | undefined): MedicationRequestStatus[] {
  if (status == null) return [...CURRENT_STATUSES];
  const unique = [...new Set(status)].sort();
  if (unique.length === 0 || unique.length !== status.length) throw badInput("status must list 1 to 8 distinct statuses");
  return unique;
}
