// Federation benchmark: our federated stack (warm cache, no cache, Redis down, authorisation off)
// against the stock Apollo Gateway over the same subgraphs, a monolith over the same tables and a
// bare HTTP ceiling, on three screens of the product; optionally how the resident view holds up
// as the data grows (each size measured in --repeat rounds, medians compared). Every configuration
// runs as child processes, measured from /proc. Writes bench/RESULTS.md.
//   npm run bench -- [--residents 1000] [--scale 1000,100000,400000] [--duration 10]
//                    [--connections 50] [--only federated-warm,monolith] [--scenarios resident-view] [--quick]
// Uses BENCH_DATABASE_URL (default postgresql://postgres@127.0.0.1:5432/carerecord_bench) and
// BENCH_REDIS_URL (default redis://127.0.0.1:6379/5).
import { migrateAll } from "../subgraphs/registry.js";
import { parseArgs } from "node:util";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import { parseEnv, type Env } from "../platform/config/env.js";
import { createCacheHub } from "../platform/cache/hub.js";
import { openDatabase } from "../app/database.js";
import { seedDemoData } from "../app/seed.js";
import { killChildrenOnExit, portInUse, startServer, type ServerProcess } from "./federation/processes.js";
import { buildScenarios, mintTokens, pickSubjects, type Scenario, type Subjects } from "./federation/scenarios.js";
import { firstDifference, measure, problemWith, send, type Answer, type Measurement } from "./federation/load.js";
import { CLOSED_REDIS_PORT, GATEWAY_PORT, REFERENCE, SUBGRAPH_BASE_PORT, TARGETS, processesFor, type TargetName } from "./federation/targets.js";
import { SCENARIO_NAMES, cpuPerRequest, medianWindow, renderReport, resultKey, type GrowthRow } from "./federation/report.js";

const WARMUP_SECONDS = 2;
/** Distinct users per role, rotated per request: many more than requests in flight. */
const usersFor = (connections: number) => Math.max(8, connections * 4);
const URL_UNDER_TEST = `http://127.0.0.1:${GATEWAY_PORT}/graphql`;

const { values } = parseArgs({
  options: {
    residents: { type: "string", default: "1000" },
    scale: { type: "string" },
    duration: { type: "string", default: "10" },
    connections: { type: "string", default: "50" },
    only: { type: "string" },
    // Measure only these screens (all are still checked against the reference before measuring).
    scenarios: { type: "string" },
    quick: { type: "boolean", default: false },
    // Interleaved rounds (median reported): on a small shared machine one 10 s window is noisy.
    repeat: { type: "string", default: "1" },
    out: { type: "string", default: "RESULTS.md" },
  },
});
const usage = (why: string): never => {
  console.error(
    `${why}\nusage: npm run bench -- [--residents N] [--scale N,N,...] [--duration S] [--connections C] [--only ${TARGETS.join(",")}] [--scenarios ${SCENARIO_NAMES.join(",")}] [--quick] [--repeat N] [--out FILE.md]`,
  );
  process.exit(2);
};
const count = (v: string, name: string, max: number) => {
  const n = Number(v);
  return Number.isInteger(n) && n >= 1 && n <= max ? n : usage(`--${name} must be an integer 1..${max}`);
};
const residents = count(values.residents!, "residents", 900_000);
const scale = values.scale ? [...new Set(values.scale.split(",").map((v) => count(v.trim(), "scale", 900_000)))].sort((a, b) => a - b) : [residents];
const duration = values.quick ? 3 : count(values.duration!, "duration", 3600);
const connections = count(values.connections!, "connections", 10_000);
const rounds = count(values.repeat!, "repeat", 20);
const outFile = /^[\w.-]+\.md$/.test(values.out!) ? values.out! : usage("--out must be a file name ending in .md (written under bench/)");
const only = values.only?.split(",").map((t) => t.trim());
for (const t of only ?? []) if (!(TARGETS as readonly string[]).includes(t)) usage(`unknown target ${t}`);
const selected = TARGETS.filter((t) => !only || only.includes(t));
const onlyScenarios = values.scenarios?.split(",").map((s) => s.trim());
for (const s of onlyScenarios ?? []) if (!(SCENARIO_NAMES as readonly string[]).includes(s)) usage(`unknown scenario ${s}`);

