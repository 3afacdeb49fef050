// Ingestion benchmark (issue 11, ADR 0008): the whole product as `npm start` runs it on real
// PostgreSQL (tsx scripts/start.ts with DATABASE_URL, one child process), fed FHIR through its
// front door by several concurrent source clients (ingest/feed/). Measures, from the submission
// log (ingest.submission_entry), not from the acknowledgements:
//   1. sustained: clients send as fast as they are answered for --duration s; resources APPLIED per
//      second, queue lag (acknowledged -> APPLIED) p50/p99, CPU, peak RSS (VmHWM) of the product;
//   2. paced: the same feed at a steady rate under that capacity (default 70 %), for its lag;
//   3. one 10,000-entry Bundle: time to acknowledge, time until every entry is applied;
//   4. crash: SIGKILL the product while clients send, restart it, let it drain, then check that
//      every acknowledged entry has an outcome (none lost, none QUEUED) and no report is doubled.
// Writes bench/INGESTION.md (a section "What the runs show" at its end is kept across runs).
//   npm run bench:ingest -- [--duration 30] [--clients 8] [--residents 1000] [--rate R]
//                           [--only sustained,paced,bundle,crash] [--drain-timeout 1200]
// Uses BENCH_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/carerecord_bench_ingest)
// and BENCH_REDIS_URL (default redis://127.0.0.1:6379/6). The database is reseeded on every run.
import { parseArgs } from "node:util";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { parseEnv } from "../platform/config/env.js";
import { openDatabase } from "../app/database.js";
import { seedDemoData } from "../app/seed.js";
import { createCacheHub } from "../platform/cache/hub.js";
import { migrateAll } from "../subgraphs/registry.js";
import { migrateIngest } from "../ingest/migrate.js";
import type { Database } from "../platform/db/database.js";
import { readDevelopmentKey } from "../ingest/auth/client-assertion.js";
import { SourceClient } from "../ingest/feed/source-client.js";
import { ACCESSION_SYSTEM, transactionBundle, type BundlePatient } from "../ingest/feed/lab-bundle.js";
import { createFeed, labReports, type FeedItem } from "../ingest/feed/feed-mix.js";
import { reportSourceKey } from "../subgraphs/labs/fhir.js";
import { MAX_ENTRIES } from "../ingest/entries.js";
import { killChildrenOnExit, portInUse, sampleProcesses, startServer, type ServerProcess } from "./federation/processes.js";

const { values } = parseArgs({
  options: {
    duration: { type: "string", default: "30" },
    clients: { type: "string", default: "8" },
    residents: { type: "string", default: "1000" },
    rate: { type: "string" },
    only: { type: "string", default: "sustained,paced,bundle,crash" },
    "drain-timeout": { type: "string", default: "1200" },
    warmup: { type: "string", default: "5" },
    out: { type: "string", default: "INGESTION.md" },
  },
});
const duration = Number(values.duration);
const clientCount = Number(values.clients);
const residents = Number(values.residents);
const warmup = Number(values.warmup);
const drainTimeoutS = Number(values["drain-timeout"]);
const phases = new Set(values.only!.split(",").map((p) => p.trim()));
const outFile = /^[\w.-]+\.md$/.test(values.out!) ? values.out! : "INGESTION.md";

const databaseUrl = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/carerecord_bench_ingest";
const redisUrl = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379/6";
const GATEWAY_PORT = 4100;
const INGEST_PORT = 4120;
const FHIR_URL = `http://127.0.0.1:${INGEST_PORT}/fhir`;
const LAB = "lab-synnovis";
const config = parseEnv({ ...process.env, DATABASE_URL: databaseUrl, REDIS_URL: redisUrl });

