// Schema governance: what changed in the client schema (schema/api.graphql) since the last
// release (schema/released/api.graphql), and whether every breaking change is announced in
// schema/CHANGELOG.md's "Unreleased" section. test/schema-governance.test.ts runs the check in CI.
//   npm run schema:changes                 list breaking and dangerous changes; exit 1 on an unannounced breaking one
//   npm run schema:changes -- --release 1.1.0   make the Unreleased section version 1.1.0 and api.graphql the released schema
import { readFileSync, writeFileSync } from "node:fs";
import { BreakingChangeType, buildSchema, findBreakingChanges, findDangerousChanges, type BreakingChange, type DangerousChange } from "graphql";

const root = new URL("../", import.meta.url);
export const GOVERNANCE_FILES = {
  current: new URL("schema/api.graphql", root),
  released: new URL("schema/released/api.graphql", root),
  changelog: new URL("schema/CHANGELOG.md", root),
};

export interface SchemaChange {
  /** The schema coordinate the change is about: `Type`, `Type.field`, `Type.field(arg:)`, `Enum.VALUE`, `@directive`. */
  coordinate: string;
  description: string;
  breaking: boolean;
}

/** The coordinate a graphql-js change description names (their wording is stable across graphql 16). */
export function coordinateOf(change: BreakingChange | DangerousChange): string {
  const d = change.description;
  let found: RegExpExecArray | null;
  if ((found = /^An? (?:required|optional) arg (\w+) on directive (\w+) was added/.exec(d))) return `@${found[2]}(${found[1]}:)`;
  if ((found = /^An? (?:required|optional) arg (\w+) on (\w+)\.(\w+) was added/.exec(d))) return `${found[2]}.${found[3]}(${found[1]}:)`;
  if ((found = /^An? (?:required|optional) field (\w+) on input type (\w+) was added/.exec(d))) return `${found[2]}.${found[1]}`;
  if ((found = /^(\w+) was (?:removed from|added to) enum type (\w+)/.exec(d))) return `${found[2]}.${found[1]}`;
  if ((found = /^(\w+) was (?:removed from|added to) union type (\w+)/.exec(d))) return `${found[2]}`;
  if ((found = /^(\w+) (?:no longer implements|now implements) interface/.exec(d))) return found[1]!;
  if ((found = /^(\w+)\.(\w+) arg (\w+) /.exec(d))) return `${found[1]}.${found[2]}(${found[3]}:)`;
  if ((found = /^(\w+)\.(\w+) /.exec(d))) return `${found[1]}.${found[2]}`;
  const directiveChange = [
    BreakingChangeType.DIRECTIVE_REMOVED,
    BreakingChangeType.DIRECTIVE_ARG_REMOVED,
    BreakingChangeType.DIRECTIVE_LOCATION_REMOVED,
    BreakingChangeType.DIRECTIVE_REPEATABLE_REMOVED,
  ] as string[];
  if (directiveChange.includes(change.type)) return `@${/(\w+)\.$/.exec(d)?.[1] ?? d}`;
  if ((found = /^(?:Standard scalar )?(\w+) (?:was removed|changed from)/.exec(d))) return found[1]!;
  return d;
}

/** Every change from the released schema to the current one, breaking first. */
export function schemaChanges(releasedSdl: string, currentSdl: string): SchemaChange[] {
  const [before, after] = [buildSchema(releasedSdl), buildSchema(currentSdl)];
  return [
    ...findBreakingChanges(before, after).map((c) => ({ coordinate: coordinateOf(c), description: c.description, breaking: true })),
    ...findDangerousChanges(before, after).map((c) => ({ coordinate: coordinateOf(c), description: c.description, breaking: false })),
  ];
}

/** The text of the changelog's "## Unreleased" section (empty when there is none). */
function unreleased(changelog: string): string {
  const start = changelog.search(/^## Unreleased\b/m);
  if (start < 0) return "";
  const rest = changelog.slice(start + 1);
  const end = rest.search(/^## /m);
  return end < 0 ? rest : rest.slice(0, end);
}

/**
 * The coordinates the Unreleased section announces as breaking: every `backticked` coordinate on a
 * line of its "### Breaking" list. A type announces every change inside it (`Resident` covers
 * `Resident.allergies`), a field every change to its arguments.
 */
export function announcedBreaking(changelog: string): string[] {
  const section = unreleased(changelog);
  const start = section.search(/^### Breaking\b/m);
  if (start < 0) return [];
  const rest = section.slice(start).split("\n").slice(1);
  const end = rest.findIndex((l) => l.startsWith("### "));
  return (end < 0 ? rest : rest.slice(0, end)).flatMap((line) => [...line.matchAll(/`(@?[A-Za-z_][\w.]*(?:\(\w+:\))?)`/g)].map((m) => m[1]!));
}

const covers = (announced: string, coordinate: string) =>
  coordinate === announced || coordinate.startsWith(`${announced}.`) || coordinate.startsWith(`${announced}(`);

/** The breaking changes no line of the Unreleased "### Breaking" list announces. */
export function unannounced(changes: SchemaChange[], changelog: string): SchemaChange[] {
  const announced = announcedBreaking(changelog);
  return changes.filter((c) => c.breaking && !announced.some((a) => covers(a, c.coordinate)));
}

/** The changelog with its Unreleased section turned into `version` (dated today) and a fresh empty Unreleased above it. */
export function releaseChangelog(changelog: string, version: string, today = new Date().toISOString().slice(0, 10)): string {
  if (!/^\d+\.\d+\.\d+$/.test(version)) throw new Error(`version must be MAJOR.MINOR.PATCH, not ${version}`);
  if (new RegExp(`^## ${version.replace(/\./g, "\\.")}\\b`, "m").test(changelog)) throw new Error(`${version} is already released`);
  if (!/^## Unreleased\b/m.test(changelog)) throw new Error("the changelog has no ## Unreleased section");
  return changelog.replace(/^## Unreleased\b.*$/m, `## Unreleased\n\n## ${version} (${today})`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const read = (u: URL) => readFileSync(u, "utf8");
  const releaseAt = process.argv.indexOf("--release");
  if (releaseAt > 0) {
    const version = process.argv[releaseAt + 1] ?? "";
    writeFileSync(GOVERNANCE_FILES.changelog, releaseChangelog(read(GOVERNANCE_FILES.changelog), version));
    writeFileSync(GOVERNANCE_FILES.released, read(GOVERNANCE_FILES.current));
    console.log(`released ${version}: schema/released/api.graphql is now schema/api.graphql`);
  } else {
    const changes = schemaChanges(read(GOVERNANCE_FILES.released), read(GOVERNANCE_FILES.current));
    for (const c of changes) console.log(`${c.breaking ? "BREAKING " : "dangerous"} ${c.coordinate}: ${c.description}`);
    const missing = unannounced(changes, read(GOVERNANCE_FILES.changelog));
    if (missing.length > 0) {
      console.error(`\n${missing.length} breaking change(s) not announced under "## Unreleased" / "### Breaking" in schema/CHANGELOG.md:`);
      for (const c of missing) console.error(`  \`${c.coordinate}\`: ${c.description}`);
      process.exit(1);
    }
    console.log(changes.length === 0 ? "no changes since the last release" : "every breaking change is announced");
  }
}
