// Break-glass sessions: started by clinicians with a reason, time-limited, reviewed by the
// privacy officer.
import { randomUUID } from "node:crypto";
import { badInput, domainError, ErrorCode } from "../../../platform/errors/errors.js";
import { decodeCursor, pageSize, toConnection } from "../../../platform/graphql/paging.js";
import type * as Gen from "../generated/resolvers-types.js";
import { idempotencyRequest } from "../../../platform/db/idempotency.js";

export const BREAK_GLASS_HOURS = 4;

// The caller's preconditions are checked before any of these runs: applyPermissions chains them in
// front of every root field (platform/access/rules.ts).
export const BreakGlassMutations: Gen.MutationResolvers = {
  breakGlass: async (_, args, ctx) => {
    const reason = args.reason.trim();
    if (reason.length < 10 || reason.length > 500) throw badInput("reason must be 10 to 500 characters: say why this access is needed");
    const request = idempotencyRequest(ctx.identity.userId, "breakGlass", args);
    const now = new Date();
    const session = await ctx.repo.startBreakGlass(
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
    return session;
  },
  closeBreakGlassReview: async (_, args, ctx) => {
    const note = args.note.trim();
    if (note.length < 1 || note.length > 1000) throw badInput("note must be 1 to 1000 characters");
    const { count } = await ctx.repo.closeBreakGlassReview(args.id, ctx.identity.userId, note, new Date());
    if (count === 0) throw domainError(ErrorCode.NotFound, "No open break-glass review with that id");
    const [session] = await ctx.repo.breakGlassById([args.id]);
    return session ?? null; // the field is nullable: null is what GraphQL made of undefined
  },
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
