// Break-glass sessions: started by clinicians with a reason, time-limited, reviewed by the
// privacy officer. Each mutation answers a payload (platform/errors/user-errors.ts): a reason or a
// note out of bounds, or a review that is not open, is a user error and writes nothing.
import { randomUUID } from "node:crypto";
import { inputChecks, payloadOf, refused } from "../../../platform/errors/user-errors.js";
import { decodeCursor, pageSize, toConnection } from "../../../platform/graphql/paging.js";
import type * as Gen from "../generated/resolvers-types.js";
import { idempotencyRequest } from "../../../platform/db/idempotency.js";

export const BREAK_GLASS_HOURS = 4;

const sessionPayload = <T>(run: () => Promise<T>) => payloadOf<Gen.BreakGlassUserErrorCode, "breakGlassSession", T>("breakGlassSession", run);
const reviewNotOpen = () => refused<Gen.BreakGlassUserErrorCode>("REVIEW_NOT_OPEN", "No break-glass review with that id is awaiting review", ["id"]);

// The caller's preconditions are checked before any of these runs: applyPermissions chains them in
// front of every root field (platform/access/rules.ts).
export const BreakGlassMutations: Gen.MutationResolvers = {
  breakGlass: (_, args, ctx) =>
    sessionPayload(async () => {
      const checks = inputChecks();
      const reason = checks.done(checks.text(args.reason, ["reason"], 500, 10));
      const request = idempotencyRequest(ctx.identity.userId, "breakGlass", args);
      const now = new Date();
      return ctx.repo.startBreakGlass(
        {
          // Time-ordered ids so the review queue pages oldest first.
          id: `BG-${now.toISOString()}-${randomUUID().slice(0, 8)}`,
          userId: ctx.identity.userId,
          userName: ctx.identity.name,
          role: ctx.identity.role,
          orgCode: ctx.identity.orgCode,
          nhsNumber: args.nhsNumber,
          reason,
          startedAt: now,
          expiresAt: new Date(now.getTime() + BREAK_GLASS_HOURS * 3_600_000),
        },
        request,
      );
    }),
  closeBreakGlassReview: (_, args, ctx) =>
    sessionPayload(async () => {
      const checks = inputChecks();
      const note = checks.done(checks.text(args.note, ["note"], 1000));
      const request = idempotencyRequest(ctx.identity.userId, "closeBreakGlassReview", args);
      return ctx.repo.closeBreakGlassReviewOnce(args.id, ctx.identity.userId, note, new Date(), request, reviewNotOpen);
    }),
};

/** The list's cursor scope: a cursor of another list is refused here. */
const SESSIONS = "Query.breakGlassSessions";

export const BreakGlassQueries: Gen.QueryResolvers = {
  breakGlassSessions: async (_, args, ctx) => {
    const size = pageSize(args.first, 50);
    const after = decodeCursor(SESSIONS, args.after, 1);
    const rows = await ctx.repo.breakGlassForReview(args.reviewed ?? null, size + 1, (after?.[0] as string | undefined) ?? null);
    return toConnection(SESSIONS, rows, size, (r) => [r.id]);
  },
};
