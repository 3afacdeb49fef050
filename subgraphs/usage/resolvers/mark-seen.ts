// markSeen (ADR 0006): the user marks a resident's changes seen without opening the sections. It is
// an access event per section (outcome ACKNOWLEDGED, with seen_up_to), so "seen" stays derived from
// the audit alone, and the marking is itself audited. Who may do it is decided in permissions.ts
// (the action markSeen) before this runs; here, what may be marked.
import { createHash, randomUUID } from "node:crypto";
import { print, type GraphQLResolveInfo } from "graphql";
import type * as Gen from "../generated/resolvers-types.js";
import { toldOfChanges } from "../../../platform/access/record-changes.js";
import { idempotencyRequest } from "../../../platform/db/idempotency.js";
import { badInput } from "../../../platform/errors/errors.js";
import { payloadOf, refused } from "../../../platform/errors/user-errors.js";
import { denialError } from "../../../platform/access/rules.js";
import { CHANGING_SECTIONS, isChangingSection, type ChangingSection } from "../unseen/sections.js";
import { unseenOf } from "./unseen.js";

/** The operation as this subgraph received it: the gateway's plan of the client's, never its variables. */
const operationHash = (info: GraphQLResolveInfo) =>
  createHash("sha256")
    .update([print(info.operation), ...Object.values(info.fragments).map(print)].join("\n"))
    .digest("hex");

/** The sections asked for, checked: changing sections only, distinct, 1 to 6. */
function sectionsAsked(sections: readonly string[] | null | undefined): ChangingSection[] | null {
  if (sections == null) return null;
  if (sections.length === 0 || sections.length > CHANGING_SECTIONS.length) throw badInput(`sections must list 1 to ${CHANGING_SECTIONS.length} sections`);
  if (new Set(sections).size !== sections.length) throw badInput("sections must not repeat a section");
  const wrong = sections.find((s) => !isChangingSection(s));
  if (wrong !== undefined) throw badInput(`sections may name only ${CHANGING_SECTIONS.join(", ")}`);
  return sections as ChangingSection[];
}

export const MarkSeenMutations: Gen.MutationResolvers = {
  markSeen: async (_, args, ctx, info) => {
    const asked = sectionsAsked(args.input.sections);
    const request = idempotencyRequest(ctx.identity.userId, "markSeen", args);
    // Decided by the permission rule already (markSeen on the caller's grant); the same request's
    // grant again (requestGrants asks the residents subgraph once), for the group.
    const grant = await ctx.grantFor(args.input.nhsNumber);
    if (!grant.allowed) throw new Error("markSeen resolved without its permission rule");
    const payload = await payloadOf<Gen.MarkSeenUserErrorCode, "marked", { unseen: Gen.ResolversTypes["ResidentUnseen"]; markedAt: Date }>(
      "marked",
      async () => {
        // Today every role that may mark sees every changing section in full; kept so a policy
        // change can never let a user mark seen what they are not told of.
        const invisible = (asked ?? []).find((section) => !toldOfChanges(grant.group, section));
        if (invisible) throw denialError("ROLE_NOT_PERMITTED", { section: invisible });
        const sections = asked ?? CHANGING_SECTIONS.filter((s) => toldOfChanges(grant.group, s));
        const upTo = args.input.seenUpTo ?? null;
        if (upTo && upTo.getTime() > Date.now()) throw refused("INVALID_INPUT", "seenUpTo must not be in the future", ["input", "seenUpTo"]);
        const hash = operationHash(info);
        const markedAt = await ctx.repo.acknowledgeOnce(request, (at) =>
          sections.map((section) => ({
            id: randomUUID(),
            occurredAt: at,
            userId: ctx.identity.userId,
            userRole: ctx.identity.role,
            orgCode: ctx.identity.orgCode,
            orgType: ctx.identity.orgType,
            nhsNumber: args.input.nhsNumber,
            section,
            purpose: "NORMAL" as const,
            breakGlassReason: null,
            operationHash: hash,
            outcome: "ACKNOWLEDGED" as const,
            denialCode: null,
            // Never past the moment of marking (the store refuses that too).
            seenUpTo: upTo && upTo < at ? upTo : at,
          })),
        );
        ctx.unseen.clear({ nhsNumber: args.input.nhsNumber, grant });
        return { unseen: await unseenOf(ctx, args.input.nhsNumber, grant), markedAt };
      },
    );
    return { unseen: payload.marked?.unseen ?? null, markedAt: payload.marked?.markedAt ?? null, userErrors: payload.userErrors };
  },
};
