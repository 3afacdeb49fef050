// `npm start` as a real child process (tsx scripts/start.ts) on ephemeral ports, for tests that
// send it signals or start two of them. Resolves once it has printed its gateway URL.
import { spawn, type ChildProcess } from "node:child_process";

export interface ProductProcess {
  proc: ChildProcess;
  gatewayUrl: string;
  /** Exit code (null when killed by a signal) once the process has exited. */
  exited: Promise<number | null>;
  output(): string;
}

/**
 * Starts the product with the test environment plus `overrides`; an override of `undefined`
 * removes the variable (e.g. NODE_ENV, DATABASE_URL for the embedded database). GATEWAY_PORT,
 * SUBGRAPH_BASE_PORT and INGEST_PORT are 0 unless overridden: the OS picks free ports and the URL is read back.
 */
const running = new Set<ChildProcess>();

/** Kills every product process a test started that is still running (for afterAll, after a timeout). */
export function killProducts(): void {
  for (const proc of running) proc.kill("SIGKILL");
}

export function spawnProduct(overrides: Record<string, string | undefined>): { proc: ChildProcess; exited: Promise<number | null>; output(): string } {
  const env: Record<string, string | undefined> = {
    ...process.env,
    GATEWAY_PORT: "0",
    SUBGRAPH_BASE_PORT: "0",
    INGEST_PORT: "0",
    LOG_LEVEL: "error",
    ...overrides,
  };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  const proc = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], { env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  proc.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  proc.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  running.add(proc);
  const exited = new Promise<number | null>((resolve) => proc.once("exit", (code) => (running.delete(proc), resolve(code))));
  return { proc, exited, output: () => out };
}

export async function startProduct(overrides: Record<string, string | undefined>, readyWithinMs = 240_000): Promise<ProductProcess> {
  const started = spawnProduct(overrides);
  const gatewayUrl = await new Promise<string>((resolve, reject) => {
    const check = () => {
      const match = /Care record gateway: (http:\/\/\S+\/graphql)/.exec(started.output());
      if (match) {
        started.proc.stdout!.off("data", check);
        resolve(match[1]!);
      }
    };
    started.proc.stdout!.on("data", check);
    started.exited.then((code) => reject(new Error(`product exited (${code}) before it was ready: ${started.output().slice(0, 500)}`)));
    // Not a timing assertion: a bound that turns a hang into a failure that shows the output.
    const timer = setTimeout(() => reject(new Error(`product not ready after ${readyWithinMs} ms: ${started.output().slice(-1500)}`)), readyWithinMs);
    void started.exited.finally(() => clearTimeout(timer));
    started.proc.stdout!.on("data", () => /Care record gateway: /.test(started.output()) && clearTimeout(timer));
  });
  return { ...started, gatewayUrl };
}
