import { decodeTimeCursor, pageSize, timeConnection } from "../../kernel/paging.js";
import type { DischargeContext } from "../context.js";

interface PageArgs {
  first?: number | null;
  after?: string | null;
}

type Ref = { nhsNumber: string };

export const ResidentResolvers = {
  __resolveReference: (ref: Ref) => ref,
  dischargeSummaries: async (r: Ref, args: PageArgs & { since?: Date | null }, ctx: DischargeContext) => {
    const size = pageSize(args.first, 10);
    const query = { since: args.since ? args.since.toISOString() : null, after: decodeTimeCursor(args.after) };
    return timeConnection(await ctx.loaders.summariesOfResident.load({ key: r.nhsNumber, args: query }), size, (s) => s.dischargedAt);
  },
  currentHospitalStay: async (r: Ref, _: unknown, ctx: DischargeContext) => (await ctx.loaders.currentStays.load(r.nhsNumber))[0] ?? null,
  hospitalStays: async (r: Ref, args: PageArgs, ctx: DischargeContext) => {
    const size = pageSize(args.first, 10);
    return timeConnection(await ctx.loaders.staysOfResident.load({ key: r.nhsNumber, args: decodeTimeCursor(args.after) }), size, (s) => s.admittedAt);
  },
  emergencyCareSummaries: async (r: Ref, args: PageArgs, ctx: DischargeContext) => {
    const size = pageSize(args.first, 10);
    return timeConnection(
      await ctx.loaders.emergencyCareOfResident.load({ key: r.nhsNumber, args: decodeTimeCursor(args.after) }),
      size,
      (s) => s.occurredAt,
    );
  },
};
