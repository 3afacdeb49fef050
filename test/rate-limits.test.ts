// Per-user rate and concurrency limits, keyed by the verified user: the refusal is HTTP 429
// RATE_LIMITED with retryAfterSeconds; other users are untouched; made-up or missing tokens do not
// count against anyone; two gateway replicas share the counts through Redis; with Redis down the
// limits still hold per instance.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import { env } from "../platform/config/env.js";
import type { Identity } from "../platform/identity/identity.js";
import { listen } from "../platform/http/listen.js";
import { RedisLink } from "../platform/cache/redis-link.js";
import { startStack } from "../app/stack.js";
import { createAudit } from "../app/audit.js";
import { startGateway } from "../gateway/server.js";
import { gatewaySettings } from "../gateway/settings.js";
import { createRateLimiter } from "../gateway/rate-limiter.js";
import { rateLimitSettings } from "../gateway/limits.js";
import { RefusalMemo } from "../gateway/refusal-memo.js";
import { identities, tokenFor, type Stack } from "./support/stack.js";
import { waitFor } from "./support/observe.js";

const PER_MINUTE = 5;
const CONCURRENT = 2;
const QUERY = `{ resident(nhsNumber: "9990000018") { nhsNumber } }`;

let stack: Stack;
beforeAll(async () => {
  stack = await startStack(
    // A cost budget of two operations of cost 1,000 that does not refill within the test.
    { ...env(), RATE_LIMIT_PER_MINUTE: PER_MINUTE, MAX_CONCURRENT_PER_USER: CONCURRENT, MAX_QUERY_COST: 1000, COST_PER_MINUTE_PER_USER: 1 },
    { ephemeralPorts: true },
  );
});
afterAll(() => stack.close());

/** A nurse of CH00001 nobody else uses, so counts in the shared Redis start at zero. */
const freshNurse = (): Identity => ({ ...identities.nurse, userId: `t-rate-${randomUUID()}` });

async function ask(url: string, identity: Identity | null, query = QUERY) {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...(identity ? { authorization: `Bearer ${await tokenFor(identity)}` } : {}) },
    body: JSON.stringify({ query }),
  });
  return {
    status: res.status,
    retryAfter: res.headers.get("retry-after"),
    body: (await res.json()) as { data?: unknown; errors?: { extensions?: Record<string, unknown> }[] },
  };
}

function expectRateLimited(answer: Awaited<ReturnType<typeof ask>>, maxSeconds: number) {
  expect(answer.status).toBe(429);
  expect(answer.body.errors?.map((e) => e.extensions?.code)).toEqual(["RATE_LIMITED"]);
  const seconds = answer.body.errors![0]!.extensions!.retryAfterSeconds as number;
  expect(seconds).toBeGreaterThanOrEqual(1);
  expect(seconds).toBeLessThanOrEqual(maxSeconds);
  expect(answer.retryAfter).toBe(String(seconds));
  expect(answer.body.errors![0]!.extensions).toEqual({ code: "RATE_LIMITED", retryAfterSeconds: seconds });
  expect(answer.body.data ?? null).toBeNull();
}

