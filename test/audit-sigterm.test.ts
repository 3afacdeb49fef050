// Stopping the product with SIGTERM in the middle of load loses no access event: every view a
// client received is in the audit trail after the process has exited.
import { spawn, type ChildProcess } from "node:child_process";
import { post, tokenFor } from "./support/stack.js";
import { createScratchDatabase } from "./support/scratch-db.js";
import { seedDemoData } from "../app/seed.js";

let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
let child: ChildProcess | undefined;
beforeAll(async () => {
  scratch = await createScratchDatabase("sigterm");
  await seedDemoData(scratch.db, { residents: 40, caches: scratch.caches });
});
afterAll(async () => {
  child?.kill("SIGKILL");
  await scratch.drop();
});

function startProduct(base: number): Promise<{ exited: Promise<number | null> }> {
  const proc = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], {
    env: { ...process.env, DATABASE_URL: scratch.url, GATEWAY_PORT: String(base), SUBGRAPH_BASE_PORT: String(base + 1), LOG_LEVEL: "error" },
    stdio: ["ignore", "pipe", "ignore"],
  });
  child = proc;
  const exited = new Promise<number | null>((resolve) => proc.once("exit", (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`product did not start: ${out.slice(0, 300)}`)), 60_000);
    proc.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes("Care record gateway:")) {
        clearTimeout(timer);
        resolve({ exited });
      }
    });
    proc.once("exit", () => reject(new Error(`product exited early: ${out.slice(0, 300)}`)));
  });
}

describe("SIGTERM during load", () => {
  it("every response a client received has its access events", async () => {
    const base = 5300 + (process.pid % 50) * 10;
    const { exited } = await startProduct(base);
    const userId = `sigterm-${process.pid}-${Date.now()}`;
    const token = await tokenFor({ userId, name: "Load Nurse", role: "care_home_nurse", orgCode: "CH00001", orgType: "care_home", trainingCompletedAt: "2025-01-15" }, "5m");
    const url = `http://127.0.0.1:${base}/graphql`;
    const query = `{ careHome(id: "CH00001") { residents(first: 5) { edges { node { nhsNumber allergies { id } medications { id } } } } } }`;
    let delivered = 0;
    let stop = false;
    const worker = async () => {
      while (!stop) {
        try {
          const res = await post(url, { query }, { authorization: `Bearer ${token}`, connection: "close" });
          const edges = res.data?.careHome?.residents?.edges as unknown[] | undefined;
          if (edges) delivered += edges.length * 2;
        } catch {
          return; // refused: the server has gone
        }
      }
    };
    const workers = Array.from({ length: 8 }, worker);
    await new Promise((r) => setTimeout(r, 1500));
    child!.kill("SIGTERM");
    const code = await exited;
    stop = true;
    await Promise.all(workers);
    expect(code).toBe(0);
    const [{ n }] = (await scratch.db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM usage.access_event WHERE user_id = $1`, [userId])) as [{ n: number }];
    expect(delivered).toBeGreaterThan(0);
    // Events are written before responses are released, so none a client saw can be missing; a
    // response cut off by the shutdown may have been recorded without being received.
    expect(n).toBeGreaterThanOrEqual(delivered);
    process.stdout.write(`SIGTERM test: ${delivered} section views delivered, ${n} access events stored\n`);
  }, 90_000);
});
