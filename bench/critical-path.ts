// The critical path of one request on an idle warm stack (issue 12, item 3): every screen sent
// one request at a time, with the gateway's own per-subgraph latency histogram read before and
// after, so the report can say how much of a request's time is the first hop (the residents
// subgraph, which answers the resident and its access grant) that every section call waits for
// (`@requires(accessGrant)`), and how much the section calls and the gateway's own work take.
//   npm run bench:critical-path -- [--requests 200]
// Uses the federation benchmark's database and Redis (BENCH_DATABASE_URL, BENCH_REDIS_URL), seeded by `npm run bench` first.
import { parseArgs } from "node:util";
import { parseEnv } from "../platform/config/env.js";
import { openDatabase } from "../app/database.js";
import { createCacheHub } from "../platform/cache/hub.js";
import { killChildrenOnExit, startServer, type ServerProcess } from "./federation/processes.js";
import { buildScenarios, mintTokens, pickSubjects } from "./federation/scenarios.js";
import { problemWith, send } from "./federation/load.js";
import { GATEWAY_PORT, processesFor } from "./federation/targets.js";

const { values } = parseArgs({ options: { requests: { type: "string", default: "200" } } });
const requests = Number(values.requests);
if (!Number.isInteger(requests) || requests < 10 || requests > 100_000) {
  console.error("usage: npm run bench:critical-path -- [--requests N (10..100000)]");
  process.exit(2);
}
const databaseUrl = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/carerecord_bench";
const redisUrl = process.env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379/5";
const config = parseEnv({ ...process.env, DATABASE_URL: databaseUrl, REDIS_URL: redisUrl, CACHE: "on" });
const url = `http://127.0.0.1:${GATEWAY_PORT}/graphql`;
killChildrenOnExit();

/** Sum and count of the gateway's subgraph latency histogram, per subgraph. */
async function subgraphTimes(): Promise<Map<string, { sum: number; count: number }>> {
  const res = await fetch(`http://127.0.0.1:${GATEWAY_PORT}/metrics`, { headers: { authorization: `Bearer ${config.METRICS_TOKEN}` } });
  const text = await res.text();
  const out = new Map<string, { sum: number; count: number }>();
  for (const m of text.matchAll(/^carerecord_subgraph_request_duration_seconds_(sum|count)\{subgraph="([^"]+)"\} (\S+)$/gm)) {
    const entry = out.get(m[2]!) ?? { sum: 0, count: 0 };
    entry[m[1] as "sum" | "count"] = Number(m[3]);
    out.set(m[2]!, entry);
  }
  return out;
}

async function main() {
  const db = await openDatabase(config);
  const subjects = await pickSubjects(db.sql).finally(() => db.close());
  const caches = createCacheHub(config);
  await caches.purgeAll().finally(() => caches.close());
  const scenarios = buildScenarios(subjects, await mintTokens(subjects, config, 200));
  const servers: ServerProcess[] = [];
  try {
    for (const spec of processesFor("federated-warm", { databaseUrl, redisUrl, bareResponses: "" })) servers.push(await startServer(spec));
    console.log(`| screen | client ms per request (mean) | subgraph calls per request | mean ms of each subgraph's calls (calls per request) |`);
    console.log(`|---|---:|---:|---|`);
    for (const scenario of scenarios) {
      // Each request as the next user (one user's requests would meet the per-user rate limit), and
      // every answer checked: a refused request costs no subgraph call and would flatter the figures.
      let turn = 0;
      const ask = async () => {
        const answer = await send(url, scenario, scenario.tokens[turn++ % scenario.tokens.length]);
        const problem = problemWith(answer, scenario);
        if (problem) throw new Error(`${scenario.name}: ${problem}`);
      };
      for (let i = 0; i < 50; i++) await ask(); // warms the cache and the plans
      const before = await subgraphTimes();
      const started = performance.now();
      for (let i = 0; i < requests; i++) await ask();
      const clientMs = (performance.now() - started) / requests;
      const after = await subgraphTimes();
      const rows = [...after]
        .map(([name, a]) => {
          const b = before.get(name) ?? { sum: 0, count: 0 };
          const calls = a.count - b.count;
          return { name, calls, ms: calls ? ((a.sum - b.sum) * 1000) / calls : 0 };
        })
        .filter((r) => r.calls > 0);
      const calls = rows.reduce((n, r) => n + r.calls, 0) / requests;
      const each = rows.map((r) => `${r.name} ${r.ms.toFixed(2)} (${(r.calls / requests).toFixed(1)})`).join(" · ");
      console.log(`| ${scenario.name} | ${clientMs.toFixed(2)} | ${calls.toFixed(1)} | ${each} |`);
    }
  } finally {
    for (const server of servers.reverse()) await server.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    console.error(`critical path measurement failed: ${error.message}`);
    process.exit(1);
  },
);
