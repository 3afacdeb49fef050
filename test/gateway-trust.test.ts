// Authentication at the edge and gateway-only access to subgraphs.
import { SUBGRAPHS } from "../subgraphs/registry.js";
import { SignJWT } from "jose";
import { env } from "../platform/config/env.js";
import { INTERNAL_HEADER, signInternalIdentity } from "../platform/identity/internal-auth.js";
import { queryStats } from "../platform/db/prisma.js";
import { identities, post, startTestStack, subgraphQuery, tokenFor, type Stack } from "./support/stack.js";

let stack: Stack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack.close());

const QUERY = `{ resident(nhsNumber: "9990000018") { nhsNumber } }`;

describe("gateway authentication", () => {
  it("serves a request with a valid token", async () => {
    const res = await post(stack.gatewayUrl, { query: QUERY }, { authorization: `Bearer ${await tokenFor()}` });
    expect(res.errors).toBeUndefined();
    expect(res.data.resident.nhsNumber).toBe("9990000018");
  });

  it.each([
    ["no Authorization header", {}],
    ["a non-bearer scheme", { authorization: "Basic dXNlcjpwYXNz" }],
    ["a malformed token", { authorization: "Bearer not.a.jwt" }],
  ])("refuses %s with 401 UNAUTHENTICATED and no data", async (_label, headers) => {
    const before = queryStats.statements;
    const res = await post(stack.gatewayUrl, { query: QUERY }, headers as Record<string, string>);
    expect(res.status).toBe(401);
    expect(res.data ?? null).toBeNull();
    expect(res.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect(queryStats.statements).toBe(before);
  });

  it("refuses an expired token", async () => {
    const e = env();
    const expired = await new SignJWT({ name: "x", role: "gp", org: "G00001" })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("u")
      .setIssuer(e.JWT_ISSUER)
      .setAudience(e.JWT_AUDIENCE)
      .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
      .sign(new TextEncoder().encode(e.JWT_SECRET));
    const res = await post(stack.gatewayUrl, { query: QUERY }, { authorization: `Bearer ${expired}` });
    expect(res.status).toBe(401);
    expect(res.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("refuses a token signed with another key", async () => {
    const e = env();
    const forged = await new SignJWT({ name: "x", role: "gp", org: "G00001" })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("u")
      .setIssuer(e.JWT_ISSUER)
      .setAudience(e.JWT_AUDIENCE)
      .setExpirationTime("10m")
      .sign(new TextEncoder().encode("another-key-another-key-another-key-!!"));
    const res = await post(stack.gatewayUrl, { query: QUERY }, { authorization: `Bearer ${forged}` });
    expect(res.status).toBe(401);
  });

  it("refuses a token with an unknown role", async () => {
    const e = env();
    const token = await new SignJWT({ name: "x", role: "superuser", org: "G00001" })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("u")
      .setIssuer(e.JWT_ISSUER)
      .setAudience(e.JWT_AUDIENCE)
      .setExpirationTime("10m")
      .sign(new TextEncoder().encode(e.JWT_SECRET));
    const res = await post(stack.gatewayUrl, { query: QUERY }, { authorization: `Bearer ${token}` });
    expect(res.status).toBe(401);
  });
});

describe("token times", () => {
  const now = () => Math.floor(Date.now() / 1000);
  /** A token signed with the real development key, with chosen time claims (null leaves a claim out). */
  async function userToken(times: { iat?: number | null; nbf?: number; exp?: number | null }) {
    const e = env();
    const jwt = new SignJWT({ name: "Test GP", role: "gp", org: "G00001", org_type: "gp_practice", training_completed: "2025-01-15" })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("t-times")
      .setIssuer(e.JWT_ISSUER)
      .setAudience(e.JWT_AUDIENCE);
    if (times.iat !== null) jwt.setIssuedAt(times.iat ?? now());
    if (times.nbf !== undefined) jwt.setNotBefore(times.nbf);
    if (times.exp !== null) jwt.setExpirationTime(times.exp ?? now() + 600);
    return jwt.sign(new TextEncoder().encode(e.JWT_SECRET));
  }
  const ask = async (token: string) => post(stack.gatewayUrl, { query: QUERY }, { authorization: `Bearer ${token}` });

  it.each([
    ["issued an hour in the future", () => ({ iat: now() + 3600, exp: now() + 7200 })],
    ["issued 10 minutes in the future (beyond the 5-minute skew)", () => ({ iat: now() + 600, exp: now() + 1200 })],
    ["not valid before an hour from now", () => ({ nbf: now() + 3600 })],
    ["without iat", () => ({ iat: null })],
    ["without exp", () => ({ exp: null })],
    ["living 24 hours", () => ({ iat: now(), exp: now() + 24 * 3600 })],
    ["living 12 hours and a minute", () => ({ iat: now(), exp: now() + 12 * 3600 + 60 })],
    ["issued 13 hours ago and not yet expired", () => ({ iat: now() - 13 * 3600, exp: now() + 600 })],
  ])("refuses a token %s with 401 UNAUTHENTICATED", async (_label, times) => {
    const before = queryStats.statements;
    const res = await ask(await userToken(times()));
    expect(res.status).toBe(401);
    expect(res.data ?? null).toBeNull();
    expect(res.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect(queryStats.statements).toBe(before);
  });

  it.each([
    ["issued a minute ahead (within the skew)", () => ({ iat: now() + 60, exp: now() + 600 })],
    ["living exactly 12 hours (the mint default)", () => ((t) => ({ iat: t, exp: t + 12 * 3600 }))(now())],
    ["valid from a minute ahead (within the skew)", () => ({ nbf: now() + 60 })],
  ])("accepts a token %s", async (_label, times) => {
    const res = await ask(await userToken(times()));
    expect(res.errors).toBeUndefined();
    expect(res.data.resident.nhsNumber).toBe("9990000018");
  });

  it("mints nothing the gateway would refuse: a lifetime over 12 hours is an error", async () => {
    await expect(tokenFor(identities.gp, "13h")).rejects.toThrow(/exceeds the maximum/);
    await expect(tokenFor(identities.gp, "12h")).resolves.toEqual(expect.any(String));
  });

  it("counts a training date in the future as not trained", async () => {
    const e = env();
    const token = await new SignJWT({ name: "Test GP", role: "gp", org: "G00001", training_completed: "2999-01-01" })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("t-future-training")
      .setIssuer(e.JWT_ISSUER)
      .setAudience(e.JWT_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime("10m")
      .sign(new TextEncoder().encode(e.JWT_SECRET));
    const res = await post(
      stack.gatewayUrl,
      { query: `query Q($n: NhsNumber!) { r: resident(nhsNumber: $n) { nhsNumber } }`, variables: { n: "9990000018" } },
      { authorization: `Bearer ${token}` },
    );
    expect(res.data?.r ?? null).toBeNull();
    expect(res.errors?.[0]?.extensions?.code).toBe("TRAINING_NOT_COMPLETED");
  });
});

describe("internal token times", () => {
  const now = () => Math.floor(Date.now() / 1000);
  async function internalToken(times: { iat?: number | null; exp: number; nbf?: number }) {
    const jwt = new SignJWT({ identity: identities.gp })
      .setProtectedHeader({ alg: "HS256" })
      .setIssuer("carerecord-gateway")
      .setAudience("carerecord-subgraphs")
      .setExpirationTime(times.exp);
    if (times.iat !== null) jwt.setIssuedAt(times.iat ?? now());
    if (times.nbf !== undefined) jwt.setNotBefore(times.nbf);
    return jwt.sign(new TextEncoder().encode(env().INTERNAL_SECRET));
  }
  // Times are computed when each test runs, not when the table is built (the stack takes a while to start).
  it.each([
    ["issued in the future", () => ({ iat: now() + 600, exp: now() + 660 })],
    ["not valid yet", () => ({ nbf: now() + 600, exp: now() + 30 })],
    ["without iat", () => ({ iat: null, exp: now() + 30 })],
    ["living a day", () => ({ iat: now(), exp: now() + 86_400 })],
  ])("a subgraph refuses one %s", async (_label, times) => {
    const res = await post(stack.subgraphUrls.residents, { query: QUERY }, { [INTERNAL_HEADER]: await internalToken(times()) });
    expect(res.status).toBe(401);
    expect(res.errors?.[0]?.extensions?.code).toBe("GATEWAY_SIGNATURE_REQUIRED");
  });
  it("a subgraph accepts a well-formed one", async () => {
    const res = await post(stack.subgraphUrls.residents, { query: QUERY }, { [INTERNAL_HEADER]: await internalToken({ exp: now() + 60 }) });
    expect(res.errors).toBeUndefined();
  });
});

describe("subgraphs accept only the gateway", () => {
  it.each(SUBGRAPHS)("%s refuses a request without the gateway signature", async (name) => {
    const before = queryStats.statements;
    const res = await post(stack.subgraphUrls[name], { query: "{ _service { sdl } }" });
    expect(res.status).toBe(401);
    expect(res.errors?.[0]?.extensions?.code).toBe("GATEWAY_SIGNATURE_REQUIRED");
    expect(res.data ?? null).toBeNull();
    expect(queryStats.statements).toBe(before);
  });

  it.each(SUBGRAPHS)("%s refuses a signature made with another secret", async (name) => {
    const forged = await signInternalIdentity(identities.gp, "not-the-internal-secret-not-the-internal-secret");
    const res = await post(stack.subgraphUrls[name], { query: "{ _service { sdl } }" }, { [INTERNAL_HEADER]: forged });
    expect(res.status).toBe(401);
    expect(res.errors?.[0]?.extensions?.code).toBe("GATEWAY_SIGNATURE_REQUIRED");
  });

  it("refuses a user token passed straight to a subgraph", async () => {
    const res = await post(
      stack.subgraphUrls.residents,
      { query: QUERY },
      { [INTERNAL_HEADER]: await tokenFor(), authorization: `Bearer ${await tokenFor()}` },
    );
    expect(res.status).toBe(401);
  });

  it("serves a correctly signed request", async () => {
    const res = await subgraphQuery(stack.subgraphUrls.residents, QUERY);
    expect(res.errors).toBeUndefined();
    expect(res.data.resident.nhsNumber).toBe("9990000018");
  });
});
