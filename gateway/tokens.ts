// User tokens. Claims follow NHS smartcard / RBAC login data; in production they come from the
// identity provider, here `npm run token` mints them with the clearly marked development key.
import { SignJWT, decodeJwt, jwtVerify } from "jose";
import { z } from "zod";
import { Identity, OrgType, Role, defaultOrgTypeForRole } from "../platform/identity/identity.js";
import { hmacKey, rememberVerified } from "../platform/identity/verified-tokens.js";

export interface TokenSettings {
  secret: string;
  issuer: string;
  audience: string;
}

const Claims = z.object({
  sub: z.string(),
  name: z.string(),
  role: Role,
  org: z.string(),
  org_type: OrgType.optional(),
  training_completed: z.iso.date().nullable().optional(),
});

/** The token of an `Authorization: Bearer <token>` header, or null. */
export function bearerToken(header: string | null | undefined): string | null {
  return /^Bearer\s+(\S+)$/i.exec(header ?? "")?.[1] ?? null;
}

const verifiers = new WeakMap<TokenSettings, (token: string) => Promise<Identity>>();

/** Verifies a user token; a token verified before is remembered until its expiry. */
export function verifyUserToken(token: string, settings: TokenSettings): Promise<Identity> {
  let verify = verifiers.get(settings);
  if (!verify) verifiers.set(settings, (verify = rememberVerified((t) => verifyInFull(t, settings))));
  return verify(token);
}

/** Clock difference tolerated between the identity provider and us, for `iat`, `nbf` and `exp`. */
export const CLOCK_SKEW_SECONDS = 300;
/** The longest a user token may live (`exp - iat`); the mint default. */
export const MAX_LIFETIME_SECONDS = 12 * 3600;

async function verifyInFull(token: string, settings: TokenSettings): Promise<{ value: Identity; expiresAt: number }> {
  // maxTokenAge makes jose require `iat` and refuse one in the future (beyond the skew); `nbf` in
  // the future is refused whenever present.
  const { payload } = await jwtVerify(token, hmacKey(settings.secret), {
    issuer: settings.issuer,
    audience: settings.audience,
    algorithms: ["HS256"],
    requiredClaims: ["exp", "iat", "sub"],
    clockTolerance: CLOCK_SKEW_SECONDS,
    maxTokenAge: MAX_LIFETIME_SECONDS,
  });
  if (payload.exp! - payload.iat! > MAX_LIFETIME_SECONDS) throw new Error("token lifetime exceeds the maximum");
  const claims = Claims.parse(payload);
  const identity = Identity.parse({
    userId: claims.sub,
    name: claims.name,
    role: claims.role,
    orgCode: claims.org,
    orgType: claims.org_type ?? defaultOrgTypeForRole[claims.role],
    trainingCompletedAt: claims.training_completed ?? null,
  });
  return { value: identity, expiresAt: (payload.exp ?? 0) * 1000 };
}

export async function mintUserToken(identity: Identity, settings: TokenSettings, lifetime = "12h"): Promise<string> {
  return new SignJWT({
    name: identity.name,
    role: identity.role,
    org: identity.orgCode,
    org_type: identity.orgType,
    training_completed: identity.trainingCompletedAt,
  })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(identity.userId)
    .setIssuer(settings.issuer)
    .setAudience(settings.audience)
    .setIssuedAt()
    .setExpirationTime(lifetime)
    .sign(hmacKey(settings.secret))
    .then((token) => {
      // Never mint what verification would refuse.
      const { iat, exp } = decodeJwt(token);
      if (exp! - iat! > MAX_LIFETIME_SECONDS) throw new Error(`token lifetime ${lifetime} exceeds the maximum of ${MAX_LIFETIME_SECONDS / 3600} h`);
      return token;
    });
}
