// Fairness benchmark (not a test): one user sends the costliest query the limits allow, many at
// once, while other users look up urgent-care plans at a steady rate; reports the lookup's p50 and
// p99 alone and under the attack, for the default limits and for tighter ones. Runs the warm
// federated stack as child processes (bench/federation/targets.ts), about 2 minutes in all, and
// writes the "Fairness" section of bench/RESULTS.md (the rest of the file is kept).
//   npm run bench:fairness -- [--duration 20] [--attackers 16] [--only taskset]
// Uses BENCH_DATABASE_URL / BENCH_REDIS_URL like `npm run bench`.
import { migrateAll } from "../subgraphs/registry.js";
import { parseArgs } from "node:util";
import { readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { execFileSync } from "node:child_process";
import autocannon, { type Result } from "autocannon";
import { parse } from "graphql";
import { parseEnv, type Env } from "../platform/config/env.js";
import { createCacheHub } from "../platform/cache/hub.js";
import { openDatabase } from "../app/database.js";
import { seedDemoData } from "../app/seed.js";
import { operationCost } from "../gateway/cost.js";
import { apiSchema, fullSelection } from "../test/support/selection.js";
import { killChildrenOnExit, portInUse, runToEnd, startServer, waitUntilIdle, type ServerProcess } from "./federation/processes.js";
import { buildScenarios, mintTokens, pickSubjects, type Subjects } from "./federation/scenarios.js";
import { problemWith, send } from "./federation/load.js";
import { GATEWAY_PORT, SUBGRAPH_BASE_PORT, processesFor } from "./federation/targets.js";

const { values } = parseArgs({
  options: {
    duration: { type: "string", default: "20" },
    attackers: { type: "string", default: "16" },
    residents: { type: "string", default: "1000" },
    // Run only the settings whose label contains this text (repeat runs of one setting): their
    // rows are printed, and bench/RESULTS.md is left as it is.
    only: { type: "string" },
  },
});
const duration = Number(values.duration);
const attackConnections = Number(values.attackers);
const residents = Number(values.residents);
/** The other users' steady load: requests per second, spread over this many ambulance clinicians. */
const VICTIM_RATE = 20;
const VICTIM_USERS = 20;
/** Where the bulk lane listens when a setting has one (a fixed port, like the rest of the bench). */
const BULK_LANE_PORT = 4110;
/** Where the machine-floor setting's bare server listens. */
const BARE_PORT = 4111;
/** The pinned setting's CPUs (taskset -c): the interactive side, the bulk side, and all of them. */
const INTERACTIVE_CPU = "0";
const BULK_CPU = "1";
const ALL_CPUS = `0-${os.availableParallelism() - 1}`;
/** This process (the look-ups' load generator, every thread) onto `cpus`. */
const pinSelf = (cpus: string) => execFileSync("taskset", ["-a", "-p", "-c", cpus, String(process.pid)], { stdio: "ignore" });

const databaseUrl = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/carerecord_bench";
const redisUrl = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379/5";
const config: Env = parseEnv({ ...process.env, DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, CACHE: "on" });
const URL_UNDER_TEST = `http://127.0.0.1:${GATEWAY_PORT}/graphql`;
killChildrenOnExit();
const started = performance.now();
const log = (line: string) => console.log(`[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}`);

/** The limit settings compared: the product's defaults, then a tighter cost budget and concurrency. */
const DEFAULTS = `defaults (COST_PER_MINUTE_PER_USER=${config.COST_PER_MINUTE_PER_USER}, MAX_CONCURRENT_PER_USER=${config.MAX_CONCURRENT_PER_USER}, RATE_LIMIT_PER_MINUTE=${config.RATE_LIMIT_PER_MINUTE})`;
const BULK_LANE = `defaults + bulk lane (BULK_LANE_MIN_COST=${config.BULK_LANE_MIN_COST}, BULK_LANE_NICE=${config.BULK_LANE_NICE})`;
const bulkLaneEnv = { BULK_LANE_URL: `http://127.0.0.1:${BULK_LANE_PORT}/graphql` };

/**
 * The settings compared, each with an attacker that floods (ignores 429) or is polite (waits out
 * Retry-After): the product's defaults, then with the bulk lane, and the machine's own floor.
 */
const SETTINGS: { label: string; env: Record<string, string>; style: "flood" | "polite"; bulkLane?: boolean; floor?: boolean; pinned?: boolean }[] = [
  { label: DEFAULTS, env: {}, style: "flood" },
  { label: BULK_LANE, env: bulkLaneEnv, style: "flood", bulkLane: true },
  // The bulk lane as a deployment runs it, on CPU of its own (its container's quota, its own node),
  // and the attacker's load generator off the interactive CPU as a client on another host would
  // be: PostgreSQL and Redis stay shared, as they are in production.
  {
    label: `${BULK_LANE}, bulk lane and attacker on CPU 1, interactive stack and look-ups on CPU 0 (taskset)`,
    env: bulkLaneEnv,
    style: "flood",
    bulkLane: true,
    pinned: true,
  },
  // What remains when the service does nothing for the attacker: its load generator and a bare
  // HTTP server answering it take this 2-core machine's CPU from the look-ups all the same.
  { label: "machine floor: the attacker's requests go to a bare HTTP server beside the stack (no GraphQL)", env: {}, style: "flood", floor: true },
  { label: DEFAULTS, env: {}, style: "polite" },
  { label: BULK_LANE, env: bulkLaneEnv, style: "polite", bulkLane: true },
];

async function prepare(): Promise<Subjects> {
  const db = await openDatabase(config);
  try {
    await migrateAll(db);
    const [{ n }] = (await db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM residents.resident`)) as [{ n: number }];
    if (n < residents) {
      log(`seeding ${residents} residents`);
      const caches = createCacheHub(config);
      try {
        await seedDemoData(db, { residents, caches });
      } finally {
        await caches.close();
      }
      await db.sql.exec("ANALYZE");
    }
    return await pickSubjects(db.sql);
  } finally {
    await db.close();
  }
}

/**
 * The costliest operation the cost limit lets through: the subject home's residents with every
 * section (one fragment, so the token limit is not what stops it), twice over, at the largest page
 * size that keeps the whole under the limit.
 */
function costliestQuery(home: string): { body: string; cost: number; first: number } {
  const text = (first: number) =>
    `query Heavy { a: careHome(id: "${home}") { residents(first: ${first}) { edges { node { ...All } } } } ` +
    `b: careHome(id: "${home}") { residents(first: ${first}) { edges { node { ...All } } } } } ` +
    `fragment All on Resident { ${fullSelection("Resident", ["CareHome", "GpPractice"])} }`;
  let first = 100;
  while (first > 1 && operationCost(apiSchema, parse(text(first)), "Heavy", {})! > config.MAX_QUERY_COST) first -= 1;
  return { body: JSON.stringify({ operationName: "Heavy", query: text(first) }), cost: operationCost(apiSchema, parse(text(first)), "Heavy", {})!, first };
}

interface Row {
  settings: string;
  style: "flood" | "polite";
  alone: Result;
  attacked: Result;
  attack: AttackResult;
}

/** What the attacker's own process (bench/federation/attack-process.ts) reports. */
interface AttackResult {
  served: number;
  refused: number;
}

async function victims(tokens: string[], body: string, seconds = duration): Promise<Result> {
  let turn = 0;
  return autocannon({
    url: URL_UNDER_TEST,
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
    connections: 4,
    overallRate: VICTIM_RATE,
    duration: seconds,
    requests: [{ setupRequest: (r) => ({ ...r, headers: { ...r.headers, authorization: `Bearer ${tokens[turn++ % tokens.length]}` } }) }],
  });
}

async function main() {
  for (const port of [...Array.from({ length: SUBGRAPH_BASE_PORT + 6 - GATEWAY_PORT }, (_, i) => GATEWAY_PORT + i), BULK_LANE_PORT, BARE_PORT])
    if (await portInUse(port)) throw new Error(`port ${port} is in use: stop whatever listens there first`);
  const subjects = await prepare();
  const tokens = await mintTokens(subjects, config, VICTIM_USERS);
  const urgent = buildScenarios(subjects, tokens).find((s) => s.name === "urgent-care-plan")!;
  const heavy = costliestQuery(subjects.careHome);
  log(
    `subjects ${JSON.stringify(subjects)}; costliest allowed query: 2 x residents(first: ${heavy.first}) with every section, cost ${heavy.cost} of ${config.MAX_QUERY_COST}`,
  );
  const rows: Row[] = [];
  for (const [i, setting] of SETTINGS.entries()) {
    if (values.only && !`${setting.label} ${setting.style}`.includes(values.only)) continue;
    log(`${setting.label}, ${setting.style} attacker`);
    // A fresh attacker per setting: the limits of the one before are still in Redis.
    const attacker = tokens.nurses[i]!;
    const servers: ServerProcess[] = [];
    try {
      const specs = processesFor("federated-warm", { databaseUrl, redisUrl, bareResponses: "" });
      // The bulk lane: the whole stack in one process at a lower priority, same database and Redis.
      const cpus = (side: "interactive" | "bulk") => (setting.pinned ? (side === "interactive" ? INTERACTIVE_CPU : BULK_CPU) : undefined);
      pinSelf(setting.pinned ? INTERACTIVE_CPU : ALL_CPUS);
      if (setting.bulkLane)
        servers.push(
          await startServer({
            name: "bulk-lane",
            file: "bench/servers/bulk-lane.ts",
            env: { ...specs.at(-1)!.env, PORT: String(BULK_LANE_PORT) },
            cpus: cpus("bulk"),
          }),
        );
      for (const spec of specs) servers.push(await startServer({ ...spec, env: { ...spec.env, ...setting.env }, cpus: cpus("interactive") }));
      if (setting.floor) {
        const responses = `${os.tmpdir()}/fairness-bare-${process.pid}.json`;
        writeFileSync(responses, JSON.stringify({ Heavy: '{"errors":[{"message":"refused","extensions":{"code":"RATE_LIMITED"}}]}' }));
        servers.push(
          await startServer({ name: "bare", file: "bench/servers/bare.ts", env: { ...process.env, PORT: String(BARE_PORT), BARE_RESPONSES: responses } }),
        );
      }
      const check = await send(URL_UNDER_TEST, urgent);
      const problem = problemWith(check, urgent);
      if (problem) throw new Error(`urgent-care lookup is not answered correctly: ${problem}`);
      // Checked as another nurse, so the attacker starts with a full cost budget.
      const heavyAnswer = await fetch(URL_UNDER_TEST, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${tokens.nurses[SETTINGS.length + i]}` },
        body: heavy.body,
      });
      const heavyJson = (await heavyAnswer.json()) as { data?: { a?: { residents?: { edges?: unknown[] } } }; errors?: unknown[] };
      if (heavyAnswer.status !== 200 || !heavyJson.data?.a?.residents?.edges?.length)
        throw new Error(`the costliest query is not served: HTTP ${heavyAnswer.status} ${JSON.stringify(heavyJson.errors ?? []).slice(0, 300)}`);
      log(`  heavy answer: ${(JSON.stringify(heavyJson).length / 1024).toFixed(0)} KiB`);
      // Warm the cache and the connections, then measure the lookup alone.
      await victims(tokens.paramedics, urgent.body, 3);
      await waitUntilIdle(servers);
      const alone = await victims(tokens.paramedics, urgent.body);
      log(`  alone: p50 ${alone.latency.p50} ms, p99 ${alone.latency.p99} ms, ${alone["2xx"]} answered, non-2xx ${alone.non2xx}`);
      await waitUntilIdle(servers);
      const attack = runToEnd(
        "bench/federation/attack-process.ts",
        {
          ...process.env,
          ATTACK: JSON.stringify({
            url: setting.floor ? `http://127.0.0.1:${BARE_PORT}/graphql` : URL_UNDER_TEST,
            token: attacker,
            body: heavy.body,
            connections: attackConnections,
            seconds: duration + 2,
            style: setting.style,
          }),
        },
        cpus("bulk"),
      ).then((line) => JSON.parse(line) as AttackResult);
      await new Promise((r) => setTimeout(r, 2000));
      const attacked = await victims(tokens.paramedics, urgent.body);
      const attackResult = await attack;
      log(
        `  attacked: p50 ${attacked.latency.p50} ms, p99 ${attacked.latency.p99} ms, ${attacked["2xx"]} answered, non-2xx ${attacked.non2xx}; attacker ${attackResult.served} served, ${attackResult.refused} refused`,
      );
      rows.push({ settings: setting.label, style: setting.style, alone, attacked, attack: attackResult });
      await waitUntilIdle(servers);
    } finally {
      for (const server of servers.reverse()) await server.stop();
    }
  }
  if (values.only) {
    // A partial run prints its rows and leaves the committed table as it is.
    console.log(render(rows, subjects, heavy));
    return;
  }
  writeSection(render(rows, subjects, heavy));
  log("wrote the Fairness section of bench/RESULTS.md");
}

