// Proves the recipe in docs/subgraph-conventions.md: a checkout that adds a subgraph by writing a
// folder, one registry line, one policy row and its access-event section value composes,
// type-checks and passes the tests.
//   npm run prove:new-subgraph [-- --full] [-- --keep]
// Works on a temporary copy of this checkout (uncommitted files included; node_modules linked,
// never installed), adds a seventh subgraph, `appointments`, then runs Prisma generation, compose,
// codegen, tsc, eslint and the registry/schema/access tests (--full: the whole `npm test`) against
// a fresh PostgreSQL database of its own and Redis database 7. The original checkout is never
// written to; the copy is removed at the end unless --keep, and the database is always dropped.
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import pg from "pg";

const { values: opts } = parseArgs({ options: { full: { type: "boolean", default: false }, keep: { type: "boolean", default: false } } });
const ORIGINAL = fileURLToPath(new URL("..", import.meta.url));
const ADMIN_URL = process.env.PROOF_ADMIN_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const REDIS_URL = process.env.PROOF_REDIS_URL ?? "redis://127.0.0.1:6379/7";
const TESTS = ["registry", "entities", "access-matrix", "access-policy-doc", "docker-compose", "compose", "migrations", "schema-drift", "codegen"];

// ---- 1. the copy -------------------------------------------------------------------------------
function copyCheckout(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "carerecord-proof-"));
  const listed = execFileSync("git", ["ls-files", "-z", "-co", "--exclude-standard"], { cwd: ORIGINAL, encoding: "utf8" }).split("\0");
  for (const file of listed.filter((f) => f && f !== "node_modules")) {
    const from = path.join(ORIGINAL, file);
    const to = path.join(dir, file);
    const stat = lstatSync(from, { throwIfNoEntry: false });
    if (!stat) continue; // tracked but deleted in the working tree
    mkdirSync(path.dirname(to), { recursive: true });
    if (stat.isSymbolicLink()) symlinkSync(readlinkSync(from), to);
    else copyFileSync(from, to);
  }
  symlinkSync(path.join(ORIGINAL, "node_modules"), path.join(dir, "node_modules"));
  return dir;
}

// ---- 2. the new subgraph -----------------------------------------------------------------------
const edits: { file: string; what: string }[] = [];

/** One textual edit of a file outside the new folder: `change` must alter it, and is recorded. */
function edit(root: string, file: string, what: string, change: (text: string) => string): void {
  const before = readFileSync(path.join(root, file), "utf8");
  const after = change(before);
  if (after === before) throw new Error(`${file}: could not ${what} (the anchor it looks for is gone)`);
  writeFileSync(path.join(root, file), after);
  edits.push({ file, what });
}

/** Inserts `line` after the last line matching `re` (within `from`..`to` when given). */
const insertAfterLast = (text: string, re: RegExp, line: string, from = 0, to = text.length) => {
  const lines = text.slice(from, to).split("\n");
  const at = lines.map((l) => re.test(l)).lastIndexOf(true);
  if (at < 0) return text;
  lines.splice(at + 1, 0, line);
  return text.slice(0, from) + lines.join("\n") + text.slice(to);
};

/** The next free portOffset over every manifest under subgraphs/. */
function nextPortOffset(root: string): number {
  const manifests = readdirSync(path.join(root, "subgraphs")).map((d) => path.join(root, "subgraphs", d, "manifest.ts"));
  const offsets = manifests.filter((f) => existsSync(f)).map((f) => Number(/portOffset:\s*(\d+)/.exec(readFileSync(f, "utf8"))?.[1] ?? -1));
  return Math.max(...offsets) + 1;
}

/** Where a service's block of docker-compose.yml starts and ends. */
function serviceBlock(text: string, name: string): [number, number] {
  const start = text.indexOf(`\n  ${name}:\n`);
  const next = /\n {2}\S/g;
  next.lastIndex = start + 1;
  return [start, next.exec(text)?.index ?? text.length];
}

