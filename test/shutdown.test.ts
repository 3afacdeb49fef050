// Ctrl-C and SIGTERM on `npm start` end the process cleanly every time, with the default NODE_ENV
// (Apollo Server and the gateway runtime install signal handlers of their own outside NODE_ENV=test,
// which once raced the app's shutdown and left the process hanging). A stuck shutdown either never
// exits (the test times out) or is cut by start.ts's 5 s watchdog with exit code 1.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { killProducts, startProduct } from "./support/product-process.js";

// The embedded database in a folder of its own, no Redis, NODE_ENV unset: what `npm start` runs.
const dataDir = mkdtempSync(path.join(tmpdir(), "carerecord-shutdown-"));
const demo = { NODE_ENV: undefined, DATABASE_URL: undefined, REDIS_URL: undefined, DATA_DIR: dataDir, SEED_RESIDENTS: "5" };
afterAll(() => {
  killProducts();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("npm start shuts down on a signal", () => {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    it(`exits with code 0 on ${signal}, 3 times out of 3`, async () => {
      for (let run = 0; run < 3; run++) {
        const product = await startProduct(demo);
        // It serves before it is stopped (so the shutdown has a live gateway to close).
        const res = await fetch(product.gatewayUrl.replace(/\/graphql$/, "/healthcheck"));
        expect(res.status).toBe(200);
        product.proc.kill(signal);
        expect(await product.exited).toBe(0);
      }
    }, 400_000); // three starts of the embedded database; slow on a busy machine
  }

  it("exits when signalled the moment it reports ready, 3 times out of 3", async () => {
    // No request first: the signal follows the ready banner as closely as a supervisor can send it.
    for (let run = 0; run < 3; run++) {
      const product = await startProduct(demo);
      product.proc.kill("SIGTERM");
      expect(await product.exited).toBe(0);
    }
  }, 400_000);

  it("does not lose a signal that arrives while the handlers are swapped", async () => {
    // Removing a library's handler before adding ours left Node with no listener for an instant,
    // and a SIGTERM received but not yet dispatched was dropped: the process served on.
    const child = spawn(process.execPath, ["--import", "tsx", "test/support/signal-race.ts"], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    // Not a timing assertion: a bound that turns a lost signal (the child never exits) into a failure.
    const bound = setTimeout(() => child.kill("SIGKILL"), 30_000);
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    clearTimeout(bound);
    expect(out).toContain("closed");
    expect(code).toBe(0);
  }, 60_000);
});
