// Who may do what in the care plans subgraph: each mutation performs one action of the catalogue
// (platform/access/actions.ts), decided on the caller's grant for the plan's resident, fetched from
// the residents subgraph (a root mutation cannot receive it through @requires). Sections of
// Resident follow the contributed pattern.
import { contributedSectionsPermissions } from "../../platform/access/contributed.js";
import { performsAction } from "../../platform/access/rules.js";
import type { ResidentGrant } from "../../platform/access/policy.js";
import { loadTypeDefs } from "../../platform/subgraph/server.js";
import type * as Gen from "./generated/resolvers-types.js";
import type { CareplansContext } from "./context.js";
import { about } from "./manifest.js";

// An unknown plan is refused like a plan of someone else's resident, without saying which.
const UNKNOWN_PLAN: ResidentGrant = { allowed: false, code: "NO_CARE_RELATIONSHIP" };

async function grantForPlan(_: unknown, args: { id: string }, ctx: CareplansContext): Promise<ResidentGrant> {
  const plan = await ctx.loaders.plan.load(args.id);
  return plan ? ctx.grantFor(plan.nhsNumber) : UNKNOWN_PLAN;
}

export const permissions = contributedSectionsPermissions(loadTypeDefs(about.schema), about.residentFields, {
  Mutation: {
    submitCarePlanQuestionnaire: performsAction("submitCarePlan", (_, args: Gen.MutationSubmitCarePlanQuestionnaireArgs, ctx: CareplansContext) =>
      ctx.grantFor(args.nhsNumber),
    ),
    addCarePlanClinicalDetail: performsAction("addCarePlanClinicalDetail", grantForPlan),
    approveCarePlan: performsAction("approveCarePlan", grantForPlan),
  },
});