/** The folder subgraphs/appointments/, as docs/subgraph-conventions.md describes it. */
const folder = (portOffset: number): Record<string, string> => ({
  "manifest.ts": `// Appointments subgraph: outpatient clinic appointments (written by scripts/prove-new-subgraph.ts).
import { describeSubgraph } from "../../platform/subgraph/manifest.js";

export const about = describeSubgraph({
  name: "appointments",
  portOffset: ${portOffset},
  urlVariable: "SUBGRAPH_URL_APPOINTMENTS",
  sourceSystem: "Outpatient booking (PAS)",
  residentFields: { appointments: "APPOINTMENTS" },
  prisma: new URL("./prisma/", import.meta.url),
  schema: new URL("./schema.graphql", import.meta.url),
});
`,
  "index.ts": `import { contributingSubgraph } from "../../platform/subgraph/contributing.js";
import { about } from "./manifest.js";
import { createAppointmentsLoaders } from "./loaders.js";
import { createAppointmentsRepository } from "./repository.js";
import { resolvers } from "./resolvers/index.js";
import { createAppointmentsSeeder } from "./seed.js";

export const manifest = contributingSubgraph(about, {
  repository: createAppointmentsRepository,
  loaders: createAppointmentsLoaders,
  resolvers,
  seeder: createAppointmentsSeeder,
});
`,
  "schema.graphql": `extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable", "@inaccessible", "@external", "@requires"])

"A care home resident: the appointments section of their record, contributed by this subgraph."
type Resident @key(fields: "nhsNumber") {
  "The resident's NHS number: the key every section of the record is joined on."
  nhsNumber: NhsNumber!
  "Internal: the caller's access to this resident as the residents subgraph decided it (not in the client schema)."
  accessGrant: ResidentAccessGrant! @external
  "Outpatient clinic appointments, soonest first; read \`status\` first (ADR 0005)."
  appointments: AppointmentsSection @requires(fields: "accessGrant { allowed group code breakGlass }")
}

"A resident's clinic appointments as a section of the record."
type AppointmentsSection {
  "What this section holds for this resident."
  status: SectionStatus!
  "The appointments; empty for NOT_RECORDED; null for REFUSED and UNAVAILABLE, with an error at this path."
  items: [Appointment!]
  "Why the section was withheld, when \`status\` is REFUSED."
  refusal: SectionRefusal
  "Which source did not answer and since when, when \`status\` is UNAVAILABLE."
  outage: SourceOutage
  "The system the section comes from."
  sourceSystem: String!
  "When the care record last received an update of this section; null when nothing is recorded."
  lastUpdatedAt: DateTime
}

"An outpatient clinic appointment."
type Appointment @key(fields: "id") {
  "Identifier of this appointment in the care record."
  id: ID!
  "When the appointment starts."
  startsAt: DateTime!
  "The clinic, e.g. Memory clinic."
  clinic: String!
  "Which system the appointment came from and when it was last updated."
  provenance: Provenance!
}
`,
  "prisma/schema.prisma": `// Appointments subgraph. Migrations: ./migrations (docs/adr/0001-migrations.md).
generator client {
  provider            = "prisma-client"
  output              = "./generated"
  engineType          = "client"
  importFileExtension = "js"
  moduleFormat        = "esm"
}

datasource db {
  provider = "postgresql"
  schemas  = ["appointments"]
}

model Appointment {
  id           String   @id
  nhsNumber    String   @map("nhs_number") @db.Char(10)
  startsAt     DateTime @map("starts_at") @db.Timestamptz(3)
  clinic       String
  sourceSystem String   @map("source_system")
  recordedAt   DateTime @map("recorded_at") @db.Timestamptz(3)
  updatedAt    DateTime @map("updated_at") @db.Timestamptz(3)

  @@index([nhsNumber, startsAt])
  @@map("appointment")
  @@schema("appointments")
}
`,
  "prisma/migrations/0001_init/migration.sql": `-- Appointments subgraph: initial schema (matches prisma/schema.prisma; see test/schema-drift.test.ts).
CREATE TABLE "appointments"."appointment" (
    "id" TEXT NOT NULL,
    "nhs_number" CHAR(10) NOT NULL,
    "starts_at" TIMESTAMPTZ(3) NOT NULL,
    "clinic" TEXT NOT NULL,
    "source_system" TEXT NOT NULL,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "appointment_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "appointment_nhs_number_starts_at_idx" ON "appointments"."appointment"("nhs_number", "starts_at");
`,
  "repository.ts": `// The only code in this subgraph that talks to Prisma. Reads take batches of keys.
import { PrismaClient, type Prisma } from "./prisma/generated/client.js";
import type { Database } from "../../platform/db/database.js";
import { countStatements, prismaOptions } from "../../platform/db/prisma.js";
import { bulkInsert } from "../../platform/db/bulk-insert.js";
import { cachedRelation, cachedRows } from "../../platform/cache/batched.js";
import type { EntityCache } from "../../platform/cache/entity-cache.js";

import type { Appointment } from "./prisma/generated/client.js";
import type { SectionResult } from "../../platform/access/section-field.js";
export type { Appointment } from "./prisma/generated/client.js";
/** The appointments section as its resolver hands it to its wrapper type (ADR 0005). */
export type AppointmentsSection = SectionResult<Appointment[]>;

export function createAppointmentsRepository(db: Database, cache: EntityCache) {
  const prisma = countStatements(new PrismaClient(prismaOptions(db.adapterFor("appointments"))));
  return {
    appointments: cachedRows(
      cache,
      "Appointment",
      (ids) => prisma.appointment.findMany({ where: { id: { in: ids } } }),
      (a) => a.id,
    ),
    appointmentsOfResidents: cachedRelation(
      cache,
      "Resident",
      "appointments",
      (nhsNumbers) =>
        prisma.appointment.findMany({ where: { nhsNumber: { in: nhsNumbers } }, orderBy: [{ nhsNumber: "asc" }, { startsAt: "asc" }, { id: "asc" }] }),
      (a) => a.nhsNumber,
    ),
    ping: async () => void (await prisma.$queryRaw\`SELECT 1\`),
    close: () => prisma.$disconnect(),
    /** Bulk load (seeder, ingestion): one statement. */
    async insertBatch(batch: AppointmentsBatch) {
      await bulkInsert(db.sql, "appointments", "appointment", batch.appointments);
      await cache.purge(batch.appointments.flatMap((a) => [cache.key("Resident", a.nhsNumber), cache.key("Appointment", a.id)]));
    },
  };
}

export interface AppointmentsBatch {
  appointments: Prisma.AppointmentCreateManyInput[];
}

export type AppointmentsRepository = ReturnType<typeof createAppointmentsRepository>;
`,
  "loaders.ts": `import { manyLoader, uniqueLoader } from "../../platform/db/loaders.js";
import type { AppointmentsRepository } from "./repository.js";

export function createAppointmentsLoaders(repo: AppointmentsRepository) {
  return {
    appointment: uniqueLoader(repo.appointments, (a) => a.id),
    appointmentsOfResident: manyLoader(repo.appointmentsOfResidents, (a) => a.nhsNumber),
  };
}

export type AppointmentsLoaders = ReturnType<typeof createAppointmentsLoaders>;
`,
  "context.ts": `import type { BaseContext } from "../../platform/subgraph/server.js";
import type { AppointmentsLoaders } from "./loaders.js";

export interface AppointmentsContext extends BaseContext {
  loaders: AppointmentsLoaders;
}
`,
  "resolvers/index.ts": `import { scalarResolvers } from "../../../platform/graphql/scalars.js";
import type { Resolvers } from "../generated/resolvers-types.js";
import { AppointmentResolvers, AppointmentsSectionResolvers, ResidentResolvers } from "./appointment.js";

export const resolvers: Resolvers = {
  ...scalarResolvers,
  Resident: ResidentResolvers,
  AppointmentsSection: AppointmentsSectionResolvers,
  Appointment: AppointmentResolvers,
};
`,
  "resolvers/appointment.ts": `import { provenanceField } from "../../../platform/graphql/provenance.js";
import { grantOf, type ResidentRepresentation } from "../../../platform/access/contributed.js";
import { sectionField, sectionResultResolvers } from "../../../platform/access/section-field.js";
import type * as Gen from "../generated/resolvers-types.js";
import { about } from "../manifest.js";

export const ResidentResolvers: Gen.ResidentResolvers = {
  __resolveReference: (ref) => ref,
  appointments: sectionField({
    section: "APPOINTMENTS",
    sourceSystem: about.sourceSystem,
    grantOf: (r: ResidentRepresentation) => grantOf(r),
    load: (r, _, ctx) => ctx.loaders.appointmentsOfResident.load(r.nhsNumber),
    provenance: (a) => a,
  }),
};

export const AppointmentsSectionResolvers: Gen.AppointmentsSectionResolvers = { ...sectionResultResolvers };

export const AppointmentResolvers: Gen.AppointmentResolvers = {
  __resolveReference: (ref, ctx) => ctx.loaders.appointment.load(ref.id),
  ...provenanceField,
};
`,
  "seed.ts": `// Demo appointments: 0-2 upcoming clinic appointments per resident, the same on every run.
import type { Database } from "../../platform/db/database.js";
import type { CacheHub } from "../../platform/cache/hub.js";
import { defineSeeder } from "../../platform/demo/seeder.js";
import type { DemoResident, DemoWorld } from "../../platform/demo/world.js";
import { addDays, rngFor } from "../../platform/demo/random.js";
import { createAppointmentsRepository, type AppointmentsBatch } from "./repository.js";
import { about } from "./manifest.js";

const CLINICS = ["Memory clinic", "Falls clinic", "Diabetic eye screening", "Heart failure clinic"];

export function appointmentsBatch(world: DemoWorld, people: DemoResident[]): AppointmentsBatch {
  const appointments = people.flatMap((p) => {
    const rng = rngFor("appointments", p.index);
    return Array.from({ length: rng.int(0, 2) }, (_, n) => ({
      id: ["AP", p.nhsNumber, n + 1].join("-"),
      nhsNumber: p.nhsNumber,
      startsAt: addDays(world.today, rng.int(1, 90) + rng.int(9, 16) / 24),
      clinic: rng.pick(CLINICS),
      sourceSystem: about.sourceSystem,
      recordedAt: world.today,
      updatedAt: world.today,
    }));
  });
  return { appointments };
}

export const createAppointmentsSeeder = (db: Database, caches: CacheHub) =>
  defineSeeder("appointments", createAppointmentsRepository(db, caches.cache("appointments")), appointmentsBatch);
`,
});

