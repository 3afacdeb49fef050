// What a deployment shows of itself: in production no introspection and no "Did you mean"
// suggestions (the schema is published as schema/api.graphql); in every mode an unauthenticated
// caller gets 401 before the operation is validated, so typos never reveal field names; CORS only
// for the configured origins and never with credentials.
import { env } from "../platform/config/env.js";
import { startStack } from "../app/stack.js";
import { post, startTestStack, tokenFor, type Stack } from "./support/stack.js";

const ALLOWED = "https://care.example.org";
const OTHER_ALLOWED = "https://gp.example.org";
let production: Stack;
let development: Stack;
beforeAll(async () => {
  // The production settings without the production key checks (those belong to parseEnv): the
  // gateway is told what NODE_ENV=production tells it.
  // Arbitrary documents allowed, so introspection and suggestions are refused for their own sake
  // (without it, trusted documents refuse them first: test/typed-client.test.ts).
  production = await startStack(
    { ...env(), NODE_ENV: "production", ALLOW_ARBITRARY_DOCUMENTS: "true", CORS_ORIGINS: [ALLOWED, OTHER_ALLOWED] },
    // No front door: the development source registry is refused in production (ingest/sources.ts).
    { ephemeralPorts: true, ingestion: false },
  );
  development = await startTestStack();
});
afterAll(async () => {
  await production?.close();
  await development?.close();
});

const auth = async () => ({ authorization: `Bearer ${await tokenFor()}` });
const SCHEMA_WORDS = /Did you mean|nhsNumber|allergies|medications|careHome|CareHome|Resident/;

const INTROSPECTION = [
  `{ __schema { types { name fields { name } } } }`,
  `{ t: __type(name: "Resident") { fields { name } } }`,
  `query Q { ...F } fragment F on Query { s: __schema { queryType { fields { name } } } }`,
  `query A { __typename } query B { __schema { types { name } } }`,
];
const TYPOS = [
  `{ careHome(id: "CH00001") { nme } }`,
  `{ careHom(id: "CH00001") { name } }`,
  `{ careHome(idd: "CH00001") { name } }`,
  `query ($id: IDD!) { careHome(id: $id) { name } }`,
];

describe("production: the schema is not discoverable", () => {
  it("refuses introspection, aliased, in fragments and in a second operation", async () => {
    const headers = await auth();
    for (const query of INTROSPECTION) {
      const body = query.includes("query B") ? { query, operationName: "B" } : { query };
      const res = await post(production.gatewayUrl, body, headers);
      expect(res.errors?.length).toBeGreaterThan(0);
      expect(res.data ?? null).toBeNull();
      expect(JSON.stringify(res)).not.toMatch(/nhsNumber|allergies|"fields"/);
    }
  });

  it("answers typos without suggestions, even to an authenticated caller", async () => {
    const headers = await auth();
    for (const query of TYPOS) {
      const res = await post(production.gatewayUrl, { query, variables: { id: "CH00001" } }, headers);
      expect(res.errors?.length).toBeGreaterThan(0);
      expect(res.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
      expect(JSON.stringify(res.errors)).not.toContain("Did you mean");
    }
  });

  it("still serves ordinary queries", async () => {
    const res = await post(production.gatewayUrl, { query: `{ careHome(id: "CH00001") { name } }` }, await auth());
    expect(res.errors).toBeUndefined();
    expect(res.data?.careHome?.name).toEqual(expect.any(String));
  });
});

describe("development: suggestions for authenticated callers only", () => {
  it("suggests a field name to an authenticated caller (what production switches off)", async () => {
    const res = await post(development.gatewayUrl, { query: TYPOS[0] }, await auth());
    expect(JSON.stringify(res.errors)).toContain("Did you mean");
  });
});

describe("any mode: an unauthenticated typo gets 401 and no schema words", () => {
  const cases: [string, Record<string, string>][] = [
    ["no token", {}],
    ["a forged token", { authorization: "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl" }],
    ["a malformed header", { authorization: "Basic Zm9vOmJhcg==" }],
  ];
  for (const [label, headers] of cases) {
    it(`with ${label}`, async () => {
      for (const stack of [production, development]) {
        for (const query of [...TYPOS, ...INTROSPECTION]) {
          const res = await post(stack.gatewayUrl, { query, variables: { id: "CH00001" } }, headers);
          expect([query, res.status, res.errors?.[0]?.extensions?.code]).toEqual([query, 401, "UNAUTHENTICATED"]);
          expect(JSON.stringify(res)).not.toMatch(SCHEMA_WORDS);
        }
        // The same over GET.
        const get = await fetch(`${stack.gatewayUrl}?query=${encodeURIComponent(TYPOS[0]!)}`, { headers: { accept: "application/json", ...headers } });
        expect(get.status).toBe(401);
        expect(await get.text()).not.toMatch(SCHEMA_WORDS);
      }
    });
  }
});

describe("CORS", () => {
  const preflight = (stack: Stack, origin: string) =>
    fetch(stack.gatewayUrl, {
      method: "OPTIONS",
      headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "authorization,content-type" },
    });
  const actual = async (stack: Stack, origin: string) =>
    fetch(stack.gatewayUrl, {
      method: "POST",
      headers: { origin, "content-type": "application/json", ...(await auth()) },
      body: JSON.stringify({ query: `{ __typename }` }),
    });

  it("allows a configured origin, without credentials", async () => {
    for (const origin of [ALLOWED, OTHER_ALLOWED]) {
      const pre = await preflight(production, origin);
      expect(pre.headers.get("access-control-allow-origin")).toBe(origin);
      expect(pre.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("authorization");
      expect(pre.headers.get("access-control-allow-credentials")).toBeNull();
      const res = await actual(production, origin);
      expect(res.status).toBe(200);
      expect(res.headers.get("access-control-allow-origin")).toBe(origin);
      expect(res.headers.get("access-control-allow-credentials")).toBeNull();
    }
  });

  it("gives unknown origins no CORS headers at all, and by default no origin is allowed", async () => {
    const cases: [Stack, string][] = [
      [production, "https://evil.example.com"],
      [production, `${ALLOWED}.evil.example.com`],
      [production, "null"],
      [production, ALLOWED.toUpperCase()],
      [development, ALLOWED],
    ];
    for (const [stack, origin] of cases) {
      for (const res of [await preflight(stack, origin), await actual(stack, origin)]) {
        expect([origin, res.headers.get("access-control-allow-origin")]).toEqual([origin, null]);
        expect(res.headers.get("access-control-allow-credentials")).toBeNull();
      }
    }
  });
});
