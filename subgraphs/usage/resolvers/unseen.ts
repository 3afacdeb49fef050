// "What's new since I last looked" (ADR 0006): per resident, and per care home for its dashboard.
// Who may ask is decided in permissions.ts before these run; reading them is not a view and
// records nothing (only a view or markSeen moves a last look).
import type * as Gen from "../generated/resolvers-types.js";
import { fromWire } from "../../../platform/access/grant.js";
import { denialError } from "../../../platform/access/rules.js";
import { badInput } from "../../../platform/errors/errors.js";
import { homeSummary, residentsOfHome } from "../unseen/home.js";
import type { UsageContext } from "../context.js";

/** The caller's "what's new" for a resident they may see; refused as the record is otherwise. */
export async function unseenOf(ctx: UsageContext, nhsNumber: string, grant: ReturnType<typeof fromWire>) {
  if (!grant.allowed) throw denialError(grant.code);
  return ctx.unseen.load({ nhsNumber, grant });
}

export const ResidentResolvers: Gen.ResidentResolvers = {
  __resolveReference: (ref) => ref,
  unseen: (resident, _, ctx) => unseenOf(ctx, resident.nhsNumber, fromWire(resident.accessGrant)),
};

export const CareHomeResolvers: Gen.CareHomeResolvers = {
  __resolveReference: (ref) => ({ id: ref.id }),
  unseen: async (home, _, ctx) => {
    const residents = await residentsOfHome(ctx.peers, ctx.identity, home.id);
    // Residents the caller may not see (an objection to sharing) are not counted.
    const visible = residents.flatMap((r) => (r.grant.allowed ? [{ nhsNumber: r.nhsNumber, grant: r.grant }] : []));
    const unseen = await ctx.unseen.loadMany(visible);
    return homeSummary(
      visible.map((r, i) => {
        const u = unseen[i];
        if (u instanceof Error) throw u;
        return { nhsNumber: r.nhsNumber, unseen: u! };
      }),
    );
  },
};

export const CareHomeUnseenResolvers: Gen.CareHomeUnseenResolvers = {
  residents: (summary, args) => {
    const first = args.first ?? 20;
    if (first < 1 || first > 100) throw badInput("first must be 1 to 100");
    return summary.ranked.slice(0, first);
  },
};