function addSubgraph(root: string): { port: number; files: number } {
  const offset = nextPortOffset(root);
  const port = 4001 + offset; // SUBGRAPH_BASE_PORT's default, as docker-compose.yml uses it
  const files = folder(offset);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, "subgraphs/appointments", file)), { recursive: true });
    writeFileSync(path.join(root, "subgraphs/appointments", file), text);
  }

  const registry = "subgraphs/registry.ts";
  edit(root, registry, "import the manifest", (t) =>
    insertAfterLast(t, /^import \{ about as \w+ \} from "\.\/\w+\/manifest\.js";$/, `import { about as appointments } from "./appointments/manifest.js";`),
  );
  edit(root, registry, "add appointments to SUBGRAPH_DESCRIPTIONS", (t) => t.replace(/(SUBGRAPH_DESCRIPTIONS = \[[^\]]*)\]/, "$1, appointments]"));

  const row = ["FULL", "FULL", "NONE", "NONE", "NONE", "NONE"]; // CARE_HOME, GP, URGENT_CARE, ANALYST, PRIVACY_OFFICER, ADMINISTRATOR
  edit(root, "platform/access/policy.ts", "add the APPOINTMENTS row to SECTION_ROWS", (t) =>
    t.replace(/\n(\} as const satisfies Record<string, Row>;)/, `\n  APPOINTMENTS: [${row.map((a) => `"${a}"`).join(", ")}],\n$1`),
  );
  edit(root, "subgraphs/usage/schema.graphql", "add APPOINTMENTS to the access events' AccessSection enum", (t) =>
    t.replace(/(\nenum AccessSection \{\n[\s\S]*?)(\n {2}"[^"\n]*"\n {2}RECORD\n)/, `$1\n  "Upcoming hospital and clinic appointments."\n  APPOINTMENTS$2`),
  );
  edit(root, "docs/access-policy.md", "add the APPOINTMENTS row to the section table", (t) => {
    const table = t.indexOf("\n| section |");
    return insertAfterLast(t, /^\|/, `| APPOINTMENTS | ${row.join(" | ")} |`, table + 1, t.indexOf("\n\n", table));
  });

  // A service like discharge's (another subgraph that only contributes to Resident), and the
  // gateway's URL for it and wait on it.
  const compose = "docker-compose.yml";
  edit(root, compose, "add the appointments service (discharge's, renamed)", (t) => {
    const theirs = t.slice(...serviceBlock(t, "discharge"));
    const ours = theirs.replaceAll("discharge", "appointments").replaceAll(/PORT: "(\d+)"/.exec(theirs)![1]!, String(port));
    const [gateway] = serviceBlock(t, "gateway");
    return t.slice(0, gateway) + ours + t.slice(gateway);
  });
  edit(root, compose, "gateway: SUBGRAPH_URL_APPOINTMENTS", (t) =>
    insertAfterLast(t, /^ {6}SUBGRAPH_URL_\w+: /, `      SUBGRAPH_URL_APPOINTMENTS: http://appointments:${port}/graphql`, ...serviceBlock(t, "gateway")),
  );
  edit(root, compose, "gateway: depends_on appointments", (t) =>
    insertAfterLast(t, /^ {6}\w+: \{ condition: service_healthy \}$/, "      appointments: { condition: service_healthy }", ...serviceBlock(t, "gateway")),
  );
  return { port, files: Object.keys(files).length };
}

// ---- 3. the checks -----------------------------------------------------------------------------
interface Step {
  name: string;
  ok: boolean;
  seconds: number;
  output: string;
}
let running: ReturnType<typeof spawn> | null = null;

function run(name: string, command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Step> {
  const started = performance.now();
  process.stdout.write(`  ${name} ... `);
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    running = child;
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d));
    child.stderr.on("data", (d: Buffer) => (output += d));
    child.on("close", (code) => {
      running = null;
      const step = { name, ok: code === 0, seconds: (performance.now() - started) / 1000, output };
      console.log(`${step.ok ? "ok" : "FAILED"} (${step.seconds.toFixed(1)} s)`);
      resolve(step);
    });
  });
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

