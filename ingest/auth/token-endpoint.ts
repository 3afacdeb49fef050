// The token endpoint of SMART Backend Services (RFC 6749 client credentials, the client
// authenticated by a signed JWT per RFC 7523): a source system proves who it is with an assertion
// signed by a key in the registry and receives a 5-minute access token for the resource types it
// asked for, within those it is registered for. Framework-free: a form in, a status and body out.
import { createLocalJWKSet, decodeJwt, errors, jwtVerify, type JWTPayload } from "jose";
import { logger } from "../../platform/observability/logger.js";
import type { SourceRegistry, SourceSystem } from "../sources.js";
import { ACCESS_TOKEN_LIFETIME_SECONDS, CLOCK_SKEW_SECONDS, mintSourceToken, type SourceTokenSettings } from "./access-token.js";
import type { ReplayStore } from "./replay-store.js";
import { parseWriteScopes } from "./scopes.js";

export const JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
/** The SMART Backend Services algorithms; anything else (none, HS256, ES256, PS384...) is refused. */
export const ASSERTION_ALGORITHMS = ["ES384", "RS384"];
/** SMART: an assertion's `exp` is at most five minutes ahead. */
export const MAX_ASSERTION_LIFETIME_SECONDS = 300;
/** Far above any real assertion (an RS384 one with a 4096-bit key is under 1 KB): bounds the work of parsing. */
const MAX_ASSERTION_LENGTH = 8_192;
const MAX_JTI_LENGTH = 255;
const SINGLE_VALUED = ["grant_type", "client_assertion_type", "client_assertion", "scope"];

export interface TokenEndpointDeps extends SourceTokenSettings {
  sources: SourceRegistry;
  replay: ReplayStore;
}

export type OAuthErrorCode = "invalid_request" | "invalid_client" | "invalid_scope" | "unsupported_grant_type";
export interface TokenResponse {
  access_token: string;
  token_type: "bearer";
  expires_in: number;
  scope: string;
}
/** RFC 6749 §5.1: token responses (and their errors) must not be cached. */
export const TOKEN_RESPONSE_HEADERS = { "cache-control": "no-store", pragma: "no-cache" } as const;
export type TokenResult =
  | { status: 200; headers: typeof TOKEN_RESPONSE_HEADERS; body: TokenResponse }
  | { status: 400 | 401; headers: typeof TOKEN_RESPONSE_HEADERS; body: { error: OAuthErrorCode; error_description: string } };

const log = logger.child({ component: "ingest-token" });

/** Answers a token request (the form of `application/x-www-form-urlencoded` POST body). */
export async function exchangeClientAssertion(form: URLSearchParams, deps: TokenEndpointDeps): Promise<TokenResult> {
  const repeated = SINGLE_VALUED.find((name) => form.getAll(name).length > 1);
  if (repeated) return refuse("invalid_request", `${repeated} is given more than once`, "repeated_parameter");
  const grantType = form.get("grant_type");
  if (!grantType) return refuse("invalid_request", "grant_type is required", "no_grant_type");
  if (grantType !== "client_credentials") return refuse("unsupported_grant_type", "grant_type must be client_credentials", "grant_type");
  if (form.get("client_assertion_type") !== JWT_BEARER)
    return refuse("invalid_request", `client_assertion_type must be ${JWT_BEARER}`, "client_assertion_type");
  const assertion = form.get("client_assertion");
  if (!assertion) return refuse("invalid_request", "client_assertion is required", "no_assertion");
  if (assertion.length > MAX_ASSERTION_LENGTH) return refuse("invalid_request", "client_assertion is too long", "assertion_too_long");
  const scope = form.get("scope")?.trim();
  if (!scope) return refuse("invalid_request", "scope is required (system/<ResourceType>.write or .cud for each type)", "no_scope");

  const authenticated = await authenticate(assertion, deps);
  if (!authenticated.ok) return refuse("invalid_client", authenticated.description, authenticated.reason, authenticated.clientId);
  const { source } = authenticated;

  const requested = parseWriteScopes(scope);
  if (!requested.ok)
    return refuse(
      "invalid_scope",
      `"${requested.scope.slice(0, 100)}" is not a system write scope of a supported resource type`,
      "unknown_scope",
      source.clientId,
    );
  const outside = [...requested.types].filter((type) => !source.scopes.has(type));
  if (outside.length > 0) return refuse("invalid_scope", `this client may not write ${outside.join(", ")}`, "scope_not_registered", source.clientId);

  const granted = [...new Set(scope.split(" ").filter((s) => s !== ""))].join(" ");
  const accessToken = await mintSourceToken(source, granted, deps);
  log.info({ clientId: source.clientId }, "source access token issued");
  return {
    status: 200,
    headers: TOKEN_RESPONSE_HEADERS,
    body: { access_token: accessToken, token_type: "bearer", expires_in: ACCESS_TOKEN_LIFETIME_SECONDS, scope: granted },
  };
}