describe("requests per minute", () => {
  it("refuses a user's request past the limit with 429 RATE_LIMITED, and only that user's", async () => {
    const user = freshNurse();
    for (let i = 0; i < PER_MINUTE; i++) expect((await ask(stack.gatewayUrl, user)).status).toBe(200);
    expectRateLimited(await ask(stack.gatewayUrl, user), 60);
    const other = await ask(stack.gatewayUrl, freshNurse());
    expect(other.status).toBe(200);
    expect(other.body.errors).toBeUndefined();
  });

  it("counts the verified user, not the token: a new token for the same user is still refused", async () => {
    const user = freshNurse();
    // tokenFor mints a new token each time: the limit follows the user id inside it.
    for (let i = 0; i < PER_MINUTE; i++) await ask(stack.gatewayUrl, user);
    expectRateLimited(await ask(stack.gatewayUrl, user), 60);
  });

  it("answers a token refused for its rate at the door until its Retry-After, without reading the request", async () => {
    const token = await tokenFor(freshNurse());
    const send = (body: string, bearer = token) =>
      fetch(stack.gatewayUrl, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${bearer}` }, body });
    for (let i = 0; i < PER_MINUTE; i++) expect((await send(JSON.stringify({ query: QUERY }))).status).toBe(200);
    expect((await send(JSON.stringify({ query: QUERY }))).status).toBe(429);
    // Not JSON at all: the GraphQL server would answer 400 BAD_REQUEST; the door answers first.
    const again = await send("{ not json");
    expect(again.status).toBe(429);
    const body = (await again.json()) as { errors: { extensions: Record<string, unknown> }[] };
    expect(body.errors.map((e) => e.extensions.code)).toEqual(["RATE_LIMITED"]);
    expect(again.headers.get("retry-after")).toBe(String(body.errors[0]!.extensions.retryAfterSeconds));
    // The memo holds the exact token only: a forged variant is not answered from it (401, not 429).
    expect((await send(JSON.stringify({ query: QUERY }), `${token.slice(0, -4)}AAAA`)).status).toBe(401);
  });

  it("does not count requests without a valid token against anyone (they get 401)", async () => {
    const user = freshNurse();
    for (let i = 0; i < PER_MINUTE + 3; i++) {
      expect((await ask(stack.gatewayUrl, null)).status).toBe(401);
      const forged = await fetch(stack.gatewayUrl, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${(await tokenFor(user)).slice(0, -4)}AAAA` },
        body: JSON.stringify({ query: QUERY }),
      });
      expect(forged.status).toBe(401);
    }
    for (let i = 0; i < PER_MINUTE; i++) expect((await ask(stack.gatewayUrl, user)).status).toBe(200);
  });
});

