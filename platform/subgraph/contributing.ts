// The manifest of a subgraph that only contributes sections to Resident (discharge, labs,
// medications): the residents subgraph decides access and the gateway hands the decision over
// (@requires accessGrant), so what differs between such subgraphs is their repository, loaders,
// resolvers and demo data. Everything else is assembled here, the same way for each.
import type { Database } from "../db/database.js";
import type { CacheHub } from "../cache/hub.js";
import type { EntityCache } from "../cache/entity-cache.js";
import type { SubgraphSeeder } from "../demo/seeder.js";
import { contributedSectionsPermissions } from "../access/contributed.js";
import type { FhirApplier } from "../ingest/contract.js";
import { defineManifest, type SubgraphDescription, type SubgraphManifest } from "./manifest.js";
import { defineSubgraph, loadTypeDefs, type BaseContext, type ResolverMap } from "./server.js";

export function contributingSubgraph<Name extends string, R extends { ping(): Promise<void>; close(): Promise<unknown> }, L>(
  about: SubgraphDescription<Name>,
  parts: {
    repository: (db: Database, cache: EntityCache) => R;
    loaders: (repo: R) => L;
    resolvers: ResolverMap;
    seeder: (db: Database, caches: CacheHub) => SubgraphSeeder;
    /** Applies its matched FHIR entries (its manifest's `fhir` says which types). */
    fhirApplier?: (repo: R) => FhirApplier;
  },
): SubgraphManifest<Name> {
  return defineManifest(about, {
    create: (db, { caches }) =>
      defineSubgraph<BaseContext & { loaders: L }, R>({
        about,
        resolvers: parts.resolvers,
        repo: parts.repository(db, caches.cache(about.name)),
        permissions: contributedSectionsPermissions(loadTypeDefs(about.schema), about.residentFields),
        context: (repo) => ({ loaders: parts.loaders(repo) }),
        fhir: parts.fhirApplier ? (repo) => ({ applier: parts.fhirApplier!(repo) }) : undefined,
      }),
    seeder: parts.seeder,
  });
}
