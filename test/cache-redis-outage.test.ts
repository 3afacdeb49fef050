// Redis is an accelerator, never a dependency: with its own real Redis server killed mid-test (and
// with a port where nothing listens) every answer stays correct and comes from PostgreSQL, a write
// made during the outage is visible at once, and the cache recovers by itself when Redis returns.
import { spawn, type ChildProcess } from "node:child_process";
import { connect, createServer } from "node:net";
import { createLabsRepository } from "../subgraphs/labs/repository.js";
import { metrics } from "../platform/observability/metrics.js";
import { env } from "../platform/config/env.js";
import { startStack } from "../app/stack.js";
import { gatewayQuery, nurseAt, type Stack } from "./support/stack.js";
import { pickResident, startScratchStack } from "./support/scratch-stack.js";
import { counterTotal, waitFor } from "./support/observe.js";

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

let redis: ChildProcess | undefined;
async function startRedis(port: number) {
  redis = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  const until = Date.now() + 10_000;
  for (;;) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => (socket.end(), resolve(true)));
      socket.once("error", () => resolve(false));
    });
    if (up) return;
    if (Date.now() > until) throw new Error("redis-server did not start");
    await new Promise((r) => setTimeout(r, 50));
  }
}
const stopRedis = () =>
  new Promise<void>((resolve) => {
    if (!redis || redis.exitCode !== null) return resolve();
    redis.once("exit", () => resolve());
    redis.kill("SIGKILL");
  });

const VIEW = `query ($n: NhsNumber!) { resident(nhsNumber: $n) { name { family } allergies { status items { id } } medications { status items { id dispensing { epsStatus } } }
  diagnosticReports(first: 100) { status page { edges { node { id observations { value } } } } } carePlan { status item { id status } } } }`;

describe("Redis killed mid-test", () => {
  let stack: Stack;
  let close: () => Promise<void>;
  let who: { nhs: string; home: string };
  let port: number;
  beforeAll(async () => {
    port = await freePort();
    await startRedis(port);
    ({ stack, close } = await startScratchStack("outage", 40, { REDIS_URL: `redis://127.0.0.1:${port}/0` }));
    who = await pickResident(stack, "NOT r.sharing_objection");
  });
  afterAll(async () => {
    await close();
    await stopRedis();
  });

  const view = async () => {
    const started = performance.now();
    const res = await gatewayQuery(stack, VIEW, { n: who.nhs }, nurseAt(who.home));
    expect(res.errors).toBeUndefined();
    return { data: res.data.resident, ms: performance.now() - started };
  };

  it("answers correctly from PostgreSQL while Redis is down, sees writes at once, and recovers", async () => {
    expect(await waitFor(() => stack.caches.link!.coherent, 5000)).toBe(true);
    const reference = (await view()).data;
    await view(); // cached now

    await stopRedis();
    const errorsBefore = await counterTotal(metrics.redisErrors);
    const during: number[] = [];
    for (let i = 0; i < 10; i++) {
      const { data, ms } = await view();
      expect(data).toEqual(reference);
      during.push(ms);
    }
    expect(stack.caches.link!.coherent).toBe(false); // L1 is not trusted without the purge channel
    expect(await counterTotal(metrics.redisErrors)).toBeGreaterThan(errorsBefore);
    console.log(`views with Redis down: max ${Math.max(...during).toFixed(0)} ms`);

    // A write during the outage: no instance may keep serving what it replaced.
    const id = `DR-OUTAGE-${Date.now()}`;
    const labs = createLabsRepository(stack.db, stack.caches.cache("labs"));
    const stamp = { sourceSystem: "TEST", recordedAt: new Date(), updatedAt: new Date() };
    await labs.insertBatch({
      reports: [
        {
          id,
          nhsNumber: who.nhs,
          status: "FINAL",
          category: "HAEMATOLOGY",
          code: "26604007",
          display: "Full blood count",
          effectiveAt: new Date(),
          issuedAt: new Date(),
          performerName: "Test Lab",
          performerOds: "RJ1",
          abnormal: false,
          ...stamp,
        },
      ],
      observations: [],
    });
    await labs.close();
    const afterWrite = (await view()).data;
    expect(afterWrite.diagnosticReports.page.edges.map((e: { node: { id: string } }) => e.node.id)).toContain(id);

    // Redis returns (empty, as after a restart): the link reconnects, replays the purge it owes and
    // the cache is used again.
    await startRedis(port);
    expect(await waitFor(() => stack.caches.link!.coherent, 10_000)).toBe(true);
    await view();
    const hitsBefore = await counterTotal(metrics.cacheHits);
    const again = (await view()).data;
    expect(await counterTotal(metrics.cacheHits)).toBeGreaterThan(hitsBefore);
    expect(again).toEqual(afterWrite);
  });
});

describe("Redis never reachable", () => {
  it("serves the same answers as the cache switched off, with REDIS_URL on a closed port", async () => {
    const port = await freePort();
    const { scratch, stack, close } = await startScratchStack("noredis", 40, { REDIS_URL: `redis://127.0.0.1:${port}/0` });
    const off = await startStack({ ...env(), DATABASE_URL: scratch.url, CACHE: "off" }, { ephemeralPorts: true });
    try {
      const who = await pickResident(stack, "NOT r.sharing_objection");
      const reference = await gatewayQuery(off, VIEW, { n: who.nhs }, nurseAt(who.home));
      expect(reference.errors).toBeUndefined();
      expect(reference.data.resident.name).not.toBeNull();
      for (let i = 0; i < 3; i++) expect(await gatewayQuery(stack, VIEW, { n: who.nhs }, nurseAt(who.home))).toEqual(reference);
      expect(stack.caches.link!.readable).toBe(false);
    } finally {
      await off.close();
      await close();
    }
  });
});
