// What one gateway -> subgraph call costs the calling process, by HTTP client (issue 12, item 3):
// the runtime's default fetch (@whatwg-node/fetch's ponyfill over node:http) against undici's
// Pool.request, which gateway/subgraph-fetch.ts uses. A child process answers every POST with the
// same 1 KB GraphQL answer; this process sends the same call 50 at a time, each with its own abort
// signal as the gateway's are, and reports its own CPU time per call, in alternating rounds.
//   npm run bench:subgraph-calls -- [--calls 20000] [--rounds 2]
// Prints a markdown table; bench/PROFILE.md quotes it.
import { spawn } from "node:child_process";
import { parseArgs } from "node:util";
import { fetch as ponyfillFetch } from "@whatwg-node/fetch";
import { Pool } from "undici";

const { values } = parseArgs({ options: { calls: { type: "string", default: "20000" }, rounds: { type: "string", default: "2" } } });
const calls = Number(values.calls);
const rounds = Number(values.rounds);
if (!Number.isInteger(calls) || calls < 1000 || !Number.isInteger(rounds) || rounds < 1) {
  console.error("usage: npm run bench:subgraph-calls -- [--calls N (>= 1000)] [--rounds N]");
  process.exit(2);
}
const CONCURRENCY = 50;

// The subgraph stand-in: its own process, so its CPU is not counted here.
const SERVER = `
const http = require("node:http");
const items = Array.from({ length: 8 }, (_, j) => ({ id: "med-" + j, dosageText: "Take one tablet twice a day with food", status: "ACTIVE" }));
const body = JSON.stringify({ data: { _entities: [{ __typename: "Resident", medications: { status: "PRESENT", items } }] } });
const server = http.createServer((req, res) => {
  req.resume();
  req.on("end", () => res.writeHead(200, { "content-type": "application/graphql-response+json; charset=utf-8", "content-length": Buffer.byteLength(body) }).end(body));
});
server.keepAliveTimeout = 65000;
server.listen(0, "127.0.0.1", () => console.log(server.address().port));`;

const server = spawn(process.execPath, ["-e", SERVER], { stdio: ["ignore", "pipe", "inherit"] });
process.on("exit", () => server.kill("SIGKILL"));
const port = await new Promise<number>((resolve) => server.stdout!.once("data", (d: Buffer) => resolve(Number(d.toString().trim()))));
const origin = `http://127.0.0.1:${port}`;

const body = JSON.stringify({
  query: "query($representations:[_Any!]!){_entities(representations:$representations){... on Resident{medications{status items{id dosageText status}}}}}",
  variables: { representations: [{ __typename: "Resident", nhsNumber: "9990000018" }] },
});
const headers = { "content-type": "application/json", accept: "application/graphql-response+json, application/json", "x-carerecord-gateway": "x".repeat(400) };

const pool = new Pool(origin, { keepAliveTimeout: 30_000, pipelining: 1 });
const clients: Record<string, () => Promise<unknown>> = {
  ponyfill: async () => {
    const res = await ponyfillFetch(`${origin}/graphql`, { method: "POST", headers, body, signal: new AbortController().signal });
    return JSON.parse(await res.text());
  },
  undici: async () => {
    const res = await pool.request({ path: "/graphql", method: "POST", headers, body, signal: new AbortController().signal });
    return JSON.parse(await res.body.text());
  },
};

async function measure(call: () => Promise<unknown>): Promise<number> {
  let sent = 0;
  const run = async () => {
    while (sent < calls) {
      sent++;
      await call();
    }
  };
  const before = process.cpuUsage();
  await Promise.all(Array.from({ length: CONCURRENCY }, run));
  const used = process.cpuUsage(before);
  return (used.user + used.system) / calls;
}

const results: Record<string, number[]> = { ponyfill: [], undici: [] };
for (const call of Object.values(clients)) await measure(call); // warm-up: JIT, connections
for (let r = 0; r < rounds; r++) for (const [name, call] of Object.entries(clients)) results[name]!.push(await measure(call));

console.log(`| client | CPU µs per call (${calls.toLocaleString("en-GB")} calls, ${CONCURRENCY} at once, each round) |\n|---|---|`);
for (const [name, us] of Object.entries(results)) console.log(`| ${name} | ${us.map((u) => u.toFixed(1)).join(" · ")} |`);
await pool.close();
process.exit(0);
