// Stopping the product with SIGTERM in the middle of load loses no access event: every view a
// client received is in the audit trail after the process has exited.
import { post, tokenFor } from "./support/stack.js";
import { killProducts, startProduct } from "./support/product-process.js";
import { waitFor } from "./support/observe.js";
import { createScratchDatabase } from "./support/scratch-db.js";
import { seedDemoData } from "../app/seed.js";

let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
beforeAll(async () => {
  scratch = await createScratchDatabase("sigterm");
  await seedDemoData(scratch.db, { residents: 40, caches: scratch.caches });
});
afterAll(async () => {
  killProducts();
  await scratch.drop();
});

describe("SIGTERM during load", () => {
  it("every response a client received has its access events", async () => {
    // Ephemeral ports read back from the process (pid-derived ports once landed on PostgreSQL's 5432).
    // One user at full speed from 8 connections: the per-user limits are not what this test is about
    // (faster subgraphs took it past the default 1,200 requests a minute: RATE_LIMITED answers).
    const product = await startProduct({
      DATABASE_URL: scratch.url,
      RATE_LIMIT_PER_MINUTE: "1000000",
      COST_PER_MINUTE_PER_USER: "1000000000",
      MAX_CONCURRENT_PER_USER: "64",
    });
    const { exited } = product;
    const userId = `sigterm-${process.pid}-${Date.now()}`;
    const token = await tokenFor(
      { userId, name: "Load Nurse", role: "care_home_nurse", orgCode: "CH00001", orgType: "care_home", trainingCompletedAt: "2025-01-15" },
      "5m",
    );
    const url = product.gatewayUrl;
    const query = `{ careHome(id: "CH00001") { residents(first: 5) { edges { node { nhsNumber allergies { status items { id } } medications { status items { id } } } } } } }`;
    let delivered = 0;
    const failed: string[] = [];
    let stop = false;
    const worker = async () => {
      while (!stop) {
        try {
          const res = await post(url, { query }, { authorization: `Bearer ${token}`, connection: "close" });
          const edges = res.data?.careHome?.residents?.edges as unknown[] | undefined;
          if (edges) delivered += edges.length * 2;
          else failed.push(String(res.errors?.[0]?.extensions?.code));
        } catch {
          return; // refused: the server has gone
        }
      }
    };
    const workers = Array.from({ length: 8 }, worker);
    // In the middle of load: once answers are flowing (a cold start on a busy machine can take
    // longer than any fixed delay).
    await waitFor(() => delivered >= 80 || failed.length > 0, 60_000);
    product.proc.kill("SIGTERM");
    const code = await exited;
    stop = true;
    await Promise.all(workers);
    expect(code).toBe(0);
    const [{ n }] = (await scratch.db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM usage.access_event WHERE user_id = $1`, [userId])) as [
      { n: number },
    ];
    expect(delivered).toBeGreaterThan(0);
    // Requests in flight at the signal are answered in full: the gateway drains before the
    // subgraphs it calls are closed, and the runtime's own signal handler no longer aborts them.
    expect(failed).toEqual([]);
    // Events are written before responses are released, so none a client saw can be missing; a
    // response cut off by the shutdown may have been recorded without being received.
    expect(n).toBeGreaterThanOrEqual(delivered);
    process.stdout.write(`SIGTERM test: ${delivered} section views delivered, ${n} access events stored\n`);
  }, 90_000);
});
