// Talking to a target: single requests that prove it answers correctly, and autocannon runs that
// measure it while its processes are sampled.
import autocannon, { type RequestData } from "autocannon";
import { sampleProcesses, sampleServices, waitUntilIdle, type ProcessUsage } from "./processes.js";
import type { Scenario } from "./scenarios.js";

export interface Answer {
  status: number;
  text: string;
  data: unknown;
  errors: unknown[] | undefined;
}

const headersFor = (scenario: Scenario, token = scenario.tokens[0]!) => ({
  "content-type": "application/json",
  authorization: `Bearer ${token}`,
  // Read only by the bare server; sent to every target so all get the same request.
  "x-bench-scenario": scenario.operationName,
});

/** One request as the scenario's first user, or as the user of `token`. */
export async function send(url: string, scenario: Scenario, token?: string): Promise<Answer> {
  const res = await fetch(url, { method: "POST", headers: headersFor(scenario, token), body: scenario.body });
  const text = await res.text();
  try {
    const json = JSON.parse(text) as { data?: unknown; errors?: unknown[] };
    return { status: res.status, text, data: json.data, errors: json.errors };
  } catch {
    return { status: res.status, text, data: undefined, errors: [{ message: `not JSON: ${text.slice(0, 200)}` }] };
  }
}

/** Why an answer is wrong (HTTP status, GraphQL errors, missing data), or null. */
export function problemWith(answer: Answer, scenario: Scenario): string | null {
  if (answer.status !== 200) return `HTTP ${answer.status}: ${answer.text.slice(0, 300)}`;
  if (answer.errors?.length) return `errors: ${JSON.stringify(answer.errors).slice(0, 500)}`;
  return scenario.expect(answer.data);
}

/** Where two JSON values first differ ("data.careHome.residents.edges[3]..."), or null when equal. */
export function firstDifference(a: unknown, b: unknown, path = "data"): string | null {
  if (a === b) return null;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null || Array.isArray(a) !== Array.isArray(b))
    return `${path}: ${JSON.stringify(a)?.slice(0, 120)} vs ${JSON.stringify(b)?.slice(0, 120)}`;
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return `${path}: ${a.length} items vs ${b.length}`;
    for (let i = 0; i < a.length; i++) {
      const d = firstDifference(a[i], b[i], `${path}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  for (const key of new Set([...Object.keys(ra), ...Object.keys(rb)])) {
    const d = firstDifference(ra[key], rb[key], `${path}.${key}`);
    if (d) return d;
  }
  return null;
}

/** Where a body differs from the expected data, with its errors' codes and paths (never their messages' data). */
function describeDifference(body: string, expectedData: unknown): string {
  try {
    const json = JSON.parse(body) as { data?: unknown; errors?: { path?: unknown[]; extensions?: { code?: string } }[] };
    const errors = (json.errors ?? []).map((e) => `${e.extensions?.code ?? "?"} at ${(e.path ?? []).join(".")}`).join(", ");
    return `${firstDifference(json.data, expectedData) ?? "same data, different text"}${errors ? `; errors: ${errors}` : ""}`;
  } catch {
    return `not JSON (${body.length} bytes)`;
  }
}

export interface Measurement {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  requests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** SQL statements the data processes sent per request (Prisma's count); null when none reports it. */
  statementsPerRequest: number | null;
  /** Responses whose body differed from the checked answer; null when bodies vary by design. */
  mismatches: number | null;
  /** Where the first few differing bodies differed from the checked answer (for the log). */
  mismatchSamples: string[];
  usage: ProcessUsage[];
  /** The request sent after the run: still a correct answer, equal to the reference? */
  afterwards: string;
}

export interface MeasureOptions {
  url: string;
  connections: number;
  duration: number;
  warmupSeconds: number;
  /** Exact body to expect from every response (the target's own checked answer), when stable. */
  expectBody?: string;
  processes: { name: string; pid: number; statements(): Promise<number | null> }[];
  /** Checks the answer sent after the run; returns a problem or null. */
  verifyAfter: (answer: Answer) => string | null;
}

/** Statements sent by every process that reports them, or null when none does. */
async function statementCount(processes: MeasureOptions["processes"]): Promise<number | null> {
  const counts = (await Promise.all(processes.map((p) => p.statements()))).filter((n): n is number => n !== null);
  return counts.length ? counts.reduce((a, b) => a + b, 0) : null;
}

export async function measure(scenario: Scenario, opts: MeasureOptions): Promise<Measurement> {
  // Every request as the next user in turn (see mintTokens: no identical concurrent requests).
  let turn = 0;
  const nextUser = (request: RequestData): RequestData => ({
    ...request,
    headers: { ...request.headers, authorization: `Bearer ${scenario.tokens[turn++ % scenario.tokens.length]}` },
  });
  const base = {
    url: opts.url,
    method: "POST" as const,
    headers: headersFor(scenario),
    body: scenario.body,
    connections: opts.connections,
    requests: [{ setupRequest: nextUser }],
  };
  await autocannon({ ...base, duration: opts.warmupSeconds });
  await waitUntilIdle(opts.processes);
  const statementsBefore = await statementCount(opts.processes);
  // The benchmark's own process is sampled too: on a small machine the load generator competes
  // with the servers for the same cores.
  const sampler = sampleProcesses([...opts.processes, { name: "load generator", pid: process.pid }]);
  const services = sampleServices([
    { name: "postgresql", comm: "postgres" },
    { name: "redis", comm: "redis-server" },
  ]);
  const expected = opts.expectBody;
  const expectedData = expected === undefined ? undefined : (JSON.parse(expected) as { data?: unknown }).data;
  const mismatchSamples: string[] = [];
  // A differing body is kept (the first three) as where it differs, so a run says why, not only how many.
  const verifyBody = (body: string) => {
    if (body === expected) return true;
    if (mismatchSamples.length < 3) mismatchSamples.push(describeDifference(body, expectedData));
    return false;
  };
  const result = await autocannon({ ...base, duration: opts.duration, ...(expected ? { verifyBody } : {}) });
  const usage = [...sampler.stop(), ...services.stop()];
  // Idle again: the requests still in flight when autocannon stopped (counted in `sent`) are done.
  await waitUntilIdle(opts.processes);
  const statementsAfter = await statementCount(opts.processes);
  const after = await send(opts.url, scenario).catch((e: Error) => ({ status: 0, text: e.message, data: undefined, errors: [e.message] }));
  return {
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statementsPerRequest:
      statementsBefore === null || statementsAfter === null || result.requests.sent === 0 ? null : (statementsAfter - statementsBefore) / result.requests.sent,
    mismatches: opts.expectBody ? result.mismatches : null,
    mismatchSamples,
    usage,
    afterwards: problemWith(after, scenario) ?? opts.verifyAfter(after) ?? "ok",
  };
}
