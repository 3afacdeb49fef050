// Server processes for the federation benchmark: each target runs as a child process (tsx) in its
// own process group, so it can be measured on its own (/proc) and always be killed as a whole,
// whatever happens to the benchmark.
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";

const ROOT = new URL("../../", import.meta.url);
const TSX = new URL("node_modules/.bin/tsx", ROOT).pathname;
const READY_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 15_000;

export interface ProcessSpec {
  /** Short label used in the results ("subgraphs", "gateway", ...). */
  name: string;
  /** Entry file relative to the project root. */
  file: string;
  env: NodeJS.ProcessEnv;
  /** The server reports its SQL statement count on SIGUSR2 (bench/servers/stats.ts). */
  stats?: boolean;
  /** CPUs to run on (taskset -c), as a deployment gives a process its own cores; unset: any. */
  cpus?: string;
  /** The line that says the server is ready; READY when unset (`npm start` prints its gateway URL instead). */
  ready?: RegExp;
}

/**
 * BENCH_CPU_PROF=<dir>: every server writes V8 CPU profiles there when it stops (<dir>/<name>-<time>/,
 * one file per thread; bench/PROFILE.md reads them with `npm run -s bench:profile-summary`).
 * Node 20 refuses --cpu-prof in NODE_OPTIONS, so the server is then started by node itself with
 * tsx as an import hook, not through the tsx launcher.
 */
const CPU_PROFILE_DIR = process.env.BENCH_CPU_PROF;

/** The command that runs a tsx entry file, on the given CPUs when asked. */
const tsxCommand = (file: string, cpus?: string): [string, string[]] => (cpus ? ["taskset", ["-c", cpus, TSX, file]] : [TSX, [file]]);

/** A server's command: through tsx, or profiled (node with tsx as an import hook). */
const serverCommand = (spec: ProcessSpec): [string, string[]] => {
  if (!CPU_PROFILE_DIR) return tsxCommand(spec.file, spec.cpus);
  // A directory per server: node names each thread's profile itself (a fixed name would let tsx's
  // loader thread overwrite the main thread's profile).
  const run = [process.execPath, "--cpu-prof", `--cpu-prof-dir=${path.join(CPU_PROFILE_DIR, `${spec.name}-${Date.now()}`)}`, "--import", "tsx", spec.file];
  return spec.cpus ? ["taskset", ["-c", spec.cpus, ...run]] : [run[0]!, run.slice(1)];
};

export interface ServerProcess {
  name: string;
  /** The server's own node process: tsx runs the file in a child of its launcher. */
  pid: number;
  /** SQL statements sent so far; null when the server does not report them. */
  statements(): Promise<number | null>;
  /** Resolves when the server process exits (for whatever reason), with its last lines of output. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>;
  stop(): Promise<void>;
}

/** Every process group still alive; killed on any exit of the benchmark. */
const groups = new Set<ChildProcess>();

export function killAllNow(): void {
  for (const child of groups) {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      /* already gone */
    }
  }
  groups.clear();
}

/** Installs the handlers that guarantee no server outlives the benchmark (exit, ctrl-c, crash). */
export function killChildrenOnExit(cleanup: () => void = () => undefined): void {
  process.on("exit", () => {
    killAllNow();
    cleanup();
  });
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const)
    process.on(signal, () => {
      console.error(`\n${signal}: stopping servers`);
      process.exit(130);
    });
  process.on("uncaughtException", (error) => {
    console.error(error);
    process.exit(1);
  });
}

/** Keeps the last lines of a stream, for error messages. */
function tail(stream: NodeJS.ReadableStream, lines: string[], onLine?: (line: string) => void): void {
  let partial = "";
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    const parts = (partial + chunk).split("\n");
    partial = parts.pop() ?? "";
    for (const line of parts) {
      lines.push(line);
      if (lines.length > 40) lines.shift();
      onLine?.(line);
    }
  });
}

/** The launcher's child (the node process tsx starts), or the launcher itself. */
export function serverPidOf(launcher: number): number {
  try {
    const [child] = readFileSync(`/proc/${launcher}/task/${launcher}/children`, "utf8").trim().split(/\s+/).filter(Boolean);
    if (child) return Number(child);
  } catch {
    /* kernels without CONFIG_PROC_CHILDREN: scan below */
  }
  for (const entry of readdirSync("/proc").filter((e) => /^\d+$/.test(e))) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      if (Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]) === launcher) return Number(entry);
    } catch {
      /* exited meanwhile */
    }
  }
  return launcher;
}

/** Starts one server and resolves once it printed READY (60 s at most). */
export function startServer(spec: ProcessSpec): Promise<ServerProcess> {
  const child = spawn(...serverCommand(spec), { cwd: ROOT, env: spec.env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  groups.add(child);
  const out: string[] = [];
  const err: string[] = [];
  const statsWaiters: ((n: number) => void)[] = [];
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  void exited.then(() => groups.delete(child));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-child.pid!, "SIGTERM");
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        /* gone */
      }
    }, STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
  };
  const describe = (why: string) =>
    new Error(`${spec.name} (${spec.file}) ${why}\n--- stderr (last lines) ---\n${err.join("\n")}\n--- stdout (last lines) ---\n${out.join("\n")}`);
  return new Promise<ServerProcess>((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(describe(`printed no READY within ${READY_TIMEOUT_MS / 1000} s`));
    }, READY_TIMEOUT_MS);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(describe(`exited before READY (code ${code}, signal ${signal})`));
    });
    tail(child.stderr!, err);
    tail(child.stdout!, out, (line) => {
      if (line.startsWith("STATS ")) for (const w of statsWaiters.splice(0)) w((JSON.parse(line.slice(6)) as { statements: number }).statements);
      if (spec.ready ? !spec.ready.test(line) : line.trim() !== "READY") return;
      clearTimeout(timer);
      // Profiled servers are node itself (its children are tsx's esbuild service, not the server).
      const pid = CPU_PROFILE_DIR ? child.pid! : serverPidOf(child.pid!);
      // Only servers that handle SIGUSR2 get it: its default action ends the process.
      const statements = (): Promise<number | null> =>
        !spec.stats
          ? Promise.resolve(null)
          : new Promise((done) => {
              const timeout = setTimeout(() => done(null), 2000);
              statsWaiters.push((n) => {
                clearTimeout(timeout);
                done(n);
              });
              process.kill(pid, "SIGUSR2");
            });
      const gone = new Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>((done) =>
        child.once("exit", (code, signal) => done({ code, signal, output: `--- stderr ---\n${err.join("\n")}\n--- stdout ---\n${out.join("\n")}` })),
      );
      resolve({ name: spec.name, pid, statements, exited: gone, stop });
    });
  });
}