const database = `carerecord_proof_${randomBytes(4).toString("hex")}`;
let copy: string | null = null;
let dbCreated = false;

async function cleanUp(): Promise<void> {
  if (dbCreated) await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch((e: Error) => console.error(`could not drop ${database}: ${e.message}`));
  dbCreated = false;
  if (copy && !opts.keep) rmSync(copy, { recursive: true, force: true });
}
for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.once(signal, () => {
    running?.kill(signal);
    void cleanUp().then(() => process.exit(130));
  });

async function main(): Promise<boolean> {
  const totalStarted = performance.now();
  copy = copyCheckout();
  console.log(`copy of ${ORIGINAL} at ${copy}`);
  const { port, files } = addSubgraph(copy);
  console.log(`added subgraphs/appointments/ (${files} files, port ${port}) and ${edits.length} edits outside it`);

  await admin(`CREATE DATABASE ${database}`);
  dbCreated = true;
  const url = new URL(ADMIN_URL);
  url.pathname = `/${database}`;
  const env = { ...process.env, TEST_DATABASE_URL: url.toString(), TEST_REDIS_URL: REDIS_URL };
  console.log(`tests use ${url} and ${REDIS_URL}`);
  const onPath = (cmd: string) => (process.env.PATH ?? "").split(path.delimiter).some((d) => existsSync(path.join(d, cmd)));
  if (!onPath("docker-compose")) console.log("warning: docker-compose is not on PATH, so test/docker-compose.test.ts will fail (.ci/run installs it with apt)");

  const jest = ["--experimental-vm-modules", "node_modules/jest/bin/jest.js", ...TESTS.map((t) => `test/${t}.test.ts`)];
  const plan: [string, string, string[]][] = [
    ["prisma generate", "node", ["scripts/prisma-generate.mjs"]],
    ["compose", "npm", ["run", "compose"]],
    ["codegen", "npm", ["run", "codegen"]],
    ["typecheck", "npx", ["tsc", "--noEmit", "-p", "."]],
    ["lint", "npx", ["eslint", "subgraphs/appointments"]],
    opts.full ? ["npm test (full suite)", "npm", ["test"]] : [`jest (${TESTS.length} files)`, "node", jest],
  ];
  const steps: Step[] = [];
  for (const [name, command, args] of plan) {
    const step = await run(name, command, args, copy, env);
    steps.push(step);
    if (!step.ok) {
      console.log(`\n---- ${name} failed: ${command} ${args.join(" ")} ----\n${step.output.trimEnd()}\n---- end of ${name} ----`);
      break;
    }
  }

  const last = steps.at(-1)!;
  const counts = (label: string) => new RegExp(`^${label}:\\s+(.*)$`, "m").exec(last.output)?.[1];
  console.log("\nSummary");
  console.log(`  edits outside subgraphs/appointments/: ${edits.length} in ${new Set(edits.map((e) => e.file)).size} files`);
  for (const e of edits) console.log(`    ${e.file}: ${e.what}`);
  console.log("  steps:");
  for (const s of steps) console.log(`    ${s.ok ? "pass" : "FAIL"}  ${s.name.padEnd(24)} ${s.seconds.toFixed(1).padStart(6)} s`);
  for (const [name] of plan.slice(steps.length)) console.log(`    skip  ${name}`);
  if (counts("Tests")) console.log(`  test suites: ${counts("Test Suites")}\n  tests:       ${counts("Tests")}`);
  console.log(`  total: ${((performance.now() - totalStarted) / 1000).toFixed(1)} s`);
  return steps.length === plan.length && last.ok;
}

let ok = false;
try {
  ok = await main();
} catch (error) {
  console.error(error);
} finally {
  await cleanUp();
  if (copy && opts.keep) console.log(`kept the copy at ${copy}`);
}
console.log(ok ? "PROVED: the new subgraph composes, type-checks and passes" : "NOT PROVED");
process.exit(ok ? 0 : 1);