killChildrenOnExit();
const started = performance.now();
const log = (line: string) => console.log(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const fmt = (n: number, dp = 0) => n.toLocaleString("en-GB", { minimumFractionDigits: dp, maximumFractionDigits: dp });

/** Inherited settings that would point the product somewhere else than the bench says. */
const OVERRIDDEN = /^(SUBGRAPH_URL_|PORT$|GATEWAY_PORT$|SUBGRAPH_BASE_PORT$|INGEST_PORT$|INGEST_PUBLIC_URL$|REDIS_URL$|CACHE$|DATABASE_URL$|SEED_RESIDENTS$)/;
const productEnv: NodeJS.ProcessEnv = {
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !OVERRIDDEN.test(k))),
  DATABASE_URL: databaseUrl,
  REDIS_URL: redisUrl,
  CACHE: "on",
  HOST: "127.0.0.1",
  GATEWAY_PORT: String(GATEWAY_PORT),
  SUBGRAPH_BASE_PORT: "4101",
  INGEST_PORT: String(INGEST_PORT),
  SEED_RESIDENTS: String(residents),
  // As in the federation benchmark: per-request logging is not what is measured.
  LOG_LEVEL: "warn",
};

/** The product as `npm start` runs it; an exit the bench did not ask for ends the run with its output. */
let expectedExit = false;
async function startProduct(): Promise<ServerProcess> {
  const product = await startServer({ name: "product", file: "scripts/start.ts", env: productEnv, ready: /^Care record gateway: / });
  void product.exited.then(({ code, signal, output }) => {
    if (expectedExit) return;
    console.error(`the product (pid ${product.pid}) exited unexpectedly (code ${code}, signal ${signal})\n${output}`);
    process.exit(1);
  });
  return product;
}

// ---------------------------------------------------------------------------------------------
// Measuring
// ---------------------------------------------------------------------------------------------

