// The token endpoint from the attacker's side: every way of presenting an assertion that is not a
// registered source's own, fresh, correctly addressed one is refused, and no refusal says more
// than the sender needs. The replay store is the real SQL one, on PostgreSQL.
import { generateKeyPairSync, randomUUID } from "node:crypto";
import { SignJWT, UnsecuredJWT, importJWK } from "jose";
import { env } from "../../platform/config/env.js";
import { openPostgres, type Database } from "../../platform/db/database.js";
import { migrateIngest } from "../migrate.js";
import { loadSources, parseSources, type SourceRegistry } from "../sources.js";
import { readDevelopmentKey, signClientAssertion } from "./client-assertion.js";
import { verifySourceToken } from "./access-token.js";
import { sqlReplayStore } from "./replay-store.js";
import { JWT_BEARER, exchangeClientAssertion, type TokenEndpointDeps, type TokenResult } from "./token-endpoint.js";

const TOKEN_URL = "https://carerecord.test/fhir/auth/token";
const LAB = "lab-synnovis";
let db: Database;
let deps: TokenEndpointDeps;
const sources: SourceRegistry = loadSources(env());

beforeAll(async () => {
  db = openPostgres(env().DATABASE_URL!, 2);
  await migrateIngest(db);
  deps = { tokenUrl: TOKEN_URL, secret: env().INGEST_TOKEN_SECRET, sources, replay: sqlReplayStore(db.sql) };
});
afterAll(() => db.close());

const request = (assertion: string, scope = "system/DiagnosticReport.write system/Observation.cud", extra: Record<string, string> = {}) =>
  new URLSearchParams({ grant_type: "client_credentials", client_assertion_type: JWT_BEARER, client_assertion: assertion, scope, ...extra });

const labAssertion = (options: { lifetimeSeconds?: number; tokenUrl?: string } = {}) =>
  signClientAssertion({
    clientId: LAB,
    tokenUrl: options.tokenUrl ?? TOKEN_URL,
    privateJwk: readDevelopmentKey(LAB),
    lifetimeSeconds: options.lifetimeSeconds,
  });

/** Claims of a lab assertion, for hand-built (bad) ones. */
const labClaims = () => new SignJWT({}).setIssuer(LAB).setSubject(LAB).setAudience(TOKEN_URL).setJti(randomUUID()).setIssuedAt();
const labKey = async () => importJWK(readDevelopmentKey(LAB), "ES384");
const LAB_KID = readDevelopmentKey(LAB).kid!;

async function exchange(assertion: string, scope?: string, extra?: Record<string, string>): Promise<TokenResult> {
  const result = await exchangeClientAssertion(request(assertion, scope, extra), deps);
  expect(JSON.stringify(result.body)).not.toContain(assertion); // never echoed back
  expect(result.headers["cache-control"]).toBe("no-store");
  return result;
}

const refusedAs = async (assertion: string, error: string, description?: RegExp, scope?: string) => {
  const result = await exchange(assertion, scope);
  expect(result.status).toBe(error === "invalid_client" ? 401 : 400);
  expect(result.body).toMatchObject({ error });
  if (description) expect((result.body as { error_description: string }).error_description).toMatch(description);
};

