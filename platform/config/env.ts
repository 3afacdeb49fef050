// The only place that reads process.env. Everything is validated once, grouped by concern, and a
// bad value stops the process with a message that names the variable.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";

/** Development-only secrets so the demo and tests run without setup. Refused when NODE_ENV=production. */
export const DEVELOPMENT_JWT_SECRET = "carerecord-DEVELOPMENT-ONLY-jwt-secret-not-for-real-use";
export const DEVELOPMENT_INTERNAL_SECRET = "carerecord-DEVELOPMENT-ONLY-internal-secret-not-for-real-use";
export const DEVELOPMENT_METRICS_TOKEN = "carerecord-DEVELOPMENT-ONLY-metrics-token-not-for-real-use";
export const DEVELOPMENT_CURSOR_SECRET = "carerecord-DEVELOPMENT-ONLY-cursor-secret-not-for-real-use";
export const DEVELOPMENT_INGEST_TOKEN_SECRET = "carerecord-DEVELOPMENT-ONLY-ingest-token-secret-not-for-real-use";
/** The demo source systems, whose private keys are committed (ingest/dev-keys/); absolute, so the working directory does not matter. */
export const DEVELOPMENT_INGEST_SOURCES_FILE = fileURLToPath(new URL("../../ingest/dev-sources.json", import.meta.url));

const port = z.coerce.number().int().min(0).max(65535);
const optionalUrl = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .pipe(z.url().optional())
  .optional();

const onOff = z.enum(["on", "off"]);
/** A comma-separated list, entries trimmed, empty ones dropped. */
const commaList = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((v) =>
      v
        .split(",")
        .map((entry) => entry.trim())
        .filter((entry) => entry !== ""),
    );