function render(rows: Row[], subjects: Subjects, heavy: { cost: number; first: number }): string {
  const cpu = /^model name\s*:\s*(.+)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? "unknown CPU";
  const argv = process.argv.slice(2).join(" ");
  const lines = [
    "## Fairness",
    "",
    `Generated by \`npm run bench:fairness${argv ? ` -- ${argv}` : ""}\` on ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC (${((performance.now() - started) / 1000).toFixed(0)} s; ${os.availableParallelism()} × ${cpu.split(" ").slice(0, 2).join(" ")}, ${process.version}), \`federated-warm\` processes.`,
    "",
    `- Attacker: one care home nurse (a different one per row) of ${subjects.careHome} sending the costliest query the cost limit allows (two aliases of the home's \`residents(first: ${heavy.first})\` with every section, cost ${heavy.cost.toLocaleString("en-GB")} of ${config.MAX_QUERY_COST.toLocaleString("en-GB")}) on ${attackConnections} connections at once: "flood" sends again as soon as answered, 429s included; "polite" waits out each 429's Retry-After.`,
    `- Others: ${VICTIM_USERS} ambulance clinicians looking up resident ${subjects.nhsNumber}'s urgent-care plan, ${VICTIM_RATE} requests/s in all, ${duration} s measured, alone and then while the attack runs.`,
    "",
    "| limits | attacker | others' p50 alone ms | others' p99 alone ms | p50 under attack ms | p99 under attack ms | p99 ratio | others refused | attacker served / refused |",
    "|---|---|---:|---:|---:|---:|---:|---:|---|",
    ...rows.map(
      (r) =>
        `| ${r.settings} | ${r.style} | ${r.alone.latency.p50} | ${r.alone.latency.p99} | ${r.attacked.latency.p50} | ${r.attacked.latency.p99} | ${(r.attacked.latency.p99 / Math.max(1, r.alone.latency.p99)).toFixed(1)}x | ${r.attacked.non2xx} | ${r.attack.served} / ${r.attack.refused} |`,
    ),
    "",
    "Target: the others' p99 moves less than 2x under the attack.",
    "",
  ];
  return lines.join("\n");
}

/** Replaces the Fairness section of RESULTS.md (up to the next "## " heading), or appends it. */
function writeSection(section: string) {
  const file = new URL("./RESULTS.md", import.meta.url);
  const current = readFileSync(file, "utf8");
  const start = current.indexOf("\n## Fairness\n");
  if (start < 0) return writeFileSync(file, `${current.trimEnd()}\n\n${section}`);
  const next = current.indexOf("\n## ", start + 1);
  writeFileSync(file, `${current.slice(0, start + 1)}${section}${next < 0 ? "" : `\n${current.slice(next + 1)}`}`);
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    console.error(`\nfairness benchmark failed: ${error.message}`);
    process.exit(1);
  },
);