describe("token endpoint (SMART Backend Services)", () => {
  it("exchanges a registered source's fresh assertion for a 5-minute token of the scopes asked for", async () => {
    const result = await exchange(await labAssertion());
    expect(result).toMatchObject({
      status: 200,
      body: { token_type: "bearer", expires_in: 300, scope: "system/DiagnosticReport.write system/Observation.cud" },
    });
    if (result.status !== 200) throw new Error("refused");
    const identity = await verifySourceToken(`Bearer ${result.body.access_token}`, deps);
    expect(identity).toEqual({
      clientId: LAB,
      name: "Synnovis Pathology LIMS",
      odsCode: "8HV48",
      kind: "laboratory",
      scopes: new Set(["DiagnosticReport", "Observation"]),
    });
  });

  it("refuses an assertion signed with another source's key, whatever kid it names", async () => {
    const boots = readDevelopmentKey("pharmacy-boots");
    const key = await importJWK(boots, "ES384");
    await refusedAs(
      await labClaims().setExpirationTime("2m").setProtectedHeader({ alg: "ES384", kid: boots.kid }).sign(key),
      "invalid_client",
      /^client authentication failed$/,
    );
    await refusedAs(
      await labClaims().setExpirationTime("2m").setProtectedHeader({ alg: "ES384", kid: LAB_KID }).sign(key),
      "invalid_client",
      /^client authentication failed$/,
    );
  });

  it("refuses iss and sub that differ (one source speaking for another)", async () => {
    const jwt = await labClaims()
      .setSubject("pharmacy-boots")
      .setExpirationTime("2m")
      .setProtectedHeader({ alg: "ES384", kid: LAB_KID })
      .sign(await labKey());
    await refusedAs(jwt, "invalid_client", /iss and sub/);
  });

  it("refuses an unknown client with the same answer as a bad signature (no list of client ids to probe)", async () => {
    const jwt = await labClaims()
      .setIssuer("lab-unknown")
      .setSubject("lab-unknown")
      .setExpirationTime("2m")
      .setProtectedHeader({ alg: "ES384" })
      .sign(await labKey());
    await refusedAs(jwt, "invalid_client", /^client authentication failed$/);
  });

  it("refuses an assertion addressed to another token endpoint", async () => {
    await refusedAs(await labAssertion({ tokenUrl: "https://elsewhere.test/token" }), "invalid_client", /aud must be the token endpoint URL/);
  });

  it("refuses an assertion without exp, with exp past, or more than 5 minutes ahead", async () => {
    const key = await labKey();
    await refusedAs(await labClaims().setProtectedHeader({ alg: "ES384", kid: LAB_KID }).sign(key), "invalid_client", /exp is required/);
    const past = Math.floor(Date.now() / 1000) - 600;
    await refusedAs(
      await labClaims()
        .setIssuedAt(past - 60)
        .setExpirationTime(past)
        .setProtectedHeader({ alg: "ES384", kid: LAB_KID })
        .sign(key),
      "invalid_client",
      /expired/,
    );
    await refusedAs(await labAssertion({ lifetimeSeconds: 600 }), "invalid_client", /at most 5 minutes/);
  });

  it("refuses alg none and HS256 assertions", async () => {
    const now = Math.floor(Date.now() / 1000);
    const none = new UnsecuredJWT({})
      .setIssuer(LAB)
      .setSubject(LAB)
      .setAudience(TOKEN_URL)
      .setJti(randomUUID())
      .setExpirationTime(now + 120)
      .encode();
    await refusedAs(none, "invalid_client", /^client authentication failed$/);
    const hs256 = await labClaims()
      .setExpirationTime("2m")
      .setProtectedHeader({ alg: "HS256", kid: LAB_KID })
      .sign(new TextEncoder().encode(JSON.stringify(readDevelopmentKey(LAB))));
    await refusedAs(hs256, "invalid_client", /^client authentication failed$/);
  });

  it("accepts RS384 but refuses RS256 and PS384 from a registered RSA key (the algorithm list, not the key type, decides)", async () => {
    // A KeyObject, not a WebCrypto key (which is bound to one hash): the same key signs all three.
    const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const jwk = { ...publicKey.export({ format: "jwk" }), kid: "rsa-1" }; // no `alg`: the key alone would allow any RSA algorithm
    const rsaSources = parseSources(
      { sources: [{ clientId: LAB, name: "RSA lab", odsCode: "8HV48", kind: "laboratory", scopes: ["Observation"], jwks: [jwk] }] },
      "test",
      {
        production: false,
      },
    );
    const sign = (alg: string) => labClaims().setExpirationTime("2m").setProtectedHeader({ alg, kid: "rsa-1" }).sign(privateKey);
    const rsaDeps = { ...deps, sources: rsaSources };
    expect((await exchangeClientAssertion(request(await sign("RS384"), "system/Observation.write"), rsaDeps)).status).toBe(200);
    for (const alg of ["RS256", "PS384"])
      expect((await exchangeClientAssertion(request(await sign(alg), "system/Observation.write"), rsaDeps)).body).toMatchObject({ error: "invalid_client" });
  });

  it("refuses a replayed assertion (same jti) and one without jti", async () => {
    const assertion = await labAssertion();
    expect((await exchange(assertion)).status).toBe(200);
    await refusedAs(assertion, "invalid_client", /used before/);
    const noJti = new SignJWT({})
      .setIssuer(LAB)
      .setSubject(LAB)
      .setAudience(TOKEN_URL)
      .setExpirationTime("2m")
      .setProtectedHeader({ alg: "ES384", kid: LAB_KID });
    await refusedAs(await noJti.sign(await labKey()), "invalid_client", /jti is required/);
  });

  it("refuses scopes outside the source's registration or not system write scopes of a known type", async () => {
    await refusedAs(await labAssertion(), "invalid_scope", /may not write MedicationRequest/, "system/Observation.write system/MedicationRequest.write");
    await refusedAs(await labAssertion(), "invalid_scope", /not a system write scope/, "system/Specimen.write");
    await refusedAs(await labAssertion(), "invalid_scope", /not a system write scope/, "system/Observation.read");
    await refusedAs(await labAssertion(), "invalid_scope", /not a system write scope/, "system/*.write");
    await refusedAs(await labAssertion(), "invalid_scope", /not a system write scope/, "user/Observation.write");
    await refusedAs(await labAssertion(), "invalid_scope", /not a system write scope/, "system/Observation.cud?category=laboratory");
    expect((await exchange(await labAssertion(), "system/Observation.c system/Patient.cu")).status).toBe(200);
  });

  it("answers malformed requests as RFC 6749 errors", async () => {
    const assertion = await labAssertion();
    const ask = (form: URLSearchParams) => exchangeClientAssertion(form, deps).then((r) => [r.status, r.body]);
    expect(await ask(request(assertion, undefined, { grant_type: "password" }))).toEqual([400, expect.objectContaining({ error: "unsupported_grant_type" })]);
    expect(await ask(request(assertion, undefined, { client_assertion_type: "urn:other" }))).toEqual([
      400,
      expect.objectContaining({ error: "invalid_request" }),
    ]);
    expect(await ask(request(assertion, ""))).toEqual([400, expect.objectContaining({ error: "invalid_request" })]);
    const twice = request(assertion);
    twice.append("client_assertion", assertion);
    expect(await ask(twice)).toEqual([400, expect.objectContaining({ error: "invalid_request" })]);
    expect(await ask(request("not-a-jwt"))).toEqual([401, { error: "invalid_client", error_description: "client authentication failed" }]);
  });
});
