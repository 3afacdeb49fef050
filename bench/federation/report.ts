// bench/RESULTS.md: what was run, on what, the numbers, and each target as MET / NOT MET. The
// numbers are reported as measured; explanations belong in the Notes section, written by a person.
import type { Measurement } from "./load.js";
import type { Scenario, Subjects } from "./scenarios.js";
import { DESCRIPTIONS, REFERENCE, TARGETS, type TargetName } from "./targets.js";

type ScenarioName = Scenario["name"];
export const SCENARIO_NAMES: readonly ScenarioName[] = ["resident-view", "home-dashboard", "urgent-care-plan"];

export interface GrowthRow {
  residents: number;
  subjects: Subjects;
  /** The resident view's answer at this size, in bytes: each size has its own subject, whose record may be larger or smaller. */
  answerBytes: number | null;
  /** Every measured window of the resident view at this size (one per round); empty when not run. */
  warm: Measurement[];
  cacheOff: Measurement[];
}

/** The window with the median req/s (the upper one of an even count): the figure a row reports. */
export const medianWindow = (windows: readonly Measurement[]): Measurement =>
  [...windows].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond)[Math.floor(windows.length / 2)]!;
const medianOrNull = (windows: readonly Measurement[]) => (windows.length ? medianWindow(windows) : null);

export interface ReportInput {
  command: string;
  date: string;
  wallSeconds: number;
  quick: boolean;
  machine: { nproc: number; model: string; node: string; postgres: string; redis: string };
  residents: number;
  seeding: string;
  subjects: Subjects;
  duration: number;
  warmupSeconds: number;
  /** Interleaved rounds per configuration; each figure is the round with the median req/s. */
  rounds: number;
  connections: number;
  /** Distinct users per role the requests rotate through. */
  users: number;
  targets: TargetName[];
  results: Map<string, Measurement>;
  growth: GrowthRow[];
}

export const resultKey = (target: TargetName, scenario: ScenarioName) => `${target}/${scenario}`;

const n0 = (v: number) => Math.round(v).toLocaleString("en-GB");
const n1 = (v: number) => v.toFixed(1);
const x = (v: number) => `${v.toFixed(2)}x`;

/** A process's (or several processes') CPU milliseconds per answered request in a window with answers. */
const msPerRequest = (m: Measurement, cpuSeconds: number) => (cpuSeconds * 1000) / m.requests;

/** Each process's CPU milliseconds per answered request: steadier than req/s on a shared machine. */
export function cpuPerRequest(m: Measurement): string {
  if (m.requests === 0) return "—";
  return m.usage.map((u) => `${u.name} ${msPerRequest(m, u.cpuSeconds).toFixed(2)}`).join(" · ");
}

/** The stack's CPU milliseconds per answered request: every process but the load generator. */
function stackCpuPerRequest(m: Measurement): string {
  if (m.requests === 0) return "—";
  return n1(
    msPerRequest(
      m,
      m.usage.filter((u) => u.name !== "load generator").reduce((sum, u) => sum + u.cpuSeconds, 0),
    ),
  );
}

function row(target: TargetName, m: Measurement): string {
  const failures =
    [m.non2xx && `${m.non2xx} non-2xx`, m.errors && `${m.errors} errors`, m.timeouts && `${m.timeouts} timeouts`].filter(Boolean).join(", ") || "0";
  const answers = [
    m.afterwards === "ok" ? "ok" : `after run: ${m.afterwards}`,
    m.mismatches === null ? "bodies not compared" : `${m.mismatches} differing bodies`,
  ].join("; ");
  const cpu = m.usage.map((u) => `${u.name} ${n0(u.cpuPercent)}`).join(" · ");
  const rss = m.usage
    .filter((u) => u.name !== "load generator" && u.peakRssMiB !== null)
    .map((u) => `${u.name} ${n0(u.peakRssMiB!)}`)
    .join(" · ");
  // With no request completed inside the window, autocannon's percentiles are zeros, not latencies.
  const [p50, p99] = m.requests > 0 ? [String(m.p50), String(m.p99)] : ["—", "—"];
  const sql = m.statementsPerRequest === null ? "—" : n1(m.statementsPerRequest);
  return `| ${target} | ${n0(m.requestsPerSecond)} | ${p50} | ${p99} | ${n0(m.requests)} | ${sql} | ${failures} | ${answers} | ${cpu} | ${cpuPerRequest(m)} | ${rss} |`;
}

interface Value {
  what: string;
  /** null when it cannot be computed; `shown` then says why. */
  value: number | null;
  shown: string;
}

interface Check {
  label: string;
  target: string;
  values: Value[];
  /** Absent for comparisons without a target. */
  pass?: (v: number) => boolean;
  /** Why no verdict can be given at all, whatever the values. */
  notApplicable?: string;
}

function verdict(c: Check): string {
  if (!c.pass) return "—";
  if (c.notApplicable) return `n/a (${c.notApplicable})`;
  const measured = c.values.filter((v) => v.value !== null);
  if (measured.length === 0) return "n/a (not measured)";
  const ok = measured.every((v) => c.pass!(v.value!));
  return !ok ? "NOT MET" : measured.length === c.values.length ? "MET" : "MET (for what was measured)";
}

