// What a subgraph says about itself. Each subgraphs/<name>/index.ts exports one manifest, and
// subgraphs/registry.ts lists them: every list of subgraphs (ports, URL variables, database
// schemas, migrations, seeders, source systems, the Resident field -> section map) is derived from
// that one list, so adding a subgraph is a folder plus a registry line.
import { Kind, type DocumentNode, type FieldDefinitionNode } from "graphql";
import type { Database } from "../db/database.js";
import type { SubgraphSeeder } from "../demo/seeder.js";
import type { CacheHub } from "../cache/hub.js";
import type { Section } from "../access/sections.js";
import type { SubgraphDeps } from "./deps.js";
import type { SubgraphModule } from "./server.js";
import type { FhirMapping } from "../ingest/contract.js";

/**
 * `null`: a field of Resident that is not a section of the record: the key, which identifies the
 * resident, or `unseen`, what is new for the caller (ADR 0006), which shows no content of a section.
 */
export type ResidentFields = Readonly<Record<string, Section | null>>;

/** What a subgraph is: subgraphs/<name>/manifest.ts, plain data that any part may import. */
export interface SubgraphDescription<Name extends string = string> {
  /** Lower-case name: the PostgreSQL schema, the cache namespace and the folder under subgraphs/. */
  readonly name: Name;
  /**
   * Listens on SUBGRAPH_BASE_PORT + portOffset (4001 + offset by default). Written down, never a
   * position in a list, so adding or reordering subgraphs never moves another one's port.
   */
  readonly portOffset: number;
  /** Where the subgraph runs when it is not in this process (containers): SUBGRAPH_URL_<NAME>. */
  readonly urlVariable: `SUBGRAPH_URL_${Uppercase<Name>}`;
  /** The system its data comes from, as provenance shows it; null for data the record itself keeps. */
  readonly sourceSystem: string | null;
  /** The fields this subgraph contributes to Resident and the section each belongs to. */
  readonly residentFields: ResidentFields;
  /** Its Prisma folder (schema.prisma and migrations/). */
  readonly prisma: URL;
  /** Its GraphQL schema (schema.graphql). */
  readonly schema: URL;
  /** The FHIR resource types it takes from source systems and how it checks them (ADR 0008), if any. */
  readonly fhir?: FhirMapping;
}

/** What a subgraph is and how it is built: what subgraphs/<name>/index.ts exports. */
export interface SubgraphManifest<Name extends string = string> extends SubgraphDescription<Name> {
  readonly create: (db: Database, deps: SubgraphDeps) => SubgraphModule;
  /** Demo data; only subgraphs that hold resident data have one (the audit trail is never seeded). */
  readonly seeder?: (db: Database, caches: CacheHub) => SubgraphSeeder;
}

/** Keeps the literal types (name, source system) so the registry can derive a union of names. */
export const describeSubgraph = <const D extends SubgraphDescription>(description: D & { urlVariable: `SUBGRAPH_URL_${Uppercase<D["name"]>}` }): D =>
  description;

export const defineManifest = <Name extends string>(
  description: SubgraphDescription<Name>,
  build: Pick<SubgraphManifest<Name>, "create" | "seeder">,
): SubgraphManifest<Name> => ({ ...description, ...build });

export class ManifestError extends Error {}

const directives = (field: FieldDefinitionNode) => new Set((field.directives ?? []).map((d) => d.name.value));

/**
 * Refuses a subgraph whose schema and manifest disagree about Resident, with a message that says
 * why. A section field must be nullable: a refused or unavailable section is null with an error at
 * its path, and a non-null field would turn that one refusal into a null resident (or a null
 * page of residents). Every field it contributes must name its section, so no field escapes the
 * access rules or the audit; the key, and fields it only borrows (@external) or hides
 * (@inaccessible), are not sections.
 */
export function checkResidentFields(manifest: Pick<SubgraphManifest, "name" | "residentFields">, typeDefs: DocumentNode): void {
  const problems: string[] = [];
  const own = new Map<string, FieldDefinitionNode>();
  for (const def of typeDefs.definitions) {
    if ((def.kind !== Kind.OBJECT_TYPE_DEFINITION && def.kind !== Kind.OBJECT_TYPE_EXTENSION) || def.name.value !== "Resident") continue;
    const keys = new Set(
      (def.directives ?? [])
        .filter((d) => d.name.value === "key")
        .flatMap((d) => d.arguments?.flatMap((a) => (a.name.value === "fields" && a.value.kind === Kind.STRING ? a.value.value.split(/[\s{}]+/) : [])) ?? []),
    );
    for (const field of def.fields ?? []) {
      const marks = directives(field);
      if (marks.has("external") || marks.has("inaccessible")) continue;
      if (keys.has(field.name.value) && !Object.hasOwn(manifest.residentFields, field.name.value)) continue; // every subgraph repeats the key
      own.set(field.name.value, field);
    }
  }
  for (const [name, field] of own) {
    if (!Object.hasOwn(manifest.residentFields, name)) {
      problems.push(
        `Resident.${name} is in the schema but not in the manifest's residentFields: name its section (or null for the key, or what is no section)`,
      );
      continue;
    }
    const section = manifest.residentFields[name];
    if (section !== null && field.type.kind === Kind.NON_NULL_TYPE)
      problems.push(
        `Resident.${name} (section ${section}) must be nullable: a refused or unavailable section is null with an error at its path, and a non-null field would null the whole resident instead`,
      );
  }
  for (const name of Object.keys(manifest.residentFields))
    if (!own.has(name)) problems.push(`residentFields names Resident.${name}, which the schema does not define`);
  if (problems.length > 0) throw new ManifestError(`subgraph ${manifest.name}:\n  ${problems.join("\n  ")}`);
}
