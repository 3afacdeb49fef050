// The administrator's quarantine (issue 11, ADR 0008): the FHIR entries patient matching could not
// attach to a resident, listed by identity only, and the two decisions on them, each answering a
// payload (platform/errors/user-errors.ts): a note out of bounds, a group already decided or an
// unknown resident is a user error and writes nothing. The storage is ../quarantine.ts.
import { inputChecks, payloadOf } from "../../../platform/errors/user-errors.js";
import { decodeCursor, pageSize, toConnection, mapNodes } from "../../../platform/graphql/paging.js";
import { badInput } from "../../../platform/errors/errors.js";
import { idempotencyRequest } from "../../../platform/db/idempotency.js";
import type { GroupPosition } from "../quarantine.js";
import type * as Gen from "../generated/resolvers-types.js";

/** The longest note kept with a decision. */
export const MAX_DECISION_NOTE = 1000;

const groupPayload = <T>(run: () => Promise<T>) => payloadOf<Gen.QuarantineUserErrorCode, "quarantinedGroup", T>("quarantinedGroup", run);

// The caller's preconditions and role are checked before any of these runs (permissions.ts).
export const QuarantineMutations: Gen.MutationResolvers = {
  matchQuarantined: (_, args, ctx) =>
    groupPayload(async () => {
      const checks = inputChecks();
      const note = checks.done(checks.text(args.note, ["note"], MAX_DECISION_NOTE));
      const request = idempotencyRequest(ctx.identity.userId, "matchQuarantined", args);
      return ctx.quarantine.match({ id: args.id, nhsNumber: args.nhsNumber, decidedBy: ctx.identity.userId, note, request });
    }),
  rejectQuarantined: (_, args, ctx) =>
    groupPayload(async () => {
      const checks = inputChecks();
      const note = checks.done(checks.text(args.note, ["note"], MAX_DECISION_NOTE));
      const request = idempotencyRequest(ctx.identity.userId, "rejectQuarantined", args);
      return ctx.quarantine.reject({ id: args.id, decidedBy: ctx.identity.userId, note, request });
    }),
};

/** The list's cursor scope, one per status: a cursor of another list (or another status) is refused. */
const scopeOf = (status: Gen.QuarantineStatus) => `Query.quarantinedEntries:${status}`;

function positionOf(key: (string | number)[] | null): GroupPosition | null {
  if (!key) return null;
  const [quarantinedAt, submissionId, firstIndex] = key;
  if (typeof quarantinedAt !== "string" || Number.isNaN(Date.parse(quarantinedAt)) || typeof submissionId !== "string" || typeof firstIndex !== "number")
    throw badInput("after is not a cursor this list issued");
  return { quarantinedAt, submissionId, firstIndex };
}

export const QuarantineQueries: Gen.QueryResolvers = {
  quarantinedEntries: async (_, args, ctx) => {
    const status = args.status ?? "PENDING";
    const size = pageSize(args.first, 50);
    const after = positionOf(decodeCursor(scopeOf(status), args.after, 3));
    const rows = await ctx.quarantine.list(status, size + 1, after);
    const connection = toConnection(scopeOf(status), rows, size, (r) => [r.position.quarantinedAt, r.position.submissionId, r.position.firstIndex]);
    return { edges: mapNodes(connection.edges, (entry) => entry.group), pageInfo: connection.pageInfo };
  },
};
