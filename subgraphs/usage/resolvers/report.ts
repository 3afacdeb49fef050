// Usage analytics: thin resolvers over the rollups. Every number is a count; no field can carry a
// patient identifier, because the rollups hold none.
import { badInput } from "../../../platform/errors/errors.js";
import type { UsageFilter, UsageRepository } from "../repository.js";
import type * as Gen from "../generated/resolvers-types.js";
import { orgTypeFilter, orgTypeOf, sectionOf } from "../codes.js";

const MAX_RANGE_DAYS = 400;
const toInt = (n: bigint | number) => Number(n);

export function validFilter({ filter }: Gen.QueryUsageArgs): UsageFilter {
  const days = (filter.to.getTime() - filter.from.getTime()) / 86_400_000;
  if (days < 0) throw badInput("to must not be before from");
  if (days > MAX_RANGE_DAYS) throw badInput(`the range may be at most ${MAX_RANGE_DAYS} days`);
  if (filter.orgCode != null && !/^[A-Z0-9]{3,10}$/.test(filter.orgCode)) throw badInput("orgCode must be an ODS code");
  return { from: filter.from, to: filter.to, ...orgTypeFilter(filter.orgType), orgCode: filter.orgCode ?? null };
}

const limit = (first: number | null | undefined, max: number) => {
  const n = first ?? max;
  if (!Number.isInteger(n) || n < 1 || n > max) throw badInput(`first must be between 1 and ${max}`);
  return n;
};

export const QueryResolvers: Gen.QueryResolvers = {
  usage: (_, args) => ({ filter: validFilter(args) }),
};

const counts = (rows: { key: string; views: bigint }[]) => rows.map((r) => ({ key: r.key, views: toInt(r.views) }));

/** Rows keyed by stored text, re-keyed by an enum: keys that map to the same value (UNKNOWN) are added up; most views first, then by key. */
function countsBy<K extends string>(rows: { key: string; views: bigint }[], keyOf: (stored: string) => K): { key: K; views: number }[] {
  const views = new Map<K, number>();
  for (const r of rows) {
    const key = keyOf(r.key);
    views.set(key, (views.get(key) ?? 0) + toInt(r.views));
  }
  return [...views].map(([key, n]) => ({ key, views: n })).sort((a, b) => b.views - a.views || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
/** Every section's views: a few dozen rows at most, so unknown names can be added up before any limit. */
const sectionCounts = async (filter: UsageFilter, ctx: { repo: UsageRepository }) => countsBy(await ctx.repo.viewsBy("section", filter, 1000), sectionOf);

export const UsageReportResolvers: Gen.UsageReportResolvers = {
  totalViews: async ({ filter }, _, ctx) => (await ctx.repo.viewsBy("org_type", filter, 1000)).reduce((n, r) => n + toInt(r.views), 0),
  uniqueUsers: async ({ filter }, _, ctx) => toInt(await ctx.repo.uniqueUsers(filter)),
  breakGlassCount: async ({ filter }, _, ctx) => toInt(await ctx.repo.breakGlassCount(filter)),
  deniedCount: async ({ filter }, _, ctx) => toInt(await ctx.repo.deniedCount(filter)),
  viewsBySection: async ({ filter }, _, ctx) => sectionCounts(filter, ctx),
  mostViewedSections: async ({ filter }, args, ctx) => {
    const first = limit(args.first, 20);
    return (await sectionCounts(filter, ctx)).slice(0, first);
  },
  viewsByOrganisation: async ({ filter }, args, ctx) =>
    counts(await ctx.repo.viewsBy("org_code", args.orgType ? { ...filter, ...orgTypeFilter(args.orgType) } : filter, limit(args.first, 500))),
  viewsByOrgType: async ({ filter }, _, ctx) => countsBy(await ctx.repo.viewsBy("org_type", filter, 1000), orgTypeOf),
  timeline: async ({ filter }, args, ctx) => {
    const [views, users] = await Promise.all([ctx.repo.timeline(args.period, filter), ctx.repo.uniqueUsersTimeline(args.period, filter)]);
    const usersByStart = new Map(users.map((u) => [u.period.getTime(), toInt(u.users)]));
    return views.map((v) => ({ start: v.period, views: toInt(v.views), uniqueUsers: usersByStart.get(v.period.getTime()) ?? 0 }));
  },
};
