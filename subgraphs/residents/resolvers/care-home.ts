import type * as Gen from "../generated/resolvers-types.js";
import { listKey, type ListedResident, type Resident, type ResidentListFilter, type ResidentListOrder, type ResidentListPage } from "../repository.js";
import { decodeCursor, pageRequest, twoWayConnection, mapNodes } from "../../../platform/graphql/paging.js";
import { badInput } from "../../../platform/errors/errors.js";

const NAME_MIN = 2;
const NAME_MAX = 50;

/** The filter as the repository takes it: name trimmed and bounded, placement CURRENT unless asked. */
function listFilter(filter: Gen.CareHomeResidentsFilter | null | undefined): ResidentListFilter {
  let nameContains: string | null = null;
  if (filter?.nameContains != null) {
    nameContains = filter.nameContains.trim();
    const length = [...nameContains].length;
    if (length < NAME_MIN || length > NAME_MAX) throw badInput(`nameContains must be ${NAME_MIN} to ${NAME_MAX} characters after trimming`);
  }
  return { placement: filter?.placement ?? "CURRENT", nameContains };
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const NHS = /^\d{10}$/;
/** What each order's cursor must hold (it is sealed, so this only guards against our own mistakes). */
const KEY_SHAPE: Record<ResidentListOrder, RegExp[]> = {
  NHS_NUMBER: [NHS],
  FAMILY_NAME: [/^/, /^/, NHS],
  ADMITTED_NEWEST_FIRST: [DAY, NHS],
};

export const CareHomeResolvers: Gen.CareHomeResolvers = {
  __resolveReference: (ref, ctx) => ctx.loaders.careHome.load(ref.id),
  // Only the home's own staff get here (permissions.ts: listCareHomeResidents).
  residents: async (home, args, ctx) => {
    const order: ResidentListOrder = args.orderBy ?? "NHS_NUMBER";
    const request = pageRequest(args);
    const filter = listFilter(args.filter);
    // A cursor belongs to one home's list in one order; the filter may change under it (the
    // position is still a position in the list, whatever is left out of it).
    const scope = `CareHome.residents/${home.id}/${order}`;
    const shape = KEY_SHAPE[order];
    const key = decodeCursor(scope, request.cursor, shape.length, request.argument);
    if (key && !key.every((part, i) => typeof part === "string" && shape[i]!.test(part)))
      throw badInput(`${request.argument} is not a cursor this list issued`);
    const page: ResidentListPage = { ...filter, order, backward: request.backward, position: key as string[] | null, limit: request.size + 1 };
    const rows = await ctx.repo.residentsOfHome(home.id, page);
    const connection = twoWayConnection(
      scope,
      rows,
      request,
      (r: ListedResident) => listKey(order, r),
      () => ctx.repo.residentsBehindCursor(home.id, { ...page, position: page.position! }),
    );
    const residents = await ctx.loaders.resident.loadMany(connection.edges.map((e) => e.node.nhsNumber));
    return {
      // Typed as a row, though loadMany may give an Error (or nothing) for one key: graphql-js throws
      // a returned Error and refuses a null node, so that edge fails on its own, as before.
      edges: mapNodes(connection.edges, (_, i) => residents[i] as Resident),
      pageInfo: connection.pageInfo,
      totalCount: () => ctx.repo.residentCountOfHome(home.id, filter),
    };
  },
};

/** The total and the PageInfo cost a statement each: only when the client selects them. */
export const ResidentConnectionResolvers: Gen.ResidentConnectionResolvers = {
  pageInfo: (connection) => connection.pageInfo(),
  totalCount: (connection) => connection.totalCount(),
};

export const GpPracticeResolvers: Gen.GpPracticeResolvers = {
  __resolveReference: (ref, ctx) => ctx.loaders.gpPractice.load(ref.odsCode),
};
