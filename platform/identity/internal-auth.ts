// Gateway -> subgraph trust. The gateway verifies the user's token, then signs the resulting
// identity into a short-lived internal JWT that subgraphs verify with a secret only the gateway
// and the subgraphs hold. A request that did not come through the gateway has no valid signature
// and is refused before any resolver runs.
import { SignJWT, jwtVerify } from "jose";
import { Identity } from "./identity.js";
import { domainError, ErrorCode } from "../errors/errors.js";
import { hmacKey, rememberVerified } from "./verified-tokens.js";
import { logger } from "../observability/logger.js";

export const INTERNAL_HEADER = "x-carerecord-gateway";
const ISSUER = "carerecord-gateway";
const AUDIENCE = "carerecord-subgraphs";
const LIFETIME_SECONDS = 60;
const CLOCK_SKEW_SECONDS = 5;

export async function signInternalIdentity(identity: Identity, secret: string): Promise<string> {
  return new SignJWT({ identity })
    .setProtectedHeader({ alg: "HS256" })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${LIFETIME_SECONDS}s`)
    .sign(hmacKey(secret));
}

const verifiers = new Map<string, (token: string) => Promise<Identity>>();
const verifierFor = (secret: string) => {
  let verify = verifiers.get(secret);
  if (!verify)
    verifiers.set(
      secret,
      (verify = rememberVerified(async (token) => {
        // `iat` and `exp` required, `iat` and `nbf` not in the future, lifetime at most the gateway's 60 s
        // (a few seconds' skew between processes allowed).
        const { payload } = await jwtVerify(token, hmacKey(secret), {
          issuer: ISSUER,
          audience: AUDIENCE,
          algorithms: ["HS256"],
          requiredClaims: ["exp", "iat"],
          clockTolerance: CLOCK_SKEW_SECONDS,
          maxTokenAge: LIFETIME_SECONDS,
        });
        if (payload.exp! - payload.iat! > LIFETIME_SECONDS) throw new Error("internal token lifetime exceeds the maximum");
        return { value: Identity.parse(payload.identity), expiresAt: (payload.exp ?? 0) * 1000 };
      })),
    );
  return verify;
};

export async function verifyInternalIdentity(token: string | undefined | null, secret: string): Promise<Identity> {
  if (!token) throw domainError(ErrorCode.GatewaySignatureRequired, "Requests must come through the gateway");
  try {
    // The five subgraph calls of one request carry the same token: verified once, remembered.
    return await verifierFor(secret)(token);
  } catch (error) {
    // Which check refused it (jose's code and claim, e.g. ERR_JWT_EXPIRED, or a malformed identity),
    // never the token: a refusal from the gateway itself means clocks or secrets disagree.
    const e = error as { code?: unknown; claim?: unknown; name?: unknown };
    logger.warn(
      { reason: typeof e.code === "string" ? e.code : String(e.name), claim: typeof e.claim === "string" ? e.claim : undefined },
      "internal signature refused",
    );
    throw domainError(ErrorCode.GatewaySignatureRequired, "The gateway signature is missing, invalid or expired");
  }
}