/** Runs a one-shot script (tsx) to its end (on `cpus` when given) and resolves with its last line of output. */
export function runToEnd(file: string, env: NodeJS.ProcessEnv, cpus?: string): Promise<string> {
  // One-shot scripts (seeding) are not profiled: only servers.
  const child = spawn(...tsxCommand(file, cpus), {
    cwd: ROOT,
    env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  groups.add(child);
  const out: string[] = [];
  const err: string[] = [];
  tail(child.stdout!, out);
  tail(child.stderr!, err);
  return new Promise((resolve, reject) =>
    child.once("exit", (code) => {
      groups.delete(child);
      if (code === 0 && out.length) resolve(out[out.length - 1]!);
      else reject(new Error(`${file} exited with code ${code}\n${err.join("\n")}`));
    }),
  );
}

/** True when something accepts connections on the port (a leftover server would skew the results). */
export function portInUse(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

const CLK_TCK = (() => {
  try {
    return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  } catch {
    return 100;
  }
})();

function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after "(comm) ": state is field 3, utime field 14, stime field 15.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(fields[11]) + Number(fields[12]);
}

/** Ticks so far, or 0 for a process that has exited (reported elsewhere). */
function ticksOrZero(pid: number): number {
  try {
    return cpuTicks(pid);
  } catch {
    return 0;
  }
}

function rssKiB(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return match ? Number(match[1]) : 0;
}

/**
 * Waits until the processes are idle (under 10 % CPU together over 500 ms), 30 s at most. When
 * autocannon stops it drops its connections, but the servers still work through the requests that
 * were in flight; that work must not be counted in the next measured window.
 */
export async function waitUntilIdle(processes: { pid: number }[], maxMs = 30_000): Promise<void> {
  const total = () => processes.reduce((sum, p) => sum + ticksOrZero(p.pid), 0);
  const deadline = Date.now() + maxMs;
  let before = total();
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 500));
    const now = total();
    if (((now - before) / CLK_TCK / 0.5) * 100 < 10) return;
    before = now;
  }
}

export interface ProcessUsage {
  name: string;
  /** CPU time over wall time; 100 = one core busy the whole time. */
  cpuPercent: number;
  /** CPU seconds used in the window: divided by the requests answered, the cost of one request. */
  cpuSeconds: number;
  /** null for a group of processes (the database's and Redis's servers). */
  peakRssMiB: number | null;
}

const usage = (name: string, ticks: number, seconds: number, peakRssMiB: number | null): ProcessUsage => ({
  name,
  cpuPercent: (ticks / CLK_TCK / seconds) * 100,
  cpuSeconds: ticks / CLK_TCK,
  peakRssMiB,
});

/** Pids of the machine's processes with this command name (PostgreSQL's backends, Redis). */
function pidsNamed(comm: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, "utf8").trim() === comm) pids.push(Number(entry));
    } catch {
      /* exited meanwhile */
    }
  }
  return pids;
}

/**
 * CPU of the shared services the stack uses (PostgreSQL: the audit's inserts; Redis: rate limits
 * and the cache), which take the same two cores as the servers under test. Every process of that
 * name counts (a backend started during the window counts in full); nothing else may run meanwhile.
 */
export function sampleServices(services: { name: string; comm: string }[]): { stop(): ProcessUsage[] } {
  const started = performance.now();
  const before = services.map((s) => new Map(pidsNamed(s.comm).map((pid) => [pid, ticksOrZero(pid)])));
  return {
    stop() {
      const seconds = (performance.now() - started) / 1000;
      return services.map((s, i) => {
        const used = pidsNamed(s.comm).reduce((sum, pid) => sum + Math.max(0, ticksOrZero(pid) - (before[i]!.get(pid) ?? 0)), 0);
        return usage(s.name, used, seconds, null);
      });
    },
  };
}

/** Samples CPU ticks and RSS (every 200 ms) of some processes over one measurement window. */
export function sampleProcesses(processes: { name: string; pid: number }[]): { stop(): ProcessUsage[] } {
  const started = performance.now();
  const ticks = processes.map((p) => cpuTicks(p.pid));
  const peaks = processes.map((p) => rssKiB(p.pid));
  const timer = setInterval(() => {
    processes.forEach((p, i) => {
      try {
        peaks[i] = Math.max(peaks[i]!, rssKiB(p.pid));
      } catch {
        /* exited: reported by the post-run check */
      }
    });
  }, 200);
  return {
    stop() {
      clearInterval(timer);
      const seconds = (performance.now() - started) / 1000;
      return processes.map((p, i) => {
        return usage(p.name, Math.max(0, ticksOrZero(p.pid) - ticks[i]!), seconds, peaks[i]! / 1024);
      });
    },
  };
}
