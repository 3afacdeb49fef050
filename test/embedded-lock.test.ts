// Two `npm start` processes on one embedded data folder would corrupt it (PGlite is
// single-process): the second is refused with a message naming the first, and a lock left by a
// process that has gone does not lock the folder for ever.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { killProducts, spawnProduct, startProduct, type ProductProcess } from "./support/product-process.js";

const dataDir = mkdtempSync(path.join(tmpdir(), "carerecord-lock-"));
const demo = { NODE_ENV: undefined, DATABASE_URL: undefined, REDIS_URL: undefined, DATA_DIR: dataDir, SEED_RESIDENTS: "5" };
let first: ProductProcess | undefined;
afterAll(async () => {
  killProducts();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("embedded database lock", () => {
  it("refuses a second process on the same data folder while the first is serving", async () => {
    first = await startProduct(demo);
    const second = spawnProduct(demo);
    const code = await second.exited;
    expect(code).not.toBe(0);
    expect(code).not.toBeNull();
    expect(second.output()).toContain(`already in use by process ${first.proc.pid}`);
    expect(second.output()).not.toMatch(/\n\s+at /); // a message, not a stack trace
    // The first one is untouched and still serves.
    expect((await fetch(first.gatewayUrl.replace(/\/graphql$/, "/healthcheck"))).status).toBe(200);
    first.proc.kill("SIGTERM");
    expect(await first.exited).toBe(0);
    expect(existsSync(path.join(dataDir, "pglite.lock"))).toBe(false);
  }, 300_000); // two starts of the embedded database; slow on a busy machine

  it("takes over a lock whose process has gone", async () => {
    // A pid that certainly belonged to a process that has exited (a crash or kill -9 of
    // `npm start` leaves exactly this). Killing a real PGlite process with SIGKILL is not done
    // here: PGlite's own recovery from that is a separate, known upstream problem.
    const gone = spawn(process.execPath, ["-e", ""]);
    await new Promise((resolve) => gone.once("exit", resolve));
    writeFileSync(path.join(dataDir, "pglite.lock"), String(gone.pid));
    first = await startProduct(demo);
    expect(readFileSync(path.join(dataDir, "pglite.lock"), "utf8")).toBe(String(first.proc.pid));
    first.proc.kill("SIGTERM");
    expect(await first.exited).toBe(0);
  }, 300_000); // a start of the embedded database; slow on a busy machine
});
