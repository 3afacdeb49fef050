import { decodeTimeCursor, pageSize, timeConnection } from "../../../platform/graphql/paging.js";
import { allowedAccess } from "../../../platform/access/contributed.js";
import type * as Gen from "../generated/resolvers-types.js";

/** Each list's cursor scope: a cursor of one list is refused by the others. */
const LISTS = {
  summaries: "Resident.dischargeSummaries",
  stays: "Resident.hospitalStays",
  emergencyCare: "Resident.emergencyCareSummaries",
} as const;

export const ResidentResolvers: Gen.ResidentResolvers = {
  __resolveReference: (ref) => ref,
  dischargeSummaries: async (r, args, ctx) => {
    const size = pageSize(args.first, 10);
    const query = { since: args.since ? args.since.toISOString() : null, after: decodeTimeCursor(LISTS.summaries, args.after) };
    const rows = await ctx.loaders.summariesOfResident.load({ key: r.nhsNumber, args: query });
    // Urgent care sees the latest summary only: one page of one, and never a second page.
    if (allowedAccess(r, "DISCHARGE_SUMMARIES") === "LIMITED")
      return timeConnection(LISTS.summaries, query.after ? [] : rows.slice(0, 1), 1, (s) => s.dischargedAt);
    return timeConnection(LISTS.summaries, rows, size, (s) => s.dischargedAt);
  },
  currentHospitalStay: async (r, _, ctx) => (await ctx.loaders.currentStays.load(r.nhsNumber))[0] ?? null,
  hospitalStays: async (r, args, ctx) => {
    const size = pageSize(args.first, 10);
    const after = decodeTimeCursor(LISTS.stays, args.after);
    return timeConnection(LISTS.stays, await ctx.loaders.staysOfResident.load({ key: r.nhsNumber, args: after }), size, (s) => s.admittedAt);
  },
  emergencyCareSummaries: async (r, args, ctx) => {
    const size = pageSize(args.first, 10);
    const after = decodeTimeCursor(LISTS.emergencyCare, args.after);
    return timeConnection(LISTS.emergencyCare, await ctx.loaders.emergencyCareOfResident.load({ key: r.nhsNumber, args: after }), size, (s) => s.occurredAt);
  },
};