const schema = z
  .object({
    NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
    // Shared with the Hive gateway's own logger, which reads LOG_LEVEL itself and accepts only these.
    LOG_LEVEL: z.enum(["error", "warn", "info", "debug", "trace"]).default("info"),
    DATABASE_URL: optionalUrl,
    REDIS_URL: optionalUrl,
    DATA_DIR: z.string().default(".data"),
    HOST: z.string().default("127.0.0.1"),
    GATEWAY_PORT: port.default(4000),
    SUBGRAPH_BASE_PORT: port.default(4001),
    PORT: port.optional(),
    JWT_SECRET: z.string().min(32).default(DEVELOPMENT_JWT_SECRET),
    JWT_ISSUER: z.string().default("carerecord-dev-identity"),
    JWT_AUDIENCE: z.string().default("carerecord"),
    INTERNAL_SECRET: z.string().min(32).default(DEVELOPMENT_INTERNAL_SECRET),
    // Key of the paging cursors' authenticated encryption (platform/graphql/paging.ts): every
    // replica of a subgraph needs the same one; a new key makes the cursors already issued invalid.
    CURSOR_SECRET: z.string().min(32).default(DEVELOPMENT_CURSOR_SECRET),
    // Browser origins allowed to call the gateway (comma-separated, exact match); none by default.
    CORS_ORIGINS: commaList(""),
    // Bearer token the Prometheus scraper sends to /metrics on the gateway and every subgraph.
    METRICS_TOKEN: z.string().min(32).default(DEVELOPMENT_METRICS_TOKEN),
    // Every SUBGRAPH_URL_<NAME> (where a subgraph runs when not in this process), by variable
    // name; which names exist is the subgraph registry's business (subgraphs/registry.ts).
    SUBGRAPH_URLS: z.record(z.string().regex(/^SUBGRAPH_URL_[A-Z0-9_]+$/), z.url()).default({}),
    // Cache (platform/cache): on by default; REDIS_URL adds the shared L2 and cross-instance purge.
    CACHE: onOff.default("on"),
    CACHE_L1_MAX_ENTRIES: z.coerce.number().int().min(0).max(10_000_000).default(50_000),
    CACHE_L1_TTL_MS: z.coerce.number().int().min(0).max(3_600_000).default(60_000),
    CACHE_L2_TTL_S: z.coerce.number().int().min(1).max(86_400).default(600),
    // Short, but above the event-loop stalls of a busy Node process, which would otherwise be
    // mistaken for a slow Redis and open the circuit.
    REDIS_TIMEOUT_MS: z.coerce.number().int().min(1).max(10_000).default(200),
    // Benchmarks only: measures what the subgraphs' graphql-shield layer costs. Refused in production.
    SHIELD: onOff.default("on"),
    // What executes a subgraph's operations (platform/subgraph/jit-executor.ts): graphql-js, or
    // graphql-jit, which hands anything it might answer differently to graphql-js. graphql-js by
    // default: the warm benchmark shows no measurable gain from jit yet (bench/PROFILE.md).
    SUBGRAPH_EXECUTOR: z.enum(["jit", "graphql-js"]).default("graphql-js"),
    SEED_RESIDENTS: z.coerce.number().int().min(0).max(1_000_000).default(200),
    // Request limits (gateway/limits.ts): cost with variables applied, body size before parsing,
    // per-user rate and concurrency. Defaults are calibrated in the README's "Limits" section.
    MAX_QUERY_COST: z.coerce.number().int().min(1).default(150_000),
    MAX_BODY_BYTES: z.coerce.number().int().min(1024).max(1_048_576).default(65_536),
    RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(1200),
    MAX_CONCURRENT_PER_USER: z.coerce.number().int().min(1).default(8),
    COST_PER_MINUTE_PER_USER: z.coerce.number().int().min(1).default(1_200_000),
    // The bulk lane (gateway/bulk-lane.ts): where operations costing at least BULK_LANE_MIN_COST
    // run, so they never hold up short look-ups; unset, every operation runs here. A bulk lane
    // process (`npm run start:bulk-lane`) lowers its own CPU priority by BULK_LANE_NICE.
    BULK_LANE_URL: z.preprocess((v) => (v === "" ? undefined : v), z.url().optional()),
    BULK_LANE_MIN_COST: z.coerce.number().int().min(1).default(10_000),
    BULK_LANE_NICE: z.coerce.number().int().min(0).max(19).default(10),
    // A frozen subgraph must cost its own sections, not the whole view: each subgraph call gives up
    // after UPSTREAM_TIMEOUT_MS without an answer from that subgraph, and no request runs longer than
    // REQUEST_DEADLINE_MS in all. A subgraph still answering other calls is busy, not frozen: its
    // calls may wait up to UPSTREAM_BUSY_TIMEOUT_MS (gateway/upstream-timeout.ts).
    UPSTREAM_TIMEOUT_MS: z.coerce.number().int().min(1).max(120_000).default(1500),
    UPSTREAM_BUSY_TIMEOUT_MS: z.coerce.number().int().min(1).max(600_000).default(3500),
    REQUEST_DEADLINE_MS: z.coerce.number().int().min(1).max(600_000).default(5000),
    // Client requests one gateway process executes at once; the rest wait their turn within the
    // request deadline (gateway/admission.ts). Calibrated in bench/PROFILE.md.
    MAX_IN_FLIGHT: z.coerce.number().int().min(1).max(10_000).default(64),
    // Trusted documents (gateway/trusted-documents.ts): GraphQL Code Generator persisted-document
    // manifests (comma-separated paths) whose operations clients may run by hash; and whether any
    // other document may run at all (unset: yes, except in production).
    TRUSTED_DOCUMENTS: commaList("clients/generated/persisted-documents.json"),
    ALLOW_ARBITRARY_DOCUMENTS: z.enum(["true", "false"]).optional(),
    // FHIR ingestion (ingest/): the key of the short-lived access tokens the token endpoint issues
    // to source systems, and the registry of those systems (who may send what, their public keys).
    INGEST_TOKEN_SECRET: z.string().min(32).default(DEVELOPMENT_INGEST_TOKEN_SECRET),
    INGEST_SOURCES_FILE: z.string().trim().min(1).default(DEVELOPMENT_INGEST_SOURCES_FILE),
    // The FHIR front door's port, its public base URL (the token endpoint's audience is
    // `${INGEST_PUBLIC_URL}/auth/token`; unset, where it listens) and its body bound: a
    // 10,000-entry laboratory Bundle is about 15 MB.
    INGEST_PORT: port.default(4020),
    INGEST_PUBLIC_URL: optionalUrl,
    // A queued ingestion job running longer than this is presumed dead (its worker killed or frozen) and retried.
    INGEST_JOB_TIMEOUT_S: z.coerce.number().int().min(1).max(86_400).default(120),
    INGEST_MAX_BODY_BYTES: z.coerce.number().int().min(65_536).max(268_435_456).default(33_554_432),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV !== "production") return;
    if (env.JWT_SECRET === DEVELOPMENT_JWT_SECRET)
      ctx.addIssue({ code: "custom", path: ["JWT_SECRET"], message: "the development key must not be used in production" });
    if (env.SHIELD === "off") ctx.addIssue({ code: "custom", path: ["SHIELD"], message: "authorisation cannot be switched off in production" });
    if (env.INTERNAL_SECRET === DEVELOPMENT_INTERNAL_SECRET)
      ctx.addIssue({ code: "custom", path: ["INTERNAL_SECRET"], message: "the development key must not be used in production" });
    if (env.METRICS_TOKEN === DEVELOPMENT_METRICS_TOKEN)
      ctx.addIssue({ code: "custom", path: ["METRICS_TOKEN"], message: "the development key must not be used in production" });
    if (env.CURSOR_SECRET === DEVELOPMENT_CURSOR_SECRET)
      ctx.addIssue({ code: "custom", path: ["CURSOR_SECRET"], message: "the development key must not be used in production" });
    if (env.INGEST_TOKEN_SECRET === DEVELOPMENT_INGEST_TOKEN_SECRET)
      ctx.addIssue({ code: "custom", path: ["INGEST_TOKEN_SECRET"], message: "the development key must not be used in production" });
    if (path.resolve(env.INGEST_SOURCES_FILE) === DEVELOPMENT_INGEST_SOURCES_FILE)
      ctx.addIssue({
        code: "custom",
        path: ["INGEST_SOURCES_FILE"],
        message: "the development sources (whose private keys are published) must not be used in production",
      });
  });

export type Env = z.infer<typeof schema>;

export function parseEnv(source: Record<string, string | undefined>): Env {
  const subgraphUrls = Object.fromEntries(
    Object.entries(source)
      .filter(([k, v]) => k.startsWith("SUBGRAPH_URL_") && v !== undefined && v.trim() !== "")
      .map(([k, v]) => [k, v!.trim()]),
  );
  const result = schema.safeParse({ ...source, SUBGRAPH_URLS: subgraphUrls });
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  return result.data;
}

export class ConfigError extends Error {}

let cached: Env | undefined;

/**
 * Runs a piece of configuration reading; a bad value exits with a readable message, never a stack
 * trace. The environment itself goes through this, and so does what is derived from it elsewhere
 * (the subgraph registry's URLs).
 */
export function configOrExit<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
}

/** The process environment, parsed once. */
export function env(): Env {
  cached ??= configOrExit(() => parseEnv(process.env));
  return cached;
}
