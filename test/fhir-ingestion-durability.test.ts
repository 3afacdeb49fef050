// Durable before acknowledged (issue 11 §3, ADR 0008), proved against a PostgreSQL cluster of the
// test's own: a submission answered 202 is applied even when the process that acknowledged it is
// killed at once, when a worker takes its job and dies, and when PostgreSQL restarts under the feed.
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import PgBoss from "pg-boss";
import { env } from "../platform/config/env.js";
import { seedDemoData } from "../app/seed.js";
import { startStack, type Stack } from "../app/stack.js";
import { readDevelopmentKey } from "../ingest/auth/client-assertion.js";
import { SourceClient } from "../ingest/feed/source-client.js";
import { labReportEntries, transactionBundle, type BundlePatient } from "../ingest/feed/lab-bundle.js";
import { QUEUE_SCHEMA, stageQueue } from "../platform/ingest/queue.js";
import { MATCH_STAGE } from "../platform/ingest/stages.js";
import { startPrivatePostgres, type PrivatePostgres } from "./support/private-postgres.js";

let pg: PrivatePostgres;
let patients: BundlePatient[];
const stackEnv = () => ({ ...env(), DATABASE_URL: pg.url, INGEST_JOB_TIMEOUT_S: 2 });
const startOnPrivate = (seed = false) =>
  startStack(stackEnv(), {
    ephemeralPorts: true,
    ...(seed ? { beforeServe: (db, caches) => seedDemoData(db, { residents: 6, caches }).then(() => undefined) } : {}),
  });

beforeAll(async () => {
  pg = await startPrivatePostgres();
  const seeded = await startOnPrivate(true);
  const rows = await seeded.db.sql.query<{ nhs_number: string; date_of_birth: Date; family_name: string }>(
    `SELECT nhs_number, date_of_birth, family_name FROM residents.resident ORDER BY nhs_number LIMIT 3`,
  );
  patients = rows.map((r) => ({ nhsNumber: r.nhs_number, birthDate: r.date_of_birth.toISOString().slice(0, 10), family: r.family_name }));
  await seeded.close();
}, 180_000);
afterAll(() => pg?.destroy());

const labClient = (base: string) =>
  new SourceClient({ base, clientId: "lab-synnovis", privateJwk: readDevelopmentKey("lab-synnovis"), types: ["DiagnosticReport", "Observation", "Patient"] });
const bundleFor = (i: number, accession = `DUR-${randomUUID().slice(0, 8)}`) => ({
  accession,
  bundle: transactionBundle(
    labReportEntries({
      patient: patients[i % patients.length]!,
      accession,
      lastUpdated: new Date(Date.now() - 60_000),
      results: [{ loinc: "2823-3", display: "Potassium", value: 4 + (i % 10) / 10, unit: "mmol/L", low: 3.5, high: 5.3 }],
    }),
  ),
});

/** Every entry of these submissions, once none is QUEUED (read from the log, as the sender would). */
async function settledStatuses(stack: Stack, submissionIds: string[]): Promise<string[]> {
  const client = labClient(stack.fhirUrl);
  const all: string[] = [];
  for (const id of submissionIds) for (const o of (await client.settled(`${stack.fhirUrl}/_submission/${id}`, 120_000)).values()) all.push(o.status);
  return all;
}
const rowsOf = async (stack: Stack, accessions: string[]) =>
  (
    await stack.db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM labs.diagnostic_report WHERE source_key IS NOT NULL AND submission_id = ANY($1)`, [
      accessions,
    ])
  )[0]!.n;
const idOf = (location: string | null) => location!.split("/").pop()!;

/** The front door alone (scripts/ingest.ts) as a child process: it stores and acknowledges, and applies nothing. */
async function startDoorOnly() {
  const proc = spawn(process.execPath, ["--import", "tsx", "scripts/ingest.ts"], {
    env: { ...process.env, DATABASE_URL: pg.url, PORT: "0", LOG_LEVEL: "info", INGEST_JOB_TIMEOUT_S: "2" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const url = await new Promise<string>((resolve, reject) => {
    proc.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const match = /"url":"(http:\/\/[^"]+\/fhir)"/.exec(out);
      if (match) resolve(match[1]!);
    });
    proc.stderr!.on("data", (d: Buffer) => (out += d.toString()));
    proc.once("exit", (code) => reject(new Error(`front door exited (${code}): ${out.slice(-800)}`)));
  });
  return { proc, url, exited: new Promise((resolve) => proc.once("exit", resolve)) };
}

it("applies every acknowledged submission after the front door is killed, and a job whose worker died is retried", async () => {
  const door = await startDoorOnly();
  const client = labClient(door.url);
  const sent = await Promise.all(Array.from({ length: 12 }, (_, i) => bundleFor(i)).map(async (b) => ({ ...b, answer: await client.send(b.bundle) })));
  expect(sent.map((s) => s.answer.status)).toEqual(sent.map(() => 202));
  const ids = sent.map((s) => idOf(s.answer.headers.get("content-location")));

  // A worker takes one matching job and dies with it: the job is left active, as a SIGKILL leaves it.
  const dying = new PgBoss({ connectionString: pg.url, schema: QUEUE_SCHEMA, supervise: false, schedule: false, migrate: false });
  await dying.start();
  const taken = await dying.fetch(stageQueue(MATCH_STAGE));
  expect(taken).toHaveLength(1);
  await dying.stop({ graceful: false, wait: true });

  door.proc.kill("SIGKILL");
  await door.exited;
  const [left] = await (async () => {
    const stack = await startOnPrivate();
    try {
      const statuses = await settledStatuses(stack, ids);
      expect(statuses.filter((s) => s !== "APPLIED")).toEqual([]);
      expect(statuses).toHaveLength(12 * 3);
      expect(await rowsOf(stack, ids)).toBe(12);
      return stack.db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM ingest.submission_entry WHERE submission_id = ANY($1) AND status = 'QUEUED'`, [
        ids,
      ]);
    } finally {
      await stack.close();
    }
  })();
  expect(left!.n).toBe(0);
}, 240_000);

it("loses nothing it acknowledged while PostgreSQL restarts under the feed", async () => {
  const stack = await startOnPrivate();
  try {
    const client = labClient(stack.fhirUrl);
    await client.accessToken();
    const acknowledged: string[] = [];
    let refused = 0;
    const sendOne = async (i: number) => {
      try {
        const answer = await client.send(bundleFor(i).bundle);
        if (answer.status === 202) acknowledged.push(idOf(answer.headers.get("content-location")));
        else refused++;
      } catch {
        refused++; // the connection itself failed: not acknowledged, the sender resends
      }
    };
    for (let i = 0; i < 8; i++) await sendOne(i);
    await pg.stop();
    for (let i = 8; i < 12; i++) await sendOne(i); // refused: the database is down
    await pg.start();
    for (let i = 12; i < 20; i++) {
      // The pools notice the restart on their next use: resend until stored, as a sender does.
      for (let attempt = 0; attempt < 50; attempt++) {
        const before = acknowledged.length;
        await sendOne(i);
        if (acknowledged.length > before) break;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
    expect(refused).toBeGreaterThanOrEqual(4);
    expect(acknowledged.length).toBeGreaterThanOrEqual(16);
    const statuses = await settledStatuses(stack, acknowledged);
    expect(statuses.filter((s) => s !== "APPLIED")).toEqual([]);
    expect(await rowsOf(stack, acknowledged)).toBe(acknowledged.length);
  } finally {
    await stack.close();
  }
}, 240_000);
