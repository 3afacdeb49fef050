// Automatic persisted queries (stored in Redis, so every gateway replica knows a registered hash)
// and the Prometheus endpoint (for the scraper's bearer token only).
import { createHash } from "node:crypto";
import { env } from "../platform/config/env.js";
import { createCacheHub } from "../platform/cache/hub.js";
import { createPersistedQueryStore } from "../gateway/persisted-query-store.js";
import { REGISTRATIONS_PER_MINUTE } from "../gateway/plugins/persisted-queries.js";
import { identities, post, startTestStack, tokenFor, type Stack } from "./support/stack.js";
import { waitFor } from "./support/observe.js";

let stack: Stack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack.close());

const QUERY = `query Apq { careHome(id: "CH00001") { name } } # ${process.pid}-${Date.now()}`;
const hash = createHash("sha256").update(QUERY).digest("hex");
const ext = (sha256Hash = hash) => ({ persistedQuery: { version: 1, sha256Hash } });

describe("automatic persisted queries", () => {
  it("asks for the query, registers it with a valid token, then runs it by hash", async () => {
    const auth = { authorization: `Bearer ${await tokenFor()}` };
    const unknown = await post(stack.gatewayUrl, { extensions: ext() }, auth);
    expect(unknown.errors?.[0]?.extensions?.code).toBe("PERSISTED_QUERY_NOT_FOUND");

    const anonymous = await post(stack.gatewayUrl, { query: QUERY, extensions: ext() });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect((await post(stack.gatewayUrl, { extensions: ext() }, auth)).errors?.[0]?.extensions?.code).toBe("PERSISTED_QUERY_NOT_FOUND");

    const registered = await post(stack.gatewayUrl, { query: QUERY, extensions: ext() }, auth);
    expect(registered.errors).toBeUndefined();
    const byHash = await post(stack.gatewayUrl, { extensions: ext() }, auth);
    expect(byHash.errors).toBeUndefined();
    expect(byHash.data).toEqual(registered.data);

    // Another replica finds it in Redis.
    const other = createCacheHub(env());
    try {
      await waitFor(() => other.link!.readable, 3000);
      expect(await createPersistedQueryStore(other).get(hash)).toBe(QUERY);
    } finally {
      await other.close();
    }
  });

  it("refuses a hash that does not match the query, and malformed extensions", async () => {
    const auth = { authorization: `Bearer ${await tokenFor()}` };
    const mismatch = await post(stack.gatewayUrl, { query: QUERY, extensions: ext("0".repeat(64)) }, auth);
    expect(mismatch.errors?.[0]?.extensions?.code).toBe("PERSISTED_QUERY_HASH_MISMATCH");
    const malformed = await post(stack.gatewayUrl, { extensions: { persistedQuery: { version: 2, sha256Hash: "abc" } } }, auth);
    expect(malformed.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });
});

describe("persisted queries: what cannot be done with them", () => {
  const sha = (q: string) => createHash("sha256").update(q).digest("hex");
  const run = `${process.pid}-${Date.now()}`;

  it("does not reveal whether a hash is known without a valid token (401 both, same body)", async () => {
    const auth = { authorization: `Bearer ${await tokenFor()}` };
    const known = `query Known { careHome(id: "CH00001") { name } } # known ${run}`;
    expect((await post(stack.gatewayUrl, { query: known, extensions: ext(sha(known)) }, auth)).errors).toBeUndefined();
    expect((await post(stack.gatewayUrl, { extensions: ext(sha(known)) }, auth)).errors).toBeUndefined();
    const unknownHash = sha(`never registered ${run}`);
    for (const headers of [
      {} as Record<string, string>,
      { authorization: "Bearer not-a-token" },
      { authorization: `Bearer ${(await tokenFor()).slice(0, -2)}xx` },
    ]) {
      const a = await post(stack.gatewayUrl, { extensions: ext(sha(known)) }, headers);
      const b = await post(stack.gatewayUrl, { extensions: ext(unknownHash) }, headers);
      expect(a.status).toBe(401);
      expect(a.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
      expect(b).toEqual(a);
      expect(a.data ?? null).toBeNull();
    }
  });

  it("stores only documents that parse and validate against the schema", async () => {
    const auth = { authorization: `Bearer ${await tokenFor()}` };
    const invalid = [
      `not graphql at all ${run}`,
      `{ careHome(id: "CH00001") { name } # unclosed ${run}`.replace(/ }$/, ""),
      `{ careHome(id: "CH00001") { nameX } } # ${run}`,
      `{ careHome(idX: "CH00001") { name } } # ${run}`,
      `query ($id: ID!) { careHome(id: $id) { name } } query ($id: ID!) { careHome(id: $id) { name } } # ${run}`,
      `{ careHome(id: "CH00001") { ...F } } # ${run}`,
    ];
    for (const query of invalid) {
      const sent = await post(stack.gatewayUrl, { query, extensions: ext(sha(query)) }, auth);
      expect(sent.errors?.length).toBeGreaterThan(0);
      const byHash = await post(stack.gatewayUrl, { extensions: ext(sha(query)) }, auth);
      expect([query, byHash.errors?.[0]?.extensions?.code]).toEqual([query, "PERSISTED_QUERY_NOT_FOUND"]);
    }
  });

  it(`stores at most ${REGISTRATIONS_PER_MINUTE} documents per user per minute, even sent at once`, async () => {
    const flooder = { ...identities.nurse, userId: `t-apq-flood-${run}` };
    const auth = { authorization: `Bearer ${await tokenFor(flooder)}` };
    const queries = Array.from({ length: REGISTRATIONS_PER_MINUTE + 10 }, (_, i) => `{ careHome(id: "CH00001") { name } } # flood ${run} ${i}`);
    // In waves as wide as the per-user concurrency limit allows (MAX_CONCURRENT_PER_USER), so the
    // registrations of a wave race each other without the rate limiter refusing the requests.
    const answers: Awaited<ReturnType<typeof post>>[] = [];
    const wave = env().MAX_CONCURRENT_PER_USER;
    for (let i = 0; i < queries.length; i += wave)
      answers.push(...(await Promise.all(queries.slice(i, i + wave).map((query) => post(stack.gatewayUrl, { query, extensions: ext(sha(query)) }, auth)))));
    // Every operation still ran; only the registration is bounded.
    for (const a of answers) expect(a.errors).toBeUndefined();
    const stored: boolean[] = [];
    for (const q of queries) stored.push((await post(stack.gatewayUrl, { extensions: ext(sha(q)) }, auth)).errors === undefined);
    expect(stored.filter(Boolean)).toHaveLength(REGISTRATIONS_PER_MINUTE);
    // Another user is not affected.
    const other = `{ careHome(id: "CH00001") { name } } # other user ${run}`;
    const otherAuth = { authorization: `Bearer ${await tokenFor({ ...identities.nurse, userId: `t-apq-other-${run}` })}` };
    await post(stack.gatewayUrl, { query: other, extensions: ext(sha(other)) }, otherAuth);
    expect((await post(stack.gatewayUrl, { extensions: ext(sha(other)) }, otherAuth)).errors).toBeUndefined();
  });
});

describe("/metrics", () => {
  const scrape = (url: string, headers: Record<string, string> = { authorization: `Bearer ${env().METRICS_TOKEN}` }) =>
    fetch(url.replace(/\/graphql$/, "/metrics"), { headers });

  it("exposes cache, Redis and per-subgraph latency metrics without request content", async () => {
    await post(
      stack.gatewayUrl,
      { query: `{ careHome(id: "CH00001") { name residents(first: 3) { edges { node { allergies { status items { id } } } } } } }` },
      { authorization: `Bearer ${await tokenFor()}` },
    );
    const res = await scrape(stack.gatewayUrl);
    expect(res.status).toBe(200);
    const text = await res.text();
    for (const name of [
      "carerecord_cache_hits_total",
      "carerecord_cache_misses_total",
      "carerecord_cache_evictions_total",
      "carerecord_redis_errors_total",
      "carerecord_redis_circuit_open",
      'carerecord_subgraph_request_duration_seconds_bucket{le="0.001",subgraph="residents"}',
    ])
      expect(text).toContain(name);
    // No NHS number (as a whole token: a float such as 0.0550299962567 is not one).
    expect(text).not.toMatch(/(?<![\d.])999\d{7}(?!\d)/);
    const sub = await scrape(stack.subgraphUrls.labs);
    expect(sub.status).toBe(200);
  });

  it("is refused without the metrics token, with a user token, or with a wrong one, on the gateway and every subgraph", async () => {
    const userToken = await tokenFor();
    const wrong = `${env().METRICS_TOKEN.slice(0, -1)}x`;
    for (const url of [stack.gatewayUrl, ...Object.values(stack.subgraphUrls)]) {
      for (const headers of [
        {} as Record<string, string>,
        { authorization: `Bearer ${userToken}` },
        { authorization: `Bearer ${wrong}` },
        { authorization: env().METRICS_TOKEN },
      ]) {
        const res = await scrape(url, headers);
        expect([url, res.status]).toEqual([url, 401]);
        expect(await res.text()).not.toContain("carerecord_");
      }
    }
  });
});
