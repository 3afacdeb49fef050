// The registry of source systems allowed to send FHIR resources: who each is (as provenance shows
// it), which resource types it may write, and the public keys its client assertions are signed
// with (SMART Backend Services). Read from INGEST_SOURCES_FILE and checked whole before use, so a
// bad entry stops the process with a message naming it instead of failing a sender at 3 am.
import { readFileSync } from "node:fs";
import { z } from "zod";
import { ConfigError, type Env } from "../platform/config/env.js";

/** The resource types the front door accepts at all; a source's scopes are a subset. */
export const FHIR_RESOURCE_TYPES = [
  "Patient",
  "EpisodeOfCare",
  "AllergyIntolerance",
  "Condition",
  "Encounter",
  "Composition",
  "DocumentReference",
  "DiagnosticReport",
  "Observation",
  "MedicationRequest",
  "MedicationDispense",
] as const;
export const FhirResourceType = z.enum(FHIR_RESOURCE_TYPES);
export type FhirResourceType = z.infer<typeof FhirResourceType>;

export const SourceKind = z.enum(["laboratory", "pharmacy", "hospital", "gp_system", "care_home_system"]);
export type SourceKind = z.infer<typeof SourceKind>;

/** Members only a private JWK has: a registry holding one means a private key was pasted by mistake. */
const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

// Only keys the token endpoint can use (ES384 on P-384, RS384 on RSA of 2048 bits or more).
const PublicJwk = z
  .looseObject({
    kid: z.string().min(1).max(200),
    kty: z.enum(["EC", "RSA"]),
    alg: z.enum(["ES384", "RS384"]).optional(),
    use: z.literal("sig").optional(),
    crv: z.string().optional(),
    x: z.string().optional(),
    y: z.string().optional(),
    n: z.string().optional(),
    e: z.string().optional(),
  })
  .superRefine((jwk, ctx) => {
    const problem = (message: string) => ctx.addIssue({ code: "custom", message: `key "${jwk.kid}": ${message}` });
    const present = PRIVATE_MEMBERS.filter((m) => m in jwk);
    if (present.length > 0) problem(`holds private key members (${present.join(", ")}); register only the public key`);
    if (jwk.kty === "EC" && (jwk.crv !== "P-384" || !jwk.x || !jwk.y || (jwk.alg ?? "ES384") !== "ES384"))
      problem("an EC key must be P-384 (ES384) with x and y");
    if (jwk.kty === "RSA" && (!jwk.n || !jwk.e || (jwk.alg ?? "RS384") !== "RS384")) problem("an RSA key must have n and e (RS384)");
    if (jwk.kty === "RSA" && jwk.n && Buffer.from(jwk.n, "base64url").length * 8 < 2048) problem("an RSA key must be at least 2048 bits");
  });
export type PublicJwk = z.infer<typeof PublicJwk>;

const Source = z
  .object({
    // Also names its development key file (ingest/dev-keys/<clientId>.private.json): no path characters.
    clientId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, "letters, digits, '.', '_' and '-' only"),
    name: z.string().trim().min(1).max(200),
    odsCode: z.string().regex(/^[A-Z0-9]{3,10}$/, "an ODS code (3 to 10 capital letters and digits)"),
    kind: SourceKind,
    scopes: z.array(FhirResourceType).min(1),
    jwks: z.array(PublicJwk).min(1, "at least one public key is needed"),
  })
  .superRefine((source, ctx) => {
    const kids = source.jwks.map((k) => k.kid);
    const repeated = kids.filter((kid, i) => kids.indexOf(kid) !== i);
    if (repeated.length > 0) ctx.addIssue({ code: "custom", path: ["jwks"], message: `duplicate kid ${[...new Set(repeated)].join(", ")}` });
  });

export interface SourceSystem {
  clientId: string;
  name: string;
  odsCode: string;
  kind: SourceKind;
  scopes: ReadonlySet<FhirResourceType>;
  jwks: readonly PublicJwk[];
}

/** Source systems by client id. */
export type SourceRegistry = ReadonlyMap<string, SourceSystem>;

const SourcesFile = z.object({
  // Marks the committed demo registry, so a copy of it under another name is refused in production too.
  development: z.boolean().default(false),
  sources: z.array(Source),
});

/** Checks a parsed registry file; `origin` names it in errors. Throws ConfigError naming the bad entry. */
export function parseSources(json: unknown, origin: string, opts: { production: boolean }): SourceRegistry {
  const result = SourcesFile.safeParse(json);
  if (!result.success) {
    const entries = (json as { sources?: unknown } | null)?.sources;
    const lines = result.error.issues.map((issue) => `  ${describeEntry(entries, issue.path)}: ${issue.message}`);
    throw new ConfigError(`Invalid source registry ${origin}:\n${lines.join("\n")}`);
  }
  if (opts.production && result.data.development)
    throw new ConfigError(`Source registry ${origin} is the development registry (its private keys are published); refused in production`);
  const registry = new Map<string, SourceSystem>();
  for (const s of result.data.sources) {
    if (registry.has(s.clientId)) throw new ConfigError(`Invalid source registry ${origin}: clientId "${s.clientId}" is registered twice`);
    registry.set(s.clientId, { ...s, scopes: new Set(s.scopes) });
  }
  return registry;
}

/** Reads and checks INGEST_SOURCES_FILE (env.ts has already refused the development file's path in production). */
export function loadSources(settings: Pick<Env, "INGEST_SOURCES_FILE" | "NODE_ENV">): SourceRegistry {
  const file = settings.INGEST_SOURCES_FILE;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new ConfigError(`Cannot read the source registry ${file}: ${(error as Error).message}`);
  }
  return parseSources(json, file, { production: settings.NODE_ENV === "production" });
}

/** `sources.2.jwks.0` as `source "lab-x" (entry 3) jwks.0`, so the operator finds the entry at once. */
function describeEntry(entries: unknown, path: readonly PropertyKey[]): string {
  if (path[0] !== "sources" || typeof path[1] !== "number") return path.join(".") || "(file)";
  const clientId = Array.isArray(entries) ? (entries[path[1]] as { clientId?: unknown } | undefined)?.clientId : undefined;
  const rest = path.slice(2).join(".");
  const who = typeof clientId === "string" ? `source "${clientId.slice(0, 100)}" (entry ${path[1] + 1})` : `source entry ${path[1] + 1}`;
  return rest ? `${who} ${rest}` : who;
}
