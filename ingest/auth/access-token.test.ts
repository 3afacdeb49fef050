// The access token is accepted only as the token endpoint minted it, for a source still
// registered, and for no more resource types than the registry allows now.
import { SignJWT } from "jose";
import { env } from "../../platform/config/env.js";
import { hmacKey } from "../../platform/identity/verified-tokens.js";
import { mintUserToken } from "../../gateway/tokens.js";
import { loadSources, type SourceSystem } from "../sources.js";
import { INGEST_AUDIENCE, SourceAuthError, mayWrite, mintSourceToken, verifySourceToken } from "./access-token.js";

const sources = loadSources(env());
const lab = sources.get("lab-synnovis")!;
const settings = { secret: env().INGEST_TOKEN_SECRET, tokenUrl: "https://carerecord.test/fhir/auth/token" };
const deps = { ...settings, sources };
const labToken = () => mintSourceToken(lab, "system/Observation.write system/DiagnosticReport.cud", settings);

const refused = async (header: string | undefined, d = deps) => {
  const error = await verifySourceToken(header, d).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SourceAuthError);
  expect(error).toMatchObject({ status: 401, code: "login" });
};

const nurse = { userId: "u1", name: "A Nurse", role: "care_home_nurse", orgCode: "CH00001", orgType: "care_home", trainingCompletedAt: "2025-01-15" } as const;

describe("verifySourceToken", () => {
  it("gives the source and the types its token may write", async () => {
    const identity = await verifySourceToken(`Bearer ${await labToken()}`, deps);
    expect(identity).toMatchObject({ clientId: "lab-synnovis", odsCode: "8HV48", kind: "laboratory" });
    expect(mayWrite(identity, "Observation")).toBe(true);
    expect(mayWrite(identity, "DiagnosticReport")).toBe(true);
    expect(mayWrite(identity, "Patient")).toBe(false); // registered, but not asked for in this token
    expect(mayWrite(identity, "MedicationRequest")).toBe(false);
  });

  it("refuses a missing or malformed Authorization header", async () => {
    await refused(undefined);
    await refused("Basic abc");
    await refused("Bearer not-a-jwt");
  });

  it("refuses a user's gateway token, and one signed with this service's own key but meant for the gateway", async () => {
    const e = env();
    await refused(`Bearer ${await mintUserToken(nurse, { secret: e.JWT_SECRET, issuer: e.JWT_ISSUER, audience: e.JWT_AUDIENCE }, "1h")}`);
    // Same key and issuer: only the audience and token type tell them apart.
    await refused(`Bearer ${await mintUserToken(nurse, { secret: settings.secret, issuer: settings.tokenUrl, audience: e.JWT_AUDIENCE }, "1h")}`);
  });

  // Each of audience and type alone refuses a token of this key and issuer made for something else.
  const forge = (typ: string, audience: string) =>
    new SignJWT({ scope: "system/Observation.write" })
      .setProtectedHeader({ alg: "HS256", typ })
      .setIssuer(settings.tokenUrl)
      .setAudience(audience)
      .setSubject(lab.clientId)
      .setJti("x")
      .setIssuedAt()
      .setExpirationTime("5m")
      .sign(hmacKey(settings.secret));

  it("refuses a token with this audience but not minted as an access token (typ)", async () => {
    await refused(`Bearer ${await forge("JWT", INGEST_AUDIENCE)}`);
  });

  it("refuses an access token minted for another audience (the gateway's)", async () => {
    await refused(`Bearer ${await forge("at+jwt", env().JWT_AUDIENCE)}`);
    expect((await verifySourceToken(`Bearer ${await forge("at+jwt", INGEST_AUDIENCE)}`, deps)).clientId).toBe(lab.clientId); // the forge itself is sound
  });

  it("refuses an expired token, another issuer's and another key's", async () => {
    const old = await mintSourceToken(lab, "system/Observation.write", { ...settings, now: () => new Date(Date.now() - 10 * 60_000) });
    await refused(`Bearer ${old}`);
    await refused(`Bearer ${await mintSourceToken(lab, "system/Observation.write", { ...settings, tokenUrl: "https://elsewhere.test/token" })}`);
    await refused(`Bearer ${await mintSourceToken(lab, "system/Observation.write", { ...settings, secret: "another-secret-of-at-least-32-characters" })}`);
  });

  it("refuses a token of a source removed from the registry since", async () => {
    const token = await labToken();
    const without = new Map([...sources].filter(([id]) => id !== lab.clientId));
    await refused(`Bearer ${token}`, { ...deps, sources: without });
  });

  it("grants no type the registry no longer allows, whatever the token says", async () => {
    const narrowed: SourceSystem = { ...lab, scopes: new Set(["DiagnosticReport"]) };
    const identity = await verifySourceToken(`Bearer ${await labToken()}`, { ...deps, sources: new Map([[lab.clientId, narrowed]]) });
    expect([...identity.scopes]).toEqual(["DiagnosticReport"]);
    expect(mayWrite(identity, "Observation")).toBe(false);
  });
});
