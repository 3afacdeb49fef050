// What a source system sends the token endpoint to prove who it is (SMART Backend Services): a JWT
// with iss = sub = its client id, aud = the token endpoint URL, a unique jti and a short exp,
// signed with its private key. Used by `npm run source-token`, the tests and demo feeds.
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { SignJWT, importJWK, type JWK } from "jose";
import { z } from "zod";

export interface ClientAssertionOptions {
  clientId: string;
  tokenUrl: string;
  /** The private key as a JWK; its `kid` names the registered public key to check it with. */
  privateJwk: JWK;
  alg?: "ES384" | "RS384";
  /** At most 300 (the token endpoint refuses more). */
  lifetimeSeconds?: number;
  now?: Date;
}

export async function signClientAssertion(options: ClientAssertionOptions): Promise<string> {
  const alg = options.alg ?? (options.privateJwk.kty === "RSA" ? "RS384" : "ES384");
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg, typ: "JWT", ...(options.privateJwk.kid ? { kid: options.privateJwk.kid } : {}) })
    .setIssuer(options.clientId)
    .setSubject(options.clientId)
    .setAudience(options.tokenUrl)
    .setJti(randomUUID())
    .setIssuedAt(now)
    .setExpirationTime(now + (options.lifetimeSeconds ?? 300))
    .sign(await importJWK(options.privateJwk, alg));
}

const DevelopmentKeyFile = z.object({ clientId: z.string(), developmentOnlyPrivateJwk: z.looseObject({ kty: z.string(), kid: z.string(), d: z.string() }) });

/** The committed DEVELOPMENT ONLY private key of a demo source (ingest/dev-keys/<clientId>.private.json). */
export function readDevelopmentKey(clientId: string): JWK {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(clientId)) throw new Error(`not a client id: ${clientId}`);
  const file = new URL(`../dev-keys/${clientId}.private.json`, import.meta.url);
  const parsed = DevelopmentKeyFile.parse(JSON.parse(readFileSync(file, "utf8")));
  if (parsed.clientId !== clientId) throw new Error(`${file.pathname} holds the key of ${parsed.clientId}, not ${clientId}`);
  return parsed.developmentOnlyPrivateJwk as JWK;
}
