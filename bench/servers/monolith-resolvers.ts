// The monolith's resolvers are the subgraphs' own resolver functions, each called with its own
// subgraph's per-request context (repository + DataLoaders), so the SQL is the same statements the
// subgraphs send. What federation spreads over processes happens here in one execution:
// - every Resident field is checked against the caller's grant for its section, as the subgraphs'
//   graphql-shield rules do (platform/access/rules.ts sectionDecision), and
// - the fields other subgraphs contribute receive the grant the way the gateway hands it over
//   (a representation { nhsNumber, accessGrant } as with @requires).
import { GraphQLError, isObjectType, type GraphQLResolveInfo, type GraphQLSchema } from "graphql";
import type { Database } from "../../platform/db/database.js";
import type { Env } from "../../platform/config/env.js";
import { createCacheHub } from "../../platform/cache/hub.js";
import type { Identity } from "../../platform/identity/identity.js";
import { sectionDecision } from "../../platform/access/rules.js";
import { toWire } from "../../platform/access/grant.js";
import { RESIDENT_FIELD_SECTIONS } from "../../subgraphs/registry.js";
import { scalarResolvers } from "../../platform/graphql/scalars.js";
import { createAccess } from "../../subgraphs/residents/access.js";
import { createResidentsRepository } from "../../subgraphs/residents/repository.js";
import { createResidentsLoaders } from "../../subgraphs/residents/loaders.js";
import { resolvers as residents } from "../../subgraphs/residents/resolvers/index.js";
import { createDischargeRepository } from "../../subgraphs/discharge/repository.js";
import { createDischargeLoaders } from "../../subgraphs/discharge/loaders.js";
import { resolvers as discharge } from "../../subgraphs/discharge/resolvers/index.js";
import { createLabsRepository } from "../../subgraphs/labs/repository.js";
import { createLabsLoaders } from "../../subgraphs/labs/loaders.js";
import { resolvers as labs } from "../../subgraphs/labs/resolvers/index.js";
import { createMedicationsRepository } from "../../subgraphs/medications/repository.js";
import { createMedicationsLoaders } from "../../subgraphs/medications/loaders.js";
import { resolvers as medications } from "../../subgraphs/medications/resolvers/index.js";
import { createCareplansRepository } from "../../subgraphs/careplans/repository.js";
import { createCareplansLoaders } from "../../subgraphs/careplans/loaders.js";
import { resolvers as careplans } from "../../subgraphs/careplans/resolvers/index.js";

type Part = "residents" | "discharge" | "labs" | "medications" | "careplans";
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- resolvers of every subgraph, each typed for its own context
type AnyResolver = (parent: any, args: any, ctx: any, info: GraphQLResolveInfo) => unknown;
type ResolverMap = Record<string, Record<string, unknown>>;

const PARTS: Record<Part, ResolverMap> = { residents, discharge, labs, medications, careplans } as unknown as Record<Part, ResolverMap>;

export function createMonolithData(db: Database, config: Env) {
  // The repositories take the subgraphs' entity caches; the monolith is the uncached reference
  // point, so they are built switched off whatever the environment says.
  const caches = createCacheHub({ ...config, CACHE: "off", REDIS_URL: undefined });
  const repos = {
    residents: createResidentsRepository(db, caches.cache("residents")),
    discharge: createDischargeRepository(db, caches.cache("discharge")),
    labs: createLabsRepository(db, caches.cache("labs")),
    medications: createMedicationsRepository(db, caches.cache("medications")),
    careplans: createCareplansRepository(db, caches.cache("careplans")),
  };
  return {
    /** Per request, like each subgraph's createContext: fresh loaders, so nothing is cached across requests. */
    createContext(identity: Identity) {
      const residentLoaders = createResidentsLoaders(repos.residents);
      return {
        identity,
        residents: { identity, repo: repos.residents, loaders: residentLoaders, access: createAccess(repos.residents, residentLoaders, identity) },
        discharge: { identity, loaders: createDischargeLoaders(repos.discharge) },
        labs: { identity, loaders: createLabsLoaders(repos.labs) },
        medications: { identity, loaders: createMedicationsLoaders(repos.medications) },
        careplans: { identity, loaders: createCareplansLoaders(repos.careplans) },
      };
    },
    close: async () => {
      await Promise.all(Object.values(repos).map((r) => r.close()));
      await caches.close();
    },
  };
}

export type MonolithContext = ReturnType<ReturnType<typeof createMonolithData>["createContext"]>;

/** Which subgraph resolves a field of a type (the first whose resolver map has it), if any. */
function ownerOf(type: string, field: string): Part | undefined {
  return (Object.keys(PARTS) as Part[]).find((p) => typeof PARTS[p][type]?.[field] === "function");
}

/** A Resident field behind its section rule; contributed fields get the grant as federation passes it. */
function guardedResidentField(field: string, owner: Part | undefined): AnyResolver {
  const section = RESIDENT_FIELD_SECTIONS[field];
  if (section === undefined) throw new Error(`Resident.${field} has no section in RESIDENT_FIELD_SECTIONS`);
  const resolve: AnyResolver = owner ? (PARTS[owner].Resident![field] as AnyResolver) : (r) => (r as Record<string, unknown>)[field];
  return async (r: { nhsNumber: string }, args, ctx: MonolithContext, info) => {
    if (section === null) return resolve(r, args, ctx.residents, info);
    const grant = await ctx.residents.access.grant(r.nhsNumber);
    const decision = sectionDecision(grant, section);
    if (decision instanceof GraphQLError) throw decision;
    const parent = owner && owner !== "residents" ? { nhsNumber: r.nhsNumber, accessGrant: toWire(grant) } : r;
    return resolve(parent, args, owner ? ctx[owner] : ctx.residents, info);
  };
}

/** Attaches resolvers and the shared scalars to the SDL-built schema, in place. */
export function attachResolvers(schema: GraphQLSchema): void {
  for (const [name, impl] of Object.entries(scalarResolvers))
    Object.assign(schema.getType(name)!, {
      serialize: impl.serialize,
      parseValue: impl.parseValue,
      parseLiteral: impl.parseLiteral,
    });
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith("__") || !isObjectType(type)) continue;
    for (const field of Object.values(type.getFields())) {
      const owner = ownerOf(type.name, field.name);
      if (type.name === "Resident") field.resolve = guardedResidentField(field.name, owner);
      else if (owner) {
        const fn = PARTS[owner][type.name]![field.name] as AnyResolver;
        field.resolve = (parent, args, ctx: MonolithContext, info) => fn(parent, args, ctx[owner], info);
      }
    }
  }
}