type Authenticated = { ok: true; source: SourceSystem } | { ok: false; reason: string; description: string; clientId?: string };

/** Anything that fails before the signature is known good gets this one description: no oracle for which check failed. */
const GENERIC = "client authentication failed";

async function authenticate(assertion: string, deps: TokenEndpointDeps): Promise<Authenticated> {
  let unverified: JWTPayload;
  try {
    unverified = decodeJwt(assertion);
  } catch {
    return { ok: false, reason: "malformed_assertion", description: GENERIC };
  }
  const iss = typeof unverified.iss === "string" ? unverified.iss : undefined; // the type is not checked by decodeJwt
  // Logged, so bounded: it is whatever the sender wrote until the signature is checked.
  const clientId = iss?.slice(0, 100);
  if (iss === undefined || unverified.sub !== iss)
    return { ok: false, reason: "iss_sub_mismatch", description: "iss and sub must both be the client id", clientId };
  const source = deps.sources.get(iss);
  if (!source) return { ok: false, reason: "unknown_client", description: GENERIC, clientId };

  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(assertion, jwksOf(source), {
      algorithms: ASSERTION_ALGORITHMS,
      audience: deps.tokenUrl,
      requiredClaims: ["exp"], // jti is checked below (its type and length too)
      clockTolerance: CLOCK_SKEW_SECONDS,
      currentDate: deps.now?.(),
    }));
  } catch (error) {
    // jose checks claims only after the signature verified: the sender holds the key, and telling
    // it which claim is wrong helps it fix its client without helping anyone else.
    if (error instanceof errors.JWTExpired) return { ok: false, reason: "expired", description: "the assertion has expired", clientId };
    if (error instanceof errors.JWTClaimValidationFailed)
      return { ok: false, reason: `claim_${error.claim}`, description: claimDescription(error.claim, deps.tokenUrl), clientId };
    return { ok: false, reason: "signature", description: GENERIC, clientId };
  }
  const nowSeconds = (deps.now?.() ?? new Date()).getTime() / 1000;
  if (payload.exp! > nowSeconds + MAX_ASSERTION_LIFETIME_SECONDS + CLOCK_SKEW_SECONDS)
    return { ok: false, reason: "exp_too_far", description: "exp must be at most 5 minutes ahead", clientId };
  if (typeof payload.jti !== "string" || payload.jti === "" || payload.jti.length > MAX_JTI_LENGTH)
    return { ok: false, reason: "claim_jti", description: claimDescription("jti", deps.tokenUrl), clientId };
  // Kept until the assertion could no longer pass the `exp` check (skew included).
  const fresh = await deps.replay.remember(source.clientId, payload.jti, new Date((payload.exp! + CLOCK_SKEW_SECONDS) * 1000));
  if (!fresh) return { ok: false, reason: "replayed", description: "this assertion (jti) has been used before", clientId };
  return { ok: true, source };
}

function claimDescription(claim: string, tokenUrl: string): string {
  if (claim === "aud") return `aud must be the token endpoint URL, ${tokenUrl}`;
  if (claim === "jti") return `jti is required: a unique string of at most ${MAX_JTI_LENGTH} characters`;
  if (claim === "exp") return "exp is required";
  if (claim === "nbf") return "the assertion is not valid yet (nbf)";
  return `the ${claim} claim is invalid`;
}

const jwksets = new WeakMap<SourceSystem, ReturnType<typeof createLocalJWKSet>>();
/** One key set per registered source (jose imports each key once and caches it inside). */
function jwksOf(source: SourceSystem): ReturnType<typeof createLocalJWKSet> {
  let jwks = jwksets.get(source);
  if (!jwks) jwksets.set(source, (jwks = createLocalJWKSet({ keys: [...source.jwks] })));
  return jwks;
}

function refuse(error: OAuthErrorCode, description: string, reason: string, clientId?: string): TokenResult {
  log.warn({ clientId, reason }, "source token request refused");
  // RFC 6749 §5.2 allows 401 for a client that failed to authenticate; everything else is 400.
  return { status: error === "invalid_client" ? 401 : 400, headers: TOKEN_RESPONSE_HEADERS, body: { error, error_description: description } };
}