/** a's req/s over b's, or why there is no ratio. */
function ratio(a: Measurement | null | undefined, b: Measurement | null | undefined, what: string, fmt: (v: number) => string = x): Value {
  if (!a || !b) return { what, value: null, shown: "not run" };
  if (a.requests === 0 || b.requests === 0) return { what, value: null, shown: "no request completed in the window" };
  const v = a.requestsPerSecond / b.requestsPerSecond;
  return { what, value: v, shown: fmt(v) };
}

function checks(input: ReportInput): Check[] {
  const get = (t: TargetName, s: ScenarioName) => input.results.get(resultKey(t, s));
  const perScenario = (a: TargetName, b: TargetName, fmt?: (v: number) => string) => SCENARIO_NAMES.map((s) => ratio(get(a, s), get(b, s), s, fmt));
  const overhead = (v: number) => (1 - 1 / v) * 100;
  const growth = (pick: (g: GrowthRow) => Measurement[]) =>
    input.growth.map((g) => ratio(medianOrNull(pick(g)), input.growth[0] && medianOrNull(pick(input.growth[0])), n0(g.residents)));
  const oneSize = input.growth.length < 2 ? "one data size; run with --scale" : undefined;
  return [
    { label: "warm vs Apollo Gateway peer (req/s)", target: "≥ 10x", values: perScenario("federated-warm", "apollo-gateway-peer"), pass: (v) => v >= 10 },
    { label: "warm vs monolith (req/s)", target: "≥ 1x", values: perScenario("federated-warm", "monolith"), pass: (v) => v >= 1 },
    {
      label: "warm vs bare ceiling (req/s)",
      target: "≥ 5 % for resident-view",
      values: [ratio(get("federated-warm", "resident-view"), get("bare", "resident-view"), "resident-view", (v) => `${(v * 100).toFixed(2)} %`)],
      pass: (v) => v >= 0.05,
    },
    { label: "Redis down vs cache off (req/s)", target: "≥ 0.5x", values: perScenario("federated-redis-down", "federated-cache-off"), pass: (v) => v >= 0.5 },
    {
      label: "authorisation overhead: 1 − (shield on ÷ shield off), both cache warm",
      target: "< 15 %",
      values: perScenario("federated-shield-off", "federated-warm", (v) => `${n1(overhead(v))} %`).map((r) => ({
        ...r,
        value: r.value === null ? null : overhead(r.value),
      })),
      pass: (v) => v < 15,
    },
    {
      label: "p99 ÷ p50 of the warm screens",
      target: "≤ 2",
      values: SCENARIO_NAMES.map((scenario) => {
        const m = get("federated-warm", scenario);
        if (!m) return { what: scenario, value: null, shown: "not run" };
        if (!m.requests || !m.p50) return { what: scenario, value: null, shown: "no request completed" };
        return { what: scenario, value: m.p99 / m.p50, shown: `${n1(m.p99 / m.p50)} (${m.p50} / ${m.p99} ms)` };
      }),
      pass: (v) => v <= 2,
      notApplicable: input.connections === 50 ? undefined : `this run used ${input.connections} connections; the target is at 50`,
    },
    // Issue 12: no slower at 400,000 residents than at 1,000, on the median window of each size
    // (--repeat). Medians of identical runs still differ by about 10 % here, so "no slower" is read as
    // at most 10 % fewer req/s. Faster is not a failure.
    {
      label: "growth: warm resident-view vs smallest size",
      target: "no slower (≥ 0.9x: run-to-run noise)",
      values: growth((g) => g.warm),
      pass: (v) => v >= 0.9,
      notApplicable: oneSize,
    },
    {
      label: "growth: cache-off resident-view vs smallest size",
      target: "at most 20 % slower",
      values: growth((g) => g.cacheOff),
      pass: (v) => v >= 0.8,
      notApplicable: oneSize,
    },
  ];
}

