// The only list of subgraphs. Everything that needs "every subgraph" (ports, URLs, migrations,
// demo seeding, source systems, the Resident field -> section map, compose, Docker, tests) is
// derived from it. Adding a subgraph: copy a folder, give it a manifest.ts, add one line here,
// and one row to the access policy for its section (docs/subgraph-conventions.md).
//
// This module holds only the subgraphs' descriptions (plain data), so the gateway can read the
// section map without loading any subgraph's code; `loadSubgraph` brings in how one is built.
import type { Env } from "../platform/config/env.js";
import { ConfigError } from "../platform/config/env.js";
import type { Database } from "../platform/db/database.js";
import { migrateSchema } from "../platform/db/migrate.js";
import type { Section } from "../platform/access/sections.js";
import type { SubgraphDescription, SubgraphManifest } from "../platform/subgraph/manifest.js";
import type { FhirMapping } from "../platform/ingest/contract.js";
import { about as residents } from "./residents/manifest.js";
import { about as discharge } from "./discharge/manifest.js";
import { about as labs } from "./labs/manifest.js";
import { about as medications } from "./medications/manifest.js";
import { about as careplans } from "./careplans/manifest.js";
import { about as usage } from "./usage/manifest.js";

/** In start order: residents first, the others ask it for access decisions on mutations. */
export const SUBGRAPH_DESCRIPTIONS = [residents, discharge, labs, medications, careplans, usage] as const;

export type SubgraphName = (typeof SUBGRAPH_DESCRIPTIONS)[number]["name"];
export type SubgraphDescriptionOf<N extends SubgraphName> = Extract<(typeof SUBGRAPH_DESCRIPTIONS)[number], { name: N }>;

export const SUBGRAPHS: readonly SubgraphName[] = SUBGRAPH_DESCRIPTIONS.map((d) => d.name);

/** Subgraphs that hold resident data from a source system, and so have demo data; `usage` (the audit trail) does not. */
export const DOMAIN_SUBGRAPHS: readonly SubgraphName[] = SUBGRAPH_DESCRIPTIONS.filter((d) => d.sourceSystem !== null).map((d) => d.name);

export function descriptionOf<N extends SubgraphName>(name: N): SubgraphDescriptionOf<N> {
  return SUBGRAPH_DESCRIPTIONS.find((d) => d.name === name) as SubgraphDescriptionOf<N>;
}

export function isSubgraphName(name: string): name is SubgraphName {
  return (SUBGRAPHS as readonly string[]).includes(name);
}

/** The section each field of Resident belongs to, over every subgraph (null: no section, e.g. the key). */
export const RESIDENT_FIELD_SECTIONS: Readonly<Record<string, Section | null>> = (() => {
  const map: Record<string, Section | null> = {};
  for (const d of SUBGRAPH_DESCRIPTIONS)
    for (const [field, section] of Object.entries(d.residentFields)) {
      if (Object.hasOwn(map, field)) throw new Error(`Resident.${field} is claimed by two subgraphs' manifests`);
      map[field] = section;
    }
  return map;
})();

/** FHIR ingestion (ADR 0008): which subgraph owns each resource type a source system may send. */
export const FHIR_OWNERS: ReadonlyMap<string, SubgraphName> = (() => {
  const owners = new Map<string, SubgraphName>();
  for (const d of SUBGRAPH_DESCRIPTIONS as readonly SubgraphDescription[])
    for (const type of d.fhir?.resourceTypes ?? []) {
      if (owners.has(type)) throw new Error(`FHIR ${type} is claimed by two subgraphs' manifests`);
      owners.set(type, d.name as SubgraphName);
    }
  return owners;
})();

/** Resource type -> the owning subgraph's mapping, for the front door's checks. */
export const FHIR_MAPPINGS: ReadonlyMap<string, FhirMapping> = new Map(
  [...FHIR_OWNERS].map(([type, owner]) => [type, (descriptionOf(owner) as SubgraphDescription).fhir!]),
);

/** The subgraph that applies a resource type (only types in FHIR_OWNERS reach the queue). */
export function fhirOwnerOf(resourceType: string): SubgraphName {
  const owner = FHIR_OWNERS.get(resourceType);
  if (!owner) throw new Error(`no subgraph owns FHIR ${resourceType}`);
  return owner;
}

/** Source system per subgraph that has one, as provenance shows it. */
export const SOURCE_SYSTEMS = Object.fromEntries(SUBGRAPH_DESCRIPTIONS.flatMap((d) => (d.sourceSystem === null ? [] : [[d.name, d.sourceSystem]]))) as Readonly<
  Record<SubgraphName, string>
>;

/** Where a subgraph listens: SUBGRAPH_BASE_PORT + its manifest's offset; SUBGRAPH_BASE_PORT=0 gives any free port. */
export function subgraphPort(name: SubgraphName, env: Pick<Env, "SUBGRAPH_BASE_PORT">): number {
  if (env.SUBGRAPH_BASE_PORT === 0) return 0;
  return env.SUBGRAPH_BASE_PORT + descriptionOf(name).portOffset;
}

/** Where the gateway finds each subgraph: its SUBGRAPH_URL_<NAME>, else this host and its port. */
export function subgraphUrls(env: Pick<Env, "HOST" | "SUBGRAPH_BASE_PORT" | "SUBGRAPH_URLS">): Record<SubgraphName, string> {
  const known = new Set<string>(SUBGRAPH_DESCRIPTIONS.map((d) => d.urlVariable));
  const unknown = Object.keys(env.SUBGRAPH_URLS).filter((v) => !known.has(v));
  // A misspelt variable would otherwise be ignored and the gateway would call the default port.
  if (unknown.length > 0) throw new ConfigError(`Invalid configuration:\n  ${unknown.join(", ")}: no such subgraph (known: ${[...known].join(", ")})`);
  return Object.fromEntries(
    SUBGRAPH_DESCRIPTIONS.map((d) => [d.name, env.SUBGRAPH_URLS[d.urlVariable] ?? `http://${env.HOST}:${subgraphPort(d.name, env)}/graphql`]),
  ) as Record<SubgraphName, string>;
}

const loaded = new Map<SubgraphName, Promise<SubgraphManifest>>();
let loading: Promise<unknown> = Promise.resolve();

/**
 * How a subgraph is built (its index.ts), loaded on demand so the descriptions stay light. Loads
 * run one after another and are kept: module graphs that overlap are then never linked twice at
 * once (Jest's ESM loader fails on that).
 */
export function loadSubgraph<N extends SubgraphName>(name: N): Promise<SubgraphManifest<N>> {
  let manifest = loaded.get(name);
  if (!manifest) {
    manifest = loading.then(async () => {
      const { manifest: m } = (await import(`./${name}/index.js`)) as { manifest?: SubgraphManifest };
      if (m?.name !== name) throw new Error(`subgraphs/${name}/index.ts must export the manifest of "${name}"`);
      if (descriptionOf(name).sourceSystem !== null && !m.seeder) throw new Error(`subgraph ${name} holds resident data and needs a demo seeder`);
      return m;
    });
    loading = manifest.catch(() => undefined);
    loaded.set(name, manifest);
  }
  return manifest as Promise<SubgraphManifest<N>>;
}

/** Applies every subgraph's migrations, in registry order. */
export async function migrateAll(db: Database): Promise<Record<SubgraphName, string[]>> {
  const result = {} as Record<SubgraphName, string[]>;
  for (const d of SUBGRAPH_DESCRIPTIONS) result[d.name] = await migrateSchema(db, d);
  return result;
}
