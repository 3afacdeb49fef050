// The runtime's own log lines (failed subgraph calls above all) go through our pino logger with
// their codes only: left to itself the runtime prints a failed call's request body, variables and
// all, which carry NHS numbers.
import { Logger, type LogLevel } from "@graphql-hive/gateway-runtime";
import { logger } from "../subgraphs/kernel/logger.js";

type Attrs = Record<string, unknown> | null | undefined;

/** Names and codes from an attribute bag (an error, or an object holding errors), nothing else. */
function codesOf(attrs: Attrs, depth = 0): Record<string, unknown>[] {
  if (!attrs || typeof attrs !== "object" || depth > 3) return [];
  const ext = (attrs as { extensions?: Record<string, unknown> }).extensions;
  const own = {
    ...(typeof attrs.name === "string" ? { name: attrs.name } : {}),
    ...(typeof attrs.code === "string" ? { code: attrs.code } : {}),
    ...(typeof ext?.code === "string" ? { code: ext.code } : {}),
    ...(typeof ext?.serviceName === "string" ? { subgraph: ext.serviceName } : {}),
    ...(typeof attrs.subgraphName === "string" ? { subgraph: attrs.subgraphName } : {}),
  };
  const nested = Object.values(attrs).flatMap((v) => (v && typeof v === "object" ? codesOf(v as Attrs, depth + 1) : []));
  return [...(Object.keys(own).length > 0 ? [own] : []), ...nested].slice(0, 10);
}

export function runtimeLogger(level: LogLevel): Logger {
  return new Logger({
    level,
    writers: [
      {
        write(lvl, attrs, msg) {
          const fields = { component: "gateway-runtime", errors: codesOf(attrs as Attrs) };
          // The runtime's message text is its own; keep it short.
          const text = typeof msg === "string" ? msg.slice(0, 200) : "gateway runtime";
          logger[lvl](fields, text);
        },
      },
    ],
  });
}