export function renderReport(input: ReportInput): string {
  const { machine: m, subjects: s } = input;
  const out: string[] = [];
  out.push(`# Federation benchmark`, ``);
  out.push(`Generated by \`${input.command}\` on ${input.date} (whole run ${Math.round(input.wallSeconds)} s).`);
  if (input.quick) out.push(``, `**Quick smoke run** (${input.duration} s per measurement): the numbers show the harness works, not how fast anything is.`);
  out.push(
    ``,
    `- Machine: ${m.nproc} × ${m.model}, Node ${m.node}, PostgreSQL ${m.postgres}, Redis ${m.redis}.`,
    `- Data: ${n0(input.residents)} residents (${input.seeding}). Subjects: care home ${s.careHome} (${s.homeResidents} current residents), resident ${s.nhsNumber}, GP practice ${s.gpPracticeCode}.`,
    `- Load: autocannon in the benchmark's own process on the same machine, ${input.connections} connections, ${input.warmupSeconds} s warm-up then ${input.duration} s measured, per scenario and configuration; one configuration's processes run at a time, and each measurement starts once the servers are idle again.${input.rounds > 1 ? ` Every configuration was measured in ${input.rounds} interleaved rounds (all configurations once, then again); each row is the round with the median req/s.` : ""}`,
    `- Users: each request comes from the next of ${input.users} distinct users of the scenario's role (care home nurses of ${s.careHome}, or ambulance clinicians of RRU), as concurrent requests from different staff would arrive.`,
    `- Every configuration's answers were checked before measuring: no errors, the expected sections, and \`data\` equal to \`${REFERENCE}\`'s.`,
    ``,
    `Configurations:`,
    ``,
    ...TARGETS.filter((t) => input.targets.includes(t)).map((t) => `- \`${t}\`: ${DESCRIPTIONS[t]}`),
    ``,
  );
  for (const scenario of SCENARIO_NAMES) {
    out.push(`## ${scenario}`, ``);
    out.push(
      `| configuration | req/s | p50 ms | p99 ms | requests | SQL per request | non-2xx / errors / timeouts | answers | CPU % per process | CPU ms per request | peak RSS MiB per process |`,
    );
    out.push(`|---|---:|---:|---:|---:|---:|---|---|---|---|---|`);
    for (const t of TARGETS) {
      const r = input.results.get(resultKey(t, scenario));
      if (r) out.push(row(t, r));
    }
    out.push(``);
  }
  out.push(`## Targets`, ``, `| comparison | target | measured | result |`, `|---|---|---|---|`);
  for (const c of checks(input)) out.push(`| ${c.label} | ${c.target} | ${c.values.map((v) => `${v.what}: ${v.shown}`).join("; ")} | ${verdict(c)} |`);
  out.push(``, `## Growth (resident-view)`, ``);
  out.push(
    `Each size's figures are its median window of ${input.growth.reduce((n, g) => Math.max(n, g.warm.length, g.cacheOff.length), 0)}; "windows" lists every window's req/s; CPU ms per request adds up every process of the stack (gateway, subgraphs, PostgreSQL, Redis).`,
    ``,
    `| residents | subject | answer bytes | warm req/s | warm windows | warm p99 ms | warm CPU ms per request | warm SQL per request | warm vs smallest | cache-off req/s | cache-off windows | cache-off p99 ms | cache-off SQL per request | cache-off vs smallest |`,
    `|---:|---|---:|---:|---|---:|---:|---:|---:|---:|---|---:|---:|---:|`,
  );
  const base = input.growth[0];
  for (const g of input.growth) {
    const cells = (windows: Measurement[], baseWindows: Measurement[] | undefined, withCpu: boolean) => {
      const mm = medianOrNull(windows);
      const cpu = (m: Measurement | null) => (withCpu ? [m ? stackCpuPerRequest(m) : "—"] : []);
      if (!mm) return ["not run", "—", "—", ...cpu(null), "—", "—"];
      return [
        n0(mm.requestsPerSecond),
        windows.map((w) => n0(w.requestsPerSecond)).join(" · "),
        String(mm.p99),
        ...cpu(mm),
        mm.statementsPerRequest === null ? "—" : n1(mm.statementsPerRequest),
        ratio(mm, baseWindows && medianOrNull(baseWindows), "").shown,
      ];
    };
    out.push(
      `| ${n0(g.residents)} | ${g.subjects.careHome} / ${g.subjects.nhsNumber} | ${g.answerBytes === null ? "—" : n0(g.answerBytes)} | ${cells(g.warm, base?.warm, true).join(" | ")} | ${cells(g.cacheOff, base?.cacheOff, false).join(" | ")} |`,
    );
  }
  if (input.growth.length < 2) out.push(``, `One size only: run with \`--scale 1000,100000,400000\` for the growth comparison.`);
  out.push(
    ``,
    `## Notes`,
    ``,
    `How to read this: req/s is autocannon's mean over the measured seconds; p50/p99 are its latency percentiles in ms.`,
    `CPU % is each process's CPU time over the measured wall time (100 = one core busy throughout; this machine has ${m.nproc}),`,
    `read from /proc/<pid>/stat; "CPU ms per request" is each process's CPU time in the window over the requests answered in it (steadier than req/s when`,
    `the machine is shared: it counts work, not waiting); peak RSS is the largest VmRSS sampled every 200 ms during the measurement. "answers" says whether`,
    `the request sent after the run was still a correct answer equal to the reference, and how many responses during the run`,
    `differed from the answer checked before it. "SQL per request" is the number of statements the subgraphs (or the monolith)`,
    `sent through Prisma during the run, divided by the requests sent (the gateway's audit inserts are not included): the`,
    `monolith's figure is what answering a request from the database takes, so a lower figure means some requests were answered`,
    `without their own statements (a cache, or one subgraph call shared by concurrent requests). Ratios compare req/s of the same scenario.`,
    ``,
    `_Explanations of these numbers: to be written after a full run._`,
    ``,
  );
  return out.join("\n");
}
