// A PostgreSQL cluster of the test's own (initdb + pg_ctl in a temporary directory, on a port the
// OS just handed out), so a test can stop the database without touching the shared server.
import { execFile } from "node:child_process";
import { mkdtemp, rm, chown } from "node:fs/promises";
import { readdirSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const BIN = (() => {
  const root = "/usr/lib/postgresql";
  const version = readdirSync(root).sort((a, b) => Number(b) - Number(a))[0];
  return path.join(root, version!, "bin");
})();

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export interface PrivatePostgres {
  url: string;
  stop(): Promise<void>;
  /** Starts it again after stop(), on the same port and data. */
  start(): Promise<void>;
  destroy(): Promise<void>;
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "carerecord-pg-"));
  // initdb refuses to run as root: the cluster belongs to the postgres system user when we are root.
  const asPostgres = process.getuid?.() === 0;
  if (asPostgres) {
    const { stdout } = await run("id", ["-u", "postgres"]);
    const { stdout: gid } = await run("id", ["-g", "postgres"]);
    await chown(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const pg = (tool: string, args: string[]) =>
    asPostgres ? run("runuser", ["-u", "postgres", "--", path.join(BIN, tool), ...args]) : run(path.join(BIN, tool), args);
  const data = path.join(dir, "data");
  await pg("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]);
  let port = 0;
  const startOn = (p: number) =>
    pg("pg_ctl", ["-D", data, "-l", path.join(dir, "log"), "-w", "-t", "30", "-o", `-p ${p} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, "start"]);
  for (let attempt = 0; ; attempt++) {
    port = await freePort();
    try {
      await startOn(port);
      break;
    } catch (error) {
      if (attempt >= 4) throw error; // someone took the port between our probe and the start: try another
    }
  }
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await pg("pg_ctl", ["-D", data, "-m", "immediate", "stop"]).catch(() => undefined);
  };
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/carerecord_private`,
    stop,
    start: async () => {
      // "immediate" stops like a crash: this start runs PostgreSQL's crash recovery.
      await startOn(port);
      stopped = false;
    },
    destroy: async () => {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