const databaseUrl = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/carerecord_bench";
const redisUrl = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379/5";
// The bench's own view of the settings: secrets and cache sizes as the children will see them.
const config: Env = parseEnv({ ...process.env, DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, CACHE: "on" });
const bareResponses = path.join(os.tmpdir(), `carerecord-bench-${process.pid}.json`);
killChildrenOnExit(() => rmSync(bareResponses, { force: true }));
const started = performance.now();
const log = (line: string) => console.log(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`);

/** Redis version, or null when it does not answer. */
async function redisVersion(url: string): Promise<string | null> {
  const client = new Redis(url, { lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on("error", () => undefined);
  try {
    await client.connect();
    return /redis_version:(\S+)/.exec(await client.info("server"))?.[1] ?? "unknown";
  } catch {
    return null;
  } finally {
    client.disconnect();
  }
}

/** Migrates, reseeds when the resident count differs, and picks the subjects. */
async function prepareData(size: number): Promise<{ subjects: Subjects; seeding: string; postgres: string }> {
  const db = await openDatabase(config);
  try {
    await migrateAll(db);
    const [{ n }] = (await db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM residents.resident`)) as [{ n: number }];
    let seeding = `reused: the database already held ${size.toLocaleString("en-GB")}`;
    if (n !== size) {
      log(`seeding ${size.toLocaleString("en-GB")} residents (database holds ${n.toLocaleString("en-GB")})`);
      const caches = createCacheHub(config);
      let shown = 0;
      try {
        const result = await seedDemoData(db, {
          residents: size,
          caches,
          onProgress: (done, total) => {
            if (done / total >= shown + 0.1 || done === total) log(`  seeded ${done.toLocaleString("en-GB")} / ${total.toLocaleString("en-GB")}`);
            shown = Math.floor((done / total) * 10) / 10;
          },
        });
        seeding = `seeded in this run: ${result.rows.toLocaleString("en-GB")} rows in ${result.seconds.toFixed(0)} s`;
      } finally {
        await caches.close();
      }
      await db.sql.exec("ANALYZE");
    }
    const [{ v }] = (await db.sql.query<{ v: string }>(`SELECT current_setting('server_version') AS v`)) as [{ v: string }];
    return { subjects: await pickSubjects(db.sql), seeding, postgres: v.split(" ")[0]! };
  } finally {
    await db.close();
  }
}

/** Empties the cache the warm configurations share (entries from earlier runs or another data size). */
async function purgeCache(): Promise<void> {
  const caches = createCacheHub(config);
  try {
    await caches.purgeAll();
  } finally {
    await caches.close();
  }
}

interface Phase {
  scenarios: Scenario[];
  /** The reference target's answers, by scenario; filled by the reference's own run. */
  reference: Map<Scenario["name"], Answer>;
}

/**
 * Starts a configuration, proves it answers every scenario correctly and equal to the reference,
 * measures the scenarios asked for, and always stops its processes.
 */