const CLK_TCK = 100;
function machineTicks(): { busy: number; total: number } {
  const [cpu] = readFileSync("/proc/stat", "utf8").split("\n");
  const f = cpu!.trim().split(/\s+/).slice(1).map(Number);
  const idle = f[3]! + f[4]!;
  const total = f.reduce((s, x) => s + x, 0);
  return { busy: total - idle, total };
}
/** Busy CPU of the whole machine (100 = one core) over a window. */
function machineCpu() {
  const before = machineTicks();
  const t0 = performance.now();
  return () => {
    const after = machineTicks();
    return ((after.busy - before.busy) / CLK_TCK / ((performance.now() - t0) / 1000)) * 100;
  };
}
const vmHwmMiB = (pid: number) => Number(/^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024;

interface Ack {
  submissionId: string;
  entries: number;
  clinical: number;
  key: string;
  observations: number;
}

interface Sender {
  acks: Ack[];
  refused: number;
  failed: number;
  done: Promise<void>;
}

/**
 * Sends the feed from one source client until `stop()`; paced at `rate` resources per second when
 * given (open loop), else the next Bundle as soon as the last is answered (closed loop).
 */
function runSender(client: SourceClient, patients: BundlePatient[], seed: number, runId: string, stop: () => boolean, rate?: number): Sender {
  const feed = createFeed({ patients, seed, runId });
  const out: Sender = { acks: [], refused: 0, failed: 0, done: Promise.resolve() };
  out.done = (async () => {
    const t0 = performance.now();
    let sent = 0;
    while (!stop()) {
      const item = feed.next(new Date());
      try {
        const answer = await client.send(JSON.stringify(transactionBundle(item.entries)));
        if (answer.status === 202) out.acks.push(ackOf(answer.headers.get("content-location")!, item));
        else out.refused++;
      } catch {
        out.failed++;
        await sleep(200);
      }
      sent += item.entries.length;
      if (rate) {
        const due = t0 + (sent / rate) * 1000;
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
      }
    }
  })();
  return out;
}

const ackOf = (location: string, item: FeedItem): Ack => ({
  submissionId: location.split("/").pop()!,
  entries: item.entries.length,
  clinical: item.clinicalResources,
  key: item.key,
  observations: item.clinicalResources - 1,
});

const labClient = () =>
  new SourceClient({ base: FHIR_URL, clientId: LAB, privateJwk: readDevelopmentKey(LAB), types: ["DiagnosticReport", "Observation", "Patient"] });

/** Resolves once no entry of submissions received since `since` is QUEUED; the time it took (s), or null at the timeout. */
async function drained(db: Database, since: Date, timeoutS: number, label: string): Promise<number | null> {
  const t0 = performance.now();
  let shown = 0;
  for (;;) {
    const [{ queued }] = (await db.sql.query<{ queued: number }>(
      `SELECT count(*)::int AS queued FROM ingest.submission_entry e JOIN ingest.submission s ON s.id = e.submission_id
        WHERE s.received_at >= $1 AND e.status = 'QUEUED'`,
      [since],
    )) as [{ queued: number }];
    const s = (performance.now() - t0) / 1000;
    if (queued === 0) return s;
    if (s > timeoutS) return null;
    if (s - shown >= 10) {
      shown = s;
      log(`  ${label}: ${fmt(queued)} entries still QUEUED after ${fmt(s)} s`);
    }
    await sleep(250);
  }
}

interface Window {
  from: Date;
  to: Date;
}

interface FlowResult {
  acked: number;
  ackedPerS: number;
  appliedPerS: number;
  clinicalAppliedPerS: number;
  lagP50: number;
  lagP99: number;
  lagMax: number;
  statuses: Record<string, number>;
  drainS: number | null;
  productCpu: number;
  /** Product CPU time per applied entry (ms): what the load costs, whatever else shares the machine. */
  productCpuMsPerEntry: number;
  senderCpu: number;
  machineCpu: number;
  peakRssMiB: number;
  refused: number;
  failed: number;
}

/** Applied per second in the window and the lag of the window's submissions, from the submission log. */
async function flowResult(
  db: Database,
  w: Window,
  senders: Sender[],
  usage: { productCpu: number; senderCpu: number; machineCpu: number },
  drainS: number | null,
  pid: number,
): Promise<FlowResult> {
  const seconds = (w.to.getTime() - w.from.getTime()) / 1000;
  const [applied] = (await db.sql.query<{ all: number; clinical: number }>(
    `SELECT count(*)::int AS all, count(*) FILTER (WHERE resource_type <> 'Patient')::int AS clinical
       FROM ingest.submission_entry WHERE status = 'APPLIED' AND updated_at >= $1 AND updated_at < $2`,
    [w.from, w.to],
  )) as [{ all: number; clinical: number }];
  const [lag] = (await db.sql.query<{ p50: number; p99: number; max: number }>(
    `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x) AS p50, percentile_cont(0.99) WITHIN GROUP (ORDER BY x) AS p99, max(x) AS max
       FROM (SELECT extract(epoch FROM e.updated_at - s.received_at)::float8 AS x FROM ingest.submission_entry e
               JOIN ingest.submission s ON s.id = e.submission_id
              WHERE s.received_at >= $1 AND s.received_at < $2 AND e.status = 'APPLIED') AS l`,
    [w.from, w.to],
  )) as [{ p50: number; p99: number; max: number }];
  const statuses = Object.fromEntries(
    (
      await db.sql.query<{ status: string; n: number }>(
        `SELECT e.status, count(*)::int AS n FROM ingest.submission_entry e JOIN ingest.submission s ON s.id = e.submission_id
          WHERE s.received_at >= $1 AND s.received_at < $2 GROUP BY e.status ORDER BY e.status`,
        [w.from, w.to],
      )
    ).map((r) => [r.status, r.n]),
  );
  const acked = senders.reduce((s, x) => s + x.acks.reduce((a, b) => a + b.entries, 0), 0);
  return {
    acked,
    ackedPerS: (statuses ? Object.values(statuses).reduce((a, b) => a + b, 0) : 0) / seconds,
    appliedPerS: applied.all / seconds,
    clinicalAppliedPerS: applied.clinical / seconds,
    lagP50: lag.p50 ?? NaN,
    lagP99: lag.p99 ?? NaN,
    lagMax: lag.max ?? NaN,
    statuses,
    drainS,
    ...usage,
    productCpuMsPerEntry: applied.all > 0 ? ((usage.productCpu / 100) * seconds * 1000) / applied.all : NaN,
    peakRssMiB: vmHwmMiB(pid),
    refused: senders.reduce((s, x) => s + x.refused, 0),
    failed: senders.reduce((s, x) => s + x.failed, 0),
  };
}

/** Runs the senders for warm-up + duration; measures over the window after the warm-up. */
async function flow(db: Database, product: ServerProcess, patients: BundlePatient[], label: string, rate?: number): Promise<FlowResult> {
  let stopping = false;
  const perClient = rate ? rate / clientCount : undefined;
  const clients = Array.from({ length: clientCount }, () => labClient());
  await Promise.all(clients.map((c) => c.accessToken()));
  const runId = `${label}-${Date.now().toString(36)}`;
  const senders = clients.map((c, i) => runSender(c, patients, 1000 + i, `${runId}-c${i}`, () => stopping, perClient));
  await sleep(warmup * 1000);
  const from = new Date();
  const sampler = sampleProcesses([
    { name: "product", pid: product.pid },
    { name: "bench", pid: process.pid },
  ]);
  const machine = machineCpu();
  await sleep(duration * 1000);
  const to = new Date();
  const [p, b] = sampler.stop();
  const machineCpuPct = machine();
  stopping = true;
  await Promise.all(senders.map((s) => s.done));
  log(`  ${label}: sending stopped; waiting for the queue to drain`);
  const drainS = await drained(db, new Date(from.getTime() - warmup * 1000 - 1000), drainTimeoutS, label);
  return flowResult(db, { from, to }, senders, { productCpu: p!.cpuPercent, senderCpu: b!.cpuPercent, machineCpu: machineCpuPct }, drainS, product.pid);
}

// ---------------------------------------------------------------------------------------------
// Phases
// ---------------------------------------------------------------------------------------------

interface BundleResult {
  entries: number;
  reports: number;
  bytes: number;
  ackS: number;
  appliedS: number | null;
  statuses: Record<string, number>;
}

async function bigBundle(db: Database, patients: BundlePatient[]): Promise<BundleResult> {
  // No amendments inside one Bundle: two versions of one report would share their fullUrls.
  const feed = createFeed({
    patients,
    seed: 77,
    runId: `big-${Date.now().toString(36)}`,
    generators: [labReports({ abnormalAnalyte: 0.06, amendment: 0, enteredInError: 0 })],
  });
  const items: FeedItem[] = [];
  let entries = 0;
  for (;;) {
    const item = feed.next(new Date());
    if (entries + item.entries.length > MAX_ENTRIES) break;
    items.push(item);
    entries += item.entries.length;
  }
  const body = JSON.stringify(transactionBundle(items.flatMap((i) => i.entries)));
  const client = labClient();
  await client.accessToken();
  const t0 = performance.now();
  const answer = await client.send(body);
  const ackS = (performance.now() - t0) / 1000;
  if (answer.status !== 202) throw new Error(`the 10,000-entry Bundle was answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 500)}`);
  const id = answer.headers.get("content-location")!.split("/").pop()!;
  let appliedS: number | null = null;
  for (;;) {
    const [{ queued }] = (await db.sql.query<{ queued: number }>(
      `SELECT count(*)::int AS queued FROM ingest.submission_entry WHERE submission_id = $1 AND status = 'QUEUED'`,
      [id],
    )) as [{ queued: number }];
    if (queued === 0) {
      appliedS = (performance.now() - t0) / 1000;
      break;
    }
    if ((performance.now() - t0) / 1000 > drainTimeoutS) break;
    await sleep(100);
  }
  const statuses = Object.fromEntries(
    (
      await db.sql.query<{ status: string; n: number }>(
        `SELECT status, count(*)::int AS n FROM ingest.submission_entry WHERE submission_id = $1 GROUP BY status`,
        [id],
      )
    ).map((r) => [r.status, r.n]),
  );
  return { entries, reports: items.length, bytes: Buffer.byteLength(body), ackS, appliedS, statuses };
}

interface CrashResult {
  sendS: number;
  ackedSubmissions: number;
  ackedEntries: number;
  failedWhileDown: number;
  restartS: number;
  drainS: number | null;
  statuses: Record<string, number>;
  missingSubmissions: number;
  missingEntries: number;
  queued: number;
  reportsExpected: number;
  reportsMissing: number;
  reportsDuplicated: number;
  observationCountsWrong: number;
  deadJobs: number;
}

async function crashRun(db: Database, product: ServerProcess, patients: BundlePatient[]): Promise<{ result: CrashResult; product: ServerProcess }> {
  let stopping = false;
  const clients = Array.from({ length: clientCount }, () => labClient());
  await Promise.all(clients.map((c) => c.accessToken()));
  const runId = `crash-${Date.now().toString(36)}`;
  const since = new Date();
  const senders = clients.map((c, i) => runSender(c, patients, 5000 + i, `${runId}-c${i}`, () => stopping));
  const killAfter = Math.max(5, Math.round(duration / 2));
  await sleep(killAfter * 1000);
  log(`  SIGKILL product (pid ${product.pid}) while ${clientCount} clients send`);
  expectedExit = true;
  process.kill(product.pid, "SIGKILL");
  await product.exited;
  expectedExit = false;
  await sleep(2000);
  stopping = true;
  await Promise.all(senders.map((s) => s.done));
  const acks = senders.flatMap((s) => s.acks);
  const tRestart = performance.now();
  const restarted = await startProduct();
  const restartS = (performance.now() - tRestart) / 1000;
  log(`  restarted (pid ${restarted.pid}) in ${fmt(restartS, 1)} s; draining`);
  const drainS = await drained(db, since, drainTimeoutS, "crash");
  const ids = acks.map((a) => a.submissionId);
  const statuses = Object.fromEntries(
    (
      await db.sql.query<{ status: string; n: number }>(
        `SELECT status, count(*)::int AS n FROM ingest.submission_entry WHERE submission_id = ANY($1::text[]) GROUP BY status ORDER BY status`,
        [ids],
      )
    ).map((r) => [r.status, r.n]),
  );
  const found = await db.sql.query<{ id: string; n: number }>(
    `SELECT s.id, count(e.index)::int AS n FROM ingest.submission s LEFT JOIN ingest.submission_entry e ON e.submission_id = s.id WHERE s.id = ANY($1::text[]) GROUP BY s.id`,
    [ids],
  );
  const entriesOf = new Map(found.map((f) => [f.id, f.n]));
  const missingSubmissions = acks.filter((a) => !entriesOf.has(a.submissionId)).length;
  const missingEntries = acks.reduce((s, a) => s + Math.max(0, a.entries - (entriesOf.get(a.submissionId) ?? 0)), 0);
  // Every acknowledged report exactly once, with the observations of the version sent.
  const expected = new Map<string, number>();
  for (const a of acks) expected.set(reportSourceKey(LAB, ACCESSION_SYSTEM, a.key), a.observations);
  const rows = await db.sql.query<{ source_key: string; reports: number; observations: number }>(
    `SELECT r.source_key, count(DISTINCT r.id)::int AS reports, count(o.id)::int AS observations
       FROM labs.diagnostic_report r LEFT JOIN labs.observation o ON o.report_id = r.id
      WHERE r.source_key = ANY($1::text[]) GROUP BY r.source_key`,
    [[...expected.keys()]],
  );
  const [{ dead }] = (await db.sql.query<{ dead: number }>(`SELECT count(*)::int AS dead FROM ingest_queue.job WHERE name = 'fhir-dead'`)) as [
    { dead: number },
  ];
  return {
    product: restarted,
    result: {
      sendS: killAfter,
      ackedSubmissions: acks.length,
      ackedEntries: acks.reduce((s, a) => s + a.entries, 0),
      failedWhileDown: senders.reduce((s, x) => s + x.failed, 0),
      restartS,
      drainS,
      statuses,
      missingSubmissions,
      missingEntries,
      queued: statuses.QUEUED ?? 0,
      reportsExpected: expected.size,
      reportsMissing: expected.size - rows.length,
      reportsDuplicated: rows.filter((r) => r.reports > 1).length,
      observationCountsWrong: rows.filter((r) => r.observations !== expected.get(r.source_key)).length,
      deadJobs: dead,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The run
// ---------------------------------------------------------------------------------------------

async function prepare(): Promise<{ patients: BundlePatient[]; postgres: string }> {
  const db = await openDatabase(config);
  const caches = createCacheHub(config);
  try {
    await migrateAll(db);
    await migrateIngest(db);
    log(`seeding ${fmt(residents)} residents and emptying the submission log and the queue`);
    await seedDemoData(db, { residents, caches });
    await db.sql.exec(`TRUNCATE ingest.quarantine, ingest.submission_entry, ingest.submission`);
    const [{ queue }] = (await db.sql.query<{ queue: boolean }>(`SELECT to_regclass('ingest_queue.job') IS NOT NULL AS queue`)) as [{ queue: boolean }];
    if (queue) await db.sql.exec(`DELETE FROM ingest_queue.job; DELETE FROM ingest_queue.archive`);
    await db.sql.exec("ANALYZE");
    const patients = (
      await db.sql.query<{ nhs_number: string; date_of_birth: Date; family_name: string }>(
        `SELECT r.nhs_number, r.date_of_birth, r.family_name FROM residents.resident r
           JOIN residents.placement p ON p.nhs_number = r.nhs_number AND p.end_date IS NULL ORDER BY r.nhs_number`,
      )
    ).map((r) => ({ nhsNumber: r.nhs_number, birthDate: r.date_of_birth.toISOString().slice(0, 10), family: r.family_name }));
    const [{ v }] = (await db.sql.query<{ v: string }>(`SELECT current_setting('server_version') AS v`)) as [{ v: string }];
    return { patients, postgres: v.split(" ")[0]! };
  } finally {
    await caches.close();
    await db.close();
  }
}

for (const port of [GATEWAY_PORT, INGEST_PORT])
  if (await portInUse(port)) {
    console.error(`port ${port} is in use: stop whatever listens there first`);
    process.exit(1);
  }
const load = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
const { patients, postgres } = await prepare();
log(`${fmt(patients.length)} residents placed today; starting the product (scripts/start.ts, PostgreSQL ${postgres})`);
let product = await startProduct();
log(`product ready (pid ${product.pid})`);
const db = await openDatabase(config);
const results: { sustained?: FlowResult; paced?: FlowResult & { rate: number }; bundle?: BundleResult; crash?: CrashResult } = {};
try {
  if (phases.has("sustained")) {
    log(`sustained: ${clientCount} clients, closed loop, ${warmup} s warm-up + ${duration} s measured`);
    results.sustained = await flow(db, product, patients, "sustained");
    log(`  ${fmt(results.sustained.appliedPerS)} resources/s applied, lag p99 ${fmt(results.sustained.lagP99, 2)} s`);
  }
  if (phases.has("paced")) {
    const rate = values.rate ? Number(values.rate) : Math.round((results.sustained?.appliedPerS ?? 1000) * 0.7);
    log(`paced: ${fmt(rate)} resources/s offered by ${clientCount} clients for ${warmup} + ${duration} s`);
    results.paced = { ...(await flow(db, product, patients, "paced", rate)), rate };
    log(`  ${fmt(results.paced.appliedPerS)} resources/s applied, lag p99 ${fmt(results.paced.lagP99, 2)} s`);
  }
  if (phases.has("bundle")) {
    log(`one Bundle of up to ${fmt(MAX_ENTRIES)} entries`);
    results.bundle = await bigBundle(db, patients);
    log(
      `  acknowledged in ${fmt(results.bundle.ackS, 2)} s, all applied after ${results.bundle.appliedS === null ? "TIMEOUT" : `${fmt(results.bundle.appliedS, 2)} s`}`,
    );
  }
  if (phases.has("crash")) {
    log(`crash: ${clientCount} clients send, the product is killed (SIGKILL) mid-run and restarted`);
    const crash = await crashRun(db, product, patients);
    product = crash.product;
    results.crash = crash.result;
    const c = results.crash;
    log(
      `  acknowledged ${fmt(c.ackedEntries)} entries in ${fmt(c.ackedSubmissions)} submissions; lost submissions ${c.missingSubmissions}, lost entries ${c.missingEntries}, QUEUED ${c.queued}, reports missing ${c.reportsMissing}, duplicated ${c.reportsDuplicated}, observation counts wrong ${c.observationCountsWrong}`,
    );
  }
} finally {
  expectedExit = true;
  await product.stop();
  await db.close();
}

// ---------------------------------------------------------------------------------------------
// Report
// ---------------------------------------------------------------------------------------------

const statusText = (s: Record<string, number>) =>
  Object.entries(s)
    .map(([k, v]) => `${k} ${fmt(v)}`)
    .join(" · ");
const command = `npm run bench:ingest -- ${process.argv.slice(2).join(" ")}`.trim();
const cpuModel = os.cpus()[0]?.model.split(" ").slice(0, 2).join(" ") ?? "unknown";
const runLine = `Run: \`${command}\` on ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC; ${os.cpus().length} × ${cpuModel}, Node ${process.version}, PostgreSQL ${postgres}; load average before the run ${load} (other work on the machine shares its 2 cores).`;
const header: string[] = [
  "# Ingestion benchmark",
  "",
  "Generated by `npm run bench:ingest` (bench/ingestion.ts); each section says which run wrote it (a run with `--only` rewrites its own sections and keeps the others).",
  "",
  `- Product: \`tsx scripts/start.ts\` (what \`npm start\` runs) with DATABASE_URL, REDIS_URL, CACHE=on, LOG_LEVEL=warn, one process: subgraphs, gateway, FHIR front door and ingestion workers. ${fmt(residents)} seeded residents (${fmt(patients.length)} placed today, the feed's patients).`,
  `- Feed: ${clientCount} concurrent source clients (\`ingest/feed/source-client.ts\`, SMART backend-services tokens) of lab-synnovis, each sending one transaction Bundle per laboratory report (the resident's Patient, the DiagnosticReport and its 1–12 Observations; panel mix, abnormal rate, amendments and entered-in-error as \`ingest/feed/feed-mix.ts\` makes them).`,
  "- Counted from the submission log (`ingest.submission_entry`), not from the acknowledgements: *applied/s* is entries that became APPLIED in the measured window (all entries, and clinical ones: DiagnosticReport + Observation, without the sender's Patient); *lag* is `submission_entry.updated_at − submission.received_at` of the APPLIED entries of submissions received in the window.",
  "- CPU: 100 % = one core busy; *machine* is every process (PostgreSQL included) from /proc/stat. Peak RSS is the product process's VmHWM (since it started).",
  "",
];
const sections = new Map<string, string[]>();
const section = (title: string, body: string[]) => sections.set(title, [title, "", runLine, "", ...body]);
const flowRows = (name: string, r: FlowResult, offered: string) =>
  `| ${name} | ${offered} | ${fmt(r.ackedPerS)} | **${fmt(r.appliedPerS)}** | ${fmt(r.clinicalAppliedPerS)} | ${fmt(r.lagP50, 2)} | ${fmt(r.lagP99, 2)} | ${r.drainS === null ? "timeout" : fmt(r.drainS, 1)} | ${fmt(r.productCpu)} / ${fmt(r.senderCpu)} / ${fmt(r.machineCpu)} | ${fmt(r.productCpuMsPerEntry, 2)} | ${fmt(r.peakRssMiB)} | ${statusText(r.statuses)} | ${r.refused} / ${r.failed} |`;
if (results.sustained || results.paced) {
  const lines = [
    `Warm-up ${warmup} s, then ${duration} s measured.`,
    "",
    "| phase | offered | received entries/s | applied entries/s | applied clinical/s | lag p50 s | lag p99 s | drain after the window s | CPU % product / senders / machine | product CPU ms per applied entry | peak RSS MiB | outcomes of the window's entries | refused / failed requests |",
    "|---|---|---:|---:|---:|---:|---:|---:|---|---:|---:|---|---|",
  ];
  if (results.sustained) lines.push(flowRows("sustained", results.sustained, "as fast as answered"));
  if (results.paced) lines.push(flowRows("paced", results.paced, `${fmt(results.paced.rate)} entries/s`));
  section("## Sustained feed", [...lines, ""]);
}
if (results.bundle) {
  const b = results.bundle;
  section("## One 10,000-entry Bundle", [
    "| entries | reports | body MB | acknowledged after s | all applied after s | outcomes |",
    "|---:|---:|---:|---:|---:|---|",
    `| ${fmt(b.entries)} | ${fmt(b.reports)} | ${fmt(b.bytes / 1e6, 1)} | ${fmt(b.ackS, 2)} | ${b.appliedS === null ? "timeout" : fmt(b.appliedS, 2)} | ${statusText(b.statuses)} |`,
    "",
  ]);
}
if (results.crash) {
  const c = results.crash;
  const ok =
    c.missingSubmissions === 0 &&
    c.missingEntries === 0 &&
    c.queued === 0 &&
    c.reportsMissing === 0 &&
    c.reportsDuplicated === 0 &&
    c.observationCountsWrong === 0;
  section("## Crash mid-run (SIGKILL, restart, drain)", [
    `${clientCount} clients sent for ${c.sendS} s; the product process was killed with SIGKILL while they sent, restarted, and left to drain. Every entry acknowledged with 202 was then looked up.`,
    "",
    "| acknowledged submissions | acknowledged entries | requests failed while down | restart s | drain s | outcomes of acknowledged entries | lost submissions | lost entries | still QUEUED | reports expected / missing / duplicated | observation counts wrong | jobs in fhir-dead | verdict |",
    "|---:|---:|---:|---:|---:|---|---:|---:|---:|---|---:|---:|---|",
    `| ${fmt(c.ackedSubmissions)} | ${fmt(c.ackedEntries)} | ${fmt(c.failedWhileDown)} | ${fmt(c.restartS, 1)} | ${c.drainS === null ? "timeout" : fmt(c.drainS, 1)} | ${statusText(c.statuses)} | ${c.missingSubmissions} | ${c.missingEntries} | ${c.queued} | ${fmt(c.reportsExpected)} / ${c.reportsMissing} / ${c.reportsDuplicated} | ${c.observationCountsWrong} | ${c.deadJobs} | ${ok ? "**no loss, no duplicate**" : "**FAILED**"} |`,
    "",
  ]);
}
const path = new URL(outFile, import.meta.url);
const ORDER = ["## Sustained feed", "## One 10,000-entry Bundle", "## Crash mid-run (SIGKILL, restart, drain)"];
const NOTES = "## What the runs show";
const kept = existsSync(path) ? readFileSync(path, "utf8") : "";
const keptSection = (title: string) => {
  const at = kept.indexOf(`\n${title}`);
  if (at < 0) return null;
  const end = kept.indexOf("\n## ", at + 1);
  return kept.slice(at + 1, end < 0 ? undefined : end).trimEnd();
};
const body = ORDER.map((title) => sections.get(title)?.join("\n").trimEnd() ?? keptSection(title)).filter((x): x is string => x !== null);
const notes = keptSection(NOTES) ?? `${NOTES} (written after them)\n\n(to be written)`;
writeFileSync(path, `${[header.join("\n").trimEnd(), ...body, notes].join("\n\n")}\n`);
log(`wrote bench/${outFile}`);
process.exit(0);