describe("cost budget", () => {
  // 100 residents x (edge, node, name, placement section) + the home: 401.
  const costly = `query ($n: Int) { careHome(id: "CH00001") { residents(first: $n) { edges { node { name { family } currentPlacement { status } } } } } }`;

  it("refuses a user whose recent operations used up the budget, counting the page size sent as a variable", async () => {
    const user = freshNurse();
    const run = async (n: number) => {
      const res = await fetch(stack.gatewayUrl, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${await tokenFor(user)}` },
        body: JSON.stringify({ query: costly, variables: { n } }),
      });
      return {
        status: res.status,
        retryAfter: res.headers.get("retry-after"),
        body: (await res.json()) as { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] },
      };
    };
    for (let i = 0; i < 4; i++) expect((await run(100)).status).toBe(200); // 1,604 of 2,000
    const refused = await run(100);
    expectRateLimited(refused, 86_400); // the budget refills by 1 a minute here
    expect(refused.body.errors![0]!.message).toMatch(/too much/);
    // Another user has the whole budget.
    const other = await ask(stack.gatewayUrl, freshNurse(), costly.replace("$n", "100").replace("($n: Int) ", ""));
    expect(other.status).toBe(200);
  });
});

describe("requests in flight", () => {
  // A residents subgraph that holds every request until told to answer: requests stay in flight
  // for as long as the test needs, without any timing.
  let held: http.ServerResponse[] = [];
  let arrived: () => void = () => undefined;
  let frozen: http.Server;
  let gateway: { url: string; close(): Promise<void> };
  let audit: ReturnType<typeof createAudit>;
  beforeAll(async () => {
    frozen = http.createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        held.push(res);
        arrived();
      });
    });
    const port = await listen(frozen, "127.0.0.1", 0);
    const e = env();
    audit = createAudit(stack.db, stack.caches);
    gateway = await startGateway({
      host: "127.0.0.1",
      port: 0,
      subgraphUrls: { ...stack.subgraphUrls, residents: `http://127.0.0.1:${port}/graphql` },
      audit,
      ...gatewaySettings(e, stack.caches),
      logLevel: "error",
      // The same Redis and key prefix as the stack's gateway: a second replica.
      limits: {
        maxCost: e.MAX_QUERY_COST,
        maxBodyBytes: e.MAX_BODY_BYTES,
        rateLimiter: createRateLimiter({ ...rateLimitSettings(e), perMinute: PER_MINUTE, maxConcurrent: CONCURRENT }, stack.caches),
        refusals: new RefusalMemo(),
      },
    });
  });
  afterAll(async () => {
    release();
    await gateway.close();
    await audit.close();
    await new Promise((r) => frozen.close(r));
  });
  function release() {
    for (const res of held) res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ data: { resident: null } }));
    held = [];
  }
  const untilHeld = (n: number) =>
    new Promise<void>((resolve) => {
      arrived = () => held.length >= n && resolve();
      arrived();
    });

  it("refuses a user's third request while two are unanswered, and admits again once they are", async () => {
    const user = freshNurse();
    const first = [ask(gateway.url, user), ask(gateway.url, user)];
    await untilHeld(2);
    expectRateLimited(await ask(gateway.url, user), 1);
    // Another user is not held up by this one's requests in flight.
    const other = ask(gateway.url, freshNurse());
    await untilHeld(3);
    release();
    expect((await Promise.all([...first, other])).map((a) => a.status)).toEqual([200, 200, 200]);
    const again = ask(gateway.url, user);
    await untilHeld(1);
    release();
    expect((await again).status).toBe(200);
  });

  it("frees a slot when the client goes away before its answer", async () => {
    const user = freshNurse();
    const inFlight = async () => (await stack.caches.link!.command("test", (c) => c.zcard(`${stack.caches.keyPrefix}rl:inflight:${user.userId}`))) ?? -1;
    const token = await tokenFor(user);
    const controllers = [new AbortController(), new AbortController()];
    const abandoned = controllers.map((c) =>
      fetch(gateway.url, {
        method: "POST",
        signal: c.signal,
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: QUERY }),
      }).catch(() => null),
    );
    await untilHeld(2);
    expect(await inFlight()).toBe(2);
    for (const c of controllers) c.abort();
    await Promise.all(abandoned);
    let count = 2;
    const poll = setInterval(() => void inFlight().then((n) => (count = n)), 20);
    try {
      expect(await waitFor(() => count === 0, 10_000)).toBe(true);
    } finally {
      clearInterval(poll);
    }
    release();
    const again = ask(gateway.url, user);
    await untilHeld(1);
    release();
    expect((await again).status).toBe(200);
  });

  it("shares the per-minute count between gateway replicas through Redis", async () => {
    const user = freshNurse();
    for (let i = 0; i < 3; i++) expect((await ask(stack.gatewayUrl, user)).status).toBe(200);
    for (let i = 0; i < PER_MINUTE - 3; i++) {
      const answer = ask(gateway.url, user);
      await untilHeld(1);
      release();
      expect((await answer).status).toBe(200);
    }
    expectRateLimited(await ask(gateway.url, user), 60);
    expectRateLimited(await ask(stack.gatewayUrl, user), 60);
  });
});

describe("with Redis unreachable", () => {
  it("keeps limiting in this process instead of failing open or refusing everyone", async () => {
    // A "Redis" that accepts connections and drops them at once.
    const broken = http.createServer();
    broken.on("connection", (socket) => socket.destroy());
    await new Promise<void>((r) => broken.listen(0, "127.0.0.1", r));
    const link = new RedisLink({ url: `redis://127.0.0.1:${(broken.address() as AddressInfo).port}/0`, keyPrefix: "cr:rate-test:", timeoutMs: 100 });
    try {
      const limiter = createRateLimiter({ perMinute: 3, maxConcurrent: 2, costPerMinute: 1, costBurst: 100 }, { link, keyPrefix: "cr:rate-test:" });
      const admissions = [];
      for (let i = 0; i < 4; i++) admissions.push(await limiter.admit("u1"));
      expect(admissions.map((a) => a.admitted)).toEqual([true, true, false, false]); // two in flight, then the concurrency bound
      for (const a of admissions) if (a.admitted) a.release();
      expect((await limiter.admit("u1")).admitted).toBe(false); // 5 > 3 per minute
      expect((await limiter.admit("u2")).admitted).toBe(true);
      expect([await limiter.charge("u2", 60), await limiter.charge("u2", 60)].map((c) => c.admitted)).toEqual([true, false]);
    } finally {
      await link.close();
      await new Promise((r) => broken.close(r));
    }
  });
});
