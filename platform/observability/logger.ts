// One pino logger for every part, one JSON object per line. Clinical content is never logged:
// request bodies, variables and resolver values are not passed to it, and three defences stand
// behind that rule for what slips through anyway (a library's error, the gateway engine's own
// messages): a redact list for known keys, `scrubLogValue` dropping request-shaped keys wherever
// they sit, and every string field and message having NHS-number-shaped digit runs masked.
import { pino } from "pino";
import { env } from "../config/env.js";

/** Ten digits, optionally printed 3-3-4 with spaces or dashes: what an NHS number looks like in text. */
const NHS_LIKE = /(?<!\d)\d{3}[ -]?\d{3}[ -]?\d{4}(?!\d)/g;
/** Keys whose values are (parts of) a request or response: never logged, at any depth. */
const REQUEST_KEYS = new Set([
  "body",
  "variables",
  "variableValues",
  "query",
  "document",
  "params",
  "data",
  "result",
  "request",
  "response",
  "headers",
  "args",
  "input",
  "rawBody",
  "operation",
  "executionRequest",
  "context",
]);
const MAX_STRING = 2_000;
const MAX_DEPTH = 5;

export const maskIdentifiers = (text: string) => text.replace(NHS_LIKE, "[nhs-number]");

/** A copy of `value` safe to log: request-shaped keys dropped, strings masked and bounded, errors reduced. */
export function scrubLogValue(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return maskIdentifiers(value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…` : value);
  if (typeof value === "number") return maskIdentifiers(String(value)) === String(value) ? value : "[nhs-number]";
  if (value === null || typeof value !== "object") return value;
  if (depth >= MAX_DEPTH) return "[depth]";
  if (value instanceof Error) {
    const { name, message, stack } = value;
    const code = (value as { code?: unknown }).code;
    return scrubLogValue({ name, code, message, stack }, depth + 1);
  }
  if (Array.isArray(value)) return value.slice(0, 20).map((v) => scrubLogValue(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) out[key] = REQUEST_KEYS.has(key) ? "[dropped]" : scrubLogValue(v, depth + 1);
  return out;
}

export const logger = pino({
  level: env().LOG_LEVEL,
  base: { service: "carerecord" },
  redact: {
    paths: ["*.nhsNumber", "*.variables", "*.authorization", "req.headers.authorization", "*.dateOfBirth", "*.givenName", "*.familyName"],
    censor: "[redacted]",
  },
  formatters: { log: (object) => scrubLogValue(object) as Record<string, unknown> },
  hooks: {
    logMethod(args, method) {
      method.apply(this, args.map((a) => (typeof a === "string" ? maskIdentifiers(a) : a)) as Parameters<typeof method>);
    },
  },
});

/** Apollo Server's logger interface, written through pino (its default prints plain text to the console). */
const apollo = logger.child({ component: "apollo-server" });
const line = (args: unknown[]) => maskIdentifiers(args.map(String).join(" ").slice(0, MAX_STRING));
export const apolloLogger = {
  debug: (...args: unknown[]) => apollo.debug(line(args)),
  info: (...args: unknown[]) => apollo.info(line(args)),
  warn: (...args: unknown[]) => apollo.warn(line(args)),
  error: (...args: unknown[]) => apollo.error(line(args)),
};
