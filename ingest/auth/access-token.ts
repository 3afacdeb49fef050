// The access token the token endpoint issues to a source system, and its check on every
// submission. HS256 under INGEST_TOKEN_SECRET, audience `carerecord-fhir` and type `at+jwt`
// (RFC 9068): a user's gateway token (audience JWT_AUDIENCE, type JWT, another key) is never
// accepted here, and the gateway's own audience check refuses this token there.
import { randomUUID } from "node:crypto";
import { SignJWT, jwtVerify } from "jose";
import type { IssueCode } from "../../platform/ingest/contract.js";
import { hmacKey } from "../../platform/identity/verified-tokens.js";
import { bearerToken } from "../../gateway/tokens.js";
import type { SourceKind, SourceRegistry, SourceSystem } from "../sources.js";
import { parseWriteScopes } from "./scopes.js";

export const INGEST_AUDIENCE = "carerecord-fhir";
export const ACCESS_TOKEN_LIFETIME_SECONDS = 300;
const TOKEN_TYPE = "at+jwt";
/** Clock difference tolerated between replicas of the front door (and, for assertions, the senders). */
export const CLOCK_SKEW_SECONDS = 30;

export interface SourceTokenSettings {
  /** INGEST_TOKEN_SECRET. */
  secret: string;
  /** The token endpoint URL: the issuer of access tokens and the audience of client assertions. */
  tokenUrl: string;
  /** For tests; the system clock otherwise. */
  now?: () => Date;
}

/** A source system, as an access token proves it: who, and the resource types it may write with this token. */
export interface SourceIdentity {
  clientId: string;
  name: string;
  odsCode: string;
  kind: SourceKind;
  scopes: ReadonlySet<string>;
}

export class SourceAuthError extends Error {
  constructor(
    readonly status: 401,
    readonly code: IssueCode,
    message: string,
  ) {
    super(message);
    this.name = "SourceAuthError";
  }
}

export function mintSourceToken(source: SourceSystem, scope: string, settings: SourceTokenSettings): Promise<string> {
  const now = Math.floor((settings.now?.() ?? new Date()).getTime() / 1000);
  return new SignJWT({ scope })
    .setProtectedHeader({ alg: "HS256", typ: TOKEN_TYPE })
    .setIssuer(settings.tokenUrl)
    .setAudience(INGEST_AUDIENCE)
    .setSubject(source.clientId)
    .setJti(randomUUID())
    .setIssuedAt(now)
    .setExpirationTime(now + ACCESS_TOKEN_LIFETIME_SECONDS)
    .sign(hmacKey(settings.secret));
}

/** The source behind `Authorization: Bearer <access token>`; SourceAuthError (401, `login`) otherwise. */
export async function verifySourceToken(
  authorizationHeader: string | null | undefined,
  deps: SourceTokenSettings & { sources: SourceRegistry },
): Promise<SourceIdentity> {
  const token = bearerToken(authorizationHeader);
  if (!token) throw new SourceAuthError(401, "login", "a bearer access token from the token endpoint is required");
  let payload;
  try {
    ({ payload } = await jwtVerify(token, hmacKey(deps.secret), {
      algorithms: ["HS256"],
      audience: INGEST_AUDIENCE,
      issuer: deps.tokenUrl,
      typ: TOKEN_TYPE,
      requiredClaims: ["exp", "iat", "sub", "jti"],
      maxTokenAge: ACCESS_TOKEN_LIFETIME_SECONDS,
      clockTolerance: CLOCK_SKEW_SECONDS,
      currentDate: deps.now?.(),
    }));
  } catch {
    throw new SourceAuthError(401, "login", "the access token is invalid or has expired");
  }
  // A source removed from the registry since (or whose types were narrowed) loses access at once,
  // not when its token expires.
  const source = deps.sources.get(payload.sub!);
  if (!source) throw new SourceAuthError(401, "login", "the access token's source is not registered");
  const granted = parseWriteScopes(typeof payload.scope === "string" ? payload.scope : "");
  if (!granted.ok) throw new SourceAuthError(401, "login", "the access token is invalid or has expired");
  return {
    clientId: source.clientId,
    name: source.name,
    odsCode: source.odsCode,
    kind: source.kind,
    scopes: new Set([...granted.types].filter((type) => source.scopes.has(type))),
  };
}

/** Whether this token lets its source write resources of `resourceType`. */
export function mayWrite(identity: Pick<SourceIdentity, "scopes">, resourceType: string): boolean {
  return identity.scopes.has(resourceType);
}
