// Two `npm start` processes on one embedded data folder would corrupt it (PGlite is
// single-process): the second is refused with a message naming the first, and a lock left by a
// killed process does not lock the folder for ever.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { spawnProduct, startProduct, type ProductProcess } from "./support/product-process.js";

const dataDir = mkdtempSync(path.join(tmpdir(), "carerecord-lock-"));
const demo = { NODE_ENV: undefined, DATABASE_URL: undefined, REDIS_URL: undefined, DATA_DIR: dataDir, SEED_RESIDENTS: "5" };
let first: ProductProcess | undefined;
let second: ReturnType<typeof spawnProduct> | undefined;
afterAll(async () => {
  first?.proc.kill("SIGKILL");
  second?.proc.kill("SIGKILL");
  rmSync(dataDir, { recursive: true, force: true });
});

describe("embedded database lock", () => {
  it("refuses a second process on the same data folder while the first is serving", async () => {
    first = await startProduct(demo);
    second = spawnProduct(demo);
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
  }, 120_000);

  it("takes over the lock of a process that was killed", async () => {
    const killed = await startProduct(demo);
    killed.proc.kill("SIGKILL");
    await killed.exited;
    expect(existsSync(path.join(dataDir, "pglite.lock"))).toBe(true);
    first = await startProduct(demo);
    first.proc.kill("SIGTERM");
    expect(await first.exited).toBe(0);
  }, 120_000);
});
