// Authentication at the edge and gateway-only access to subgraphs.
import { SignJWT } from "jose";
import { env } from "../subgraphs/kernel/env.js";
import { INTERNAL_HEADER, signInternalIdentity } from "../subgraphs/kernel/internal-auth.js";
import { SUBGRAPHS } from "../subgraphs/kernel/database.js";
import { queryStats } from "../subgraphs/kernel/prisma.js";
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
      .setProtectedHeader({ alg: "HS256" }).setSubject("u").setIssuer(e.JWT_ISSUER).setAudience(e.JWT_AUDIENCE)
      .setIssuedAt(Math.floor(Date.now() / 1000) - 7200).setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
      .sign(new TextEncoder().encode(e.JWT_SECRET));
    const res = await post(stack.gatewayUrl, { query: QUERY }, { authorization: `Bearer ${expired}` });
    expect(res.status).toBe(401);
    expect(res.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("refuses a token signed with another key", async () => {
    const e = env();
    const forged = await new SignJWT({ name: "x", role: "gp", org: "G00001" })
      .setProtectedHeader({ alg: "HS256" }).setSubject("u").setIssuer(e.JWT_ISSUER).setAudience(e.JWT_AUDIENCE)
      .setExpirationTime("10m").sign(new TextEncoder().encode("another-key-another-key-another-key-!!"));
    const res = await post(stack.gatewayUrl, { query: QUERY }, { authorization: `Bearer ${forged}` });
    expect(res.status).toBe(401);
  });

  it("refuses a token with an unknown role", async () => {
    const e = env();
    const token = await new SignJWT({ name: "x", role: "superuser", org: "G00001" })
      .setProtectedHeader({ alg: "HS256" }).setSubject("u").setIssuer(e.JWT_ISSUER).setAudience(e.JWT_AUDIENCE)
      .setExpirationTime("10m").sign(new TextEncoder().encode(e.JWT_SECRET));
    const res = await post(stack.gatewayUrl, { query: QUERY }, { authorization: `Bearer ${token}` });
    expect(res.status).toBe(401);
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
    const res = await post(stack.subgraphUrls.residents, { query: QUERY }, { [INTERNAL_HEADER]: await tokenFor(), authorization: `Bearer ${await tokenFor()}` });
    expect(res.status).toBe(401);
  });

  it("serves a correctly signed request", async () => {
    const res = await subgraphQuery(stack.subgraphUrls.residents, QUERY);
    expect(res.errors).toBeUndefined();
    expect(res.data.resident.nhsNumber).toBe("9990000018");
  });
});