async function runTarget(target: TargetName, phase: Phase, toMeasure: Scenario[]): Promise<Map<Scenario["name"], Measurement>> {
  // The warm cache starts empty: entries from an earlier run, or another data size, must not serve.
  if (target === "federated-warm") await purgeCache();
  if (target === "bare")
    writeFileSync(bareResponses, JSON.stringify(Object.fromEntries(phase.scenarios.map((s) => [s.operationName, phase.reference.get(s.name)!.text]))));
  const servers: ServerProcess[] = [];
  const results = new Map<Scenario["name"], Measurement>();
  try {
    for (const spec of processesFor(target, { databaseUrl, redisUrl, bareResponses })) {
      servers.push(await startServer(spec));
      log(`  ${spec.name} ready (pid ${servers.at(-1)!.pid})`);
    }
    const expectBodies = new Map<Scenario["name"], string | undefined>();
    for (const scenario of phase.scenarios) {
      const first = await send(URL_UNDER_TEST, scenario);
      const problem = problemWith(first, scenario);
      if (problem) throw new Error(`${target} does not answer ${scenario.name} correctly: ${problem}`);
      const reference = phase.reference.get(scenario.name);
      if (!reference) phase.reference.set(scenario.name, first);
      const differs = reference && firstDifference(first.data, reference.data);
      if (differs) throw new Error(`${target}: ${scenario.name} data differs from ${REFERENCE}'s at ${differs}`);
      // Bodies are compared during the run only when the target answers byte for byte the same.
      const again = await send(URL_UNDER_TEST, scenario);
      expectBodies.set(scenario.name, again.text === first.text ? first.text : undefined);
    }
    for (const scenario of toMeasure) {
      const m = await measure(scenario, {
        url: URL_UNDER_TEST,
        connections,
        duration,
        warmupSeconds: WARMUP_SECONDS,
        expectBody: expectBodies.get(scenario.name),
        processes: servers,
        verifyAfter: (answer) => {
          const d = firstDifference(answer.data, phase.reference.get(scenario.name)!.data);
          return d && `data differs from ${REFERENCE}'s at ${d}`;
        },
      });
      results.set(scenario.name, m);
      log(
        `  ${scenario.name}: ${Math.round(m.requestsPerSecond)} req/s, p50 ${m.p50} ms, p99 ${m.p99} ms, non-2xx ${m.non2xx}, errors ${m.errors}, mismatches ${m.mismatches ?? "n/a"}, after: ${m.afterwards}; CPU ms per request: ${cpuPerRequest(m)}`,
      );
      for (const sample of m.mismatchSamples) log(`    differing body: ${sample}`);
    }
    return results;
  } finally {
    // Gateway before subgraphs, so it flushes its audit while they still answer.
    for (const server of servers.reverse()) await server.stop();
  }
}

/** The size of the resident view's reference answer, once the reference has run. */
const answerBytes = (phase: Phase): number | null => {
  const answer = phase.reference.get("resident-view");
  return answer ? Buffer.byteLength(answer.text) : null;
};

/** The reference first (it defines the answers), then the others in the order they are listed. */
async function runAll(
  targets: readonly TargetName[],
  phase: Phase,
  toMeasure: (t: TargetName) => Scenario[],
  into: (t: TargetName, r: Map<Scenario["name"], Measurement>) => void,
) {
  const order = [REFERENCE, ...targets.filter((t) => t !== REFERENCE)];
  for (const target of order) {
    const measured = targets.includes(target) ? toMeasure(target) : [];
    log(`${target}${measured.length ? "" : " (reference answers only)"}`);
    into(target, await runTarget(target, phase, measured));
  }
}

