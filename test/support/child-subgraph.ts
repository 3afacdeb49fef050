// One subgraph in its own process (scripts/subgraph.ts on an OS-assigned port), so a test can
// freeze it (SIGSTOP) or kill it (SIGKILL) under a running gateway, as an operating system would.
import { type SubgraphName } from "../../subgraphs/registry.js";
import { spawn, type ChildProcess } from "node:child_process";

export interface ChildSubgraph {
  url: string;
  /** Sends a signal to the subgraph's own Node process (not to a wrapper). */
  signal(signal: NodeJS.Signals): void;
  close(): Promise<void>;
}

export async function startChildSubgraph(name: SubgraphName, extraEnv: Record<string, string> = {}): Promise<ChildSubgraph> {
  // `node --import tsx` rather than the tsx binary: the binary runs the script in a second
  // process, and a signal to the wrapper would not reach the server.
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "scripts/subgraph.ts", name], {
    env: { ...process.env, ...extraEnv, PORT: "0", LOG_LEVEL: "info" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = /"msg":"subgraph listening"/.test(out) && out.match(/"url":"([^"]+)"/);
      if (match) resolve(match[1]!);
    });
    child.stderr!.resume();
    void exited.then(() => reject(new Error(`${name} subgraph exited before listening`)));
  });
  return {
    url,
    signal: (signal) => void child.kill(signal),
    close: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGCONT");
        child.kill("SIGKILL");
        await exited;
      }
    },
  };
}
