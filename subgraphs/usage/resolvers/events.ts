// The privacy officer's view of the audit trail: who looked at which resident's record, when,
// why and with what outcome. Events hold no clinical content.
import { badInput } from "../../../platform/errors/errors.js";
import { decodeTimeCursor, pageSize, timeConnection } from "../../../platform/graphql/paging.js";
import type * as Gen from "../generated/resolvers-types.js";
import { errorCodeOf, orgTypeOf, sectionOf, userRoleOf } from "../codes.js";

/** The list's cursor scope: a cursor of another list is refused here. */
const LIST = "Query.accessEvents";

export const EventQueries: Gen.QueryResolvers = {
  accessEvents: async (_, args, ctx) => {
    const f = args.filter;
    if (f.to < f.from) throw badInput("to must not be before from");
    if (!f.nhsNumber && !f.userId && f.to.getTime() - f.from.getTime() > 31 * 86_400_000)
      throw badInput("without an nhsNumber or userId the range may be at most 31 days");
    const size = pageSize(args.first, 50);
    const rows = await ctx.repo.events({ ...f, after: decodeTimeCursor(LIST, args.after) }, size + 1);
    return timeConnection(LIST, rows, size, (e) => e.occurredAt);
  },
};

/** The stored text as the schema's enums (purpose and outcome are database enums already). */
export const AccessEventResolvers: Gen.AccessEventResolvers = {
  userRole: (e) => userRoleOf(e.userRole),
  orgType: (e) => orgTypeOf(e.orgType),
  section: (e) => sectionOf(e.section),
  denialCode: (e) => (e.denialCode == null ? null : errorCodeOf(e.denialCode)),
};
