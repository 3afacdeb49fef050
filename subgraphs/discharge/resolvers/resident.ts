import { decodeTimeCursor, pageSize, timeConnection } from "../../../platform/graphql/paging.js";
import { grantOf, type ResidentRepresentation } from "../../../platform/access/contributed.js";
import { sectionField, sectionResultResolvers } from "../../../platform/access/section-field.js";
import type * as Gen from "../generated/resolvers-types.js";
import { recordChangesField } from "../../../platform/access/record-changes.js";
import { CHANGE_SECTIONS } from "../changes.js";
import type { DischargeContext } from "../context.js";
import { about } from "../manifest.js";

/** Each list's cursor scope: a cursor of one list is refused by the others. */
const LISTS = {
  summaries: "Resident.dischargeSummaries",
  stays: "Resident.hospitalStays",
  emergencyCare: "Resident.emergencyCareSummaries",
} as const;

export const ResidentResolvers: Gen.ResidentResolvers = {
  __resolveReference: (ref) => ref,
  // What's new (ADR 0006), for the usage subgraph: only changes in sections the caller may see.
  recordChanges: recordChangesField(CHANGE_SECTIONS, (ctx: DischargeContext) => ctx.loaders.changesOf),
  // PRESENT when the page has summaries, NOT_RECORDED when none matching (since, after) is recorded.
  dischargeSummaries: sectionField({
    section: "DISCHARGE_SUMMARIES",
    sourceSystem: about.sourceSystem,
    grantOf: (r: ResidentRepresentation) => grantOf(r),
    load: async (r, args: Gen.ResidentDischargeSummariesArgs, ctx, access) => {
      const size = pageSize(args.first, 10);
      const query = { since: args.since ? args.since.toISOString() : null, after: decodeTimeCursor(LISTS.summaries, args.after) };
      const rows = await ctx.loaders.summariesOfResident.load({ key: r.nhsNumber, args: query });
      // Urgent care sees the latest summary only: one page of one, and never a second page.
      if (access === "LIMITED") return timeConnection(LISTS.summaries, query.after ? [] : rows.slice(0, 1), 1, (s) => s.dischargedAt);
      return timeConnection(LISTS.summaries, rows, size, (s) => s.dischargedAt);
    },
    entries: (page) => page.edges.map((e) => e.node),
    provenance: (s) => s,
  }),
  // PRESENT with the stay in progress; NOT_RECORDED when no stay without a discharge is recorded.
  currentHospitalStay: sectionField({
    section: "HOSPITAL_STAYS",
    sourceSystem: about.sourceSystem,
    grantOf: (r: ResidentRepresentation) => grantOf(r),
    load: async (r, _args: unknown, ctx) => (await ctx.loaders.currentStays.load(r.nhsNumber))[0] ?? null,
    entries: (stay) => (stay ? [stay] : []),
    provenance: (s) => s,
  }),
  hospitalStays: sectionField({
    section: "HOSPITAL_STAYS",
    sourceSystem: about.sourceSystem,
    grantOf: (r: ResidentRepresentation) => grantOf(r),
    load: async (r, args: Gen.ResidentHospitalStaysArgs, ctx) => {
      const size = pageSize(args.first, 10);
      const after = decodeTimeCursor(LISTS.stays, args.after);
      return timeConnection(LISTS.stays, await ctx.loaders.staysOfResident.load({ key: r.nhsNumber, args: after }), size, (s) => s.admittedAt);
    },
    entries: (page) => page.edges.map((e) => e.node),
    provenance: (s) => s,
  }),
  emergencyCareSummaries: sectionField({
    section: "EMERGENCY_CARE",
    sourceSystem: about.sourceSystem,
    grantOf: (r: ResidentRepresentation) => grantOf(r),
    load: async (r, args: Gen.ResidentEmergencyCareSummariesArgs, ctx) => {
      const size = pageSize(args.first, 10);
      const after = decodeTimeCursor(LISTS.emergencyCare, args.after);
      return timeConnection(LISTS.emergencyCare, await ctx.loaders.emergencyCareOfResident.load({ key: r.nhsNumber, args: after }), size, (s) => s.occurredAt);
    },
    entries: (page) => page.edges.map((e) => e.node),
    provenance: (s) => s,
  }),
};

export const DischargeSummariesSectionResolvers: Gen.DischargeSummariesSectionResolvers = { ...sectionResultResolvers };
export const HospitalStaysSectionResolvers: Gen.HospitalStaysSectionResolvers = { ...sectionResultResolvers };
export const CurrentHospitalStaySectionResolvers: Gen.CurrentHospitalStaySectionResolvers = { ...sectionResultResolvers };
export const EmergencyCareSectionResolvers: Gen.EmergencyCareSectionResolvers = { ...sectionResultResolvers };