async function main() {
  for (let port = GATEWAY_PORT; port < SUBGRAPH_BASE_PORT + 6; port++)
    if (await portInUse(port)) throw new Error(`port ${port} is in use: stop whatever listens there (a leftover bench server?) first`);
  if (selected.includes("federated-redis-down") && (await portInUse(CLOSED_REDIS_PORT)))
    throw new Error(`something listens on ${CLOSED_REDIS_PORT}, where federated-redis-down expects no Redis`);
  const redis = await redisVersion(redisUrl);
  if (!redis && selected.includes("federated-warm"))
    throw new Error(`Redis at ${redisUrl} does not answer: start it, set BENCH_REDIS_URL, or leave federated-warm out with --only`);

  const prepared = await prepareData(residents);
  const tokens = await mintTokens(prepared.subjects, config, usersFor(connections));
  const phase: Phase = { scenarios: buildScenarios(prepared.subjects, tokens), reference: new Map() };
  log(`subjects: ${JSON.stringify(prepared.subjects)}`);
  const samples = new Map<string, Measurement[]>();
  for (let round = 1; round <= rounds; round++) {
    if (rounds > 1) log(`round ${round} of ${rounds}`);
    await runAll(
      selected,
      phase,
      () => phase.scenarios.filter((s) => !onlyScenarios || onlyScenarios.includes(s.name)),
      (t, r) => r.forEach((m, s) => samples.set(resultKey(t, s), [...(samples.get(resultKey(t, s)) ?? []), m])),
    );
  }
  const results = new Map([...samples].map(([k, ms]) => [k, medianWindow(ms)]));

  // Growth: resident-view, warm and cache-off, at each size (the main size's windows are reused).
  // Each size gets as many windows as the main size (--repeat), and its median is compared: one
  // 10 s window here varies by up to 30 % between identical runs, more than the effect looked for.
  const growthTargets = (["federated-cache-off", "federated-warm"] as const).filter((t) => selected.includes(t));
  const growth: GrowthRow[] = [];
  for (const size of scale) {
    if (size !== residents && growthTargets.length === 0) {
      log(`growth: ${size.toLocaleString("en-GB")} residents skipped (neither federated-warm nor federated-cache-off selected)`);
      continue;
    }
    if (size === residents) {
      const pick = (t: TargetName) => samples.get(resultKey(t, "resident-view")) ?? [];
      growth.push({
        residents: size,
        subjects: prepared.subjects,
        answerBytes: answerBytes(phase),
        warm: pick("federated-warm"),
        cacheOff: pick("federated-cache-off"),
      });
      continue;
    }
    log(`growth: ${size.toLocaleString("en-GB")} residents`);
    const data = await prepareData(size);
    const at: Phase = { scenarios: buildScenarios(data.subjects, await mintTokens(data.subjects, config, usersFor(connections))), reference: new Map() };
    const row: GrowthRow = { residents: size, subjects: data.subjects, answerBytes: null, warm: [], cacheOff: [] };
    const view = at.scenarios.filter((s) => s.name === "resident-view");
    for (let round = 1; round <= rounds; round++) {
      if (rounds > 1) log(`growth at ${size.toLocaleString("en-GB")}: round ${round} of ${rounds}`);
      await runAll(
        growthTargets,
        at,
        () => view,
        (t, r) => {
          const m = r.get("resident-view");
          if (m && t === "federated-warm") row.warm.push(m);
          if (m && t === "federated-cache-off") row.cacheOff.push(m);
        },
      );
    }
    row.answerBytes = answerBytes(at);
    growth.push(row);
  }

  const cpu = /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? "unknown CPU";
  const argv = process.argv.slice(2).map((a) => (/^[\w.,=/-]+$/.test(a) ? a : `'${a}'`));
  const report = renderReport({
    command: `npm run bench${argv.length ? ` -- ${argv.join(" ")}` : ""}`,
    date: new Date().toISOString().slice(0, 16).replace("T", " ") + " UTC",
    wallSeconds: (performance.now() - started) / 1000,
    quick: values.quick!,
    machine: { nproc: os.availableParallelism(), model: cpu, node: process.version, postgres: prepared.postgres, redis: redis ?? "not reachable" },
    residents,
    seeding: prepared.seeding,
    subjects: prepared.subjects,
    duration,
    warmupSeconds: WARMUP_SECONDS,
    rounds,
    connections,
    users: usersFor(connections),
    targets: selected,
    results,
    growth,
  });
  writeFileSync(new URL(`./${outFile}`, import.meta.url), report);
  log(`wrote bench/${outFile}`);
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    console.error(`\nbenchmark failed: ${error.message}`);
    process.exit(1);
  },
);
