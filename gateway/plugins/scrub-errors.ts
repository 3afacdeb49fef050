// Last line of defence on the way out: no error leaves the gateway with its original error,
// stack trace or exception details attached (request parsing errors would otherwise echo the
// body, which can hold NHS numbers).
import type { GatewayPlugin } from "@graphql-hive/gateway-runtime";
import type { ExecutionResult } from "graphql";

// `request` and `serviceName`: the runtime attaches a failed subgraph call's URL and body (NHS numbers).
const INTERNAL_KEYS = ["originalError", "stacktrace", "exception", "request", "serviceName"];

function scrub(result: ExecutionResult): void {
  for (const error of result.errors ?? []) {
    // In place: the runtime reads the same error objects again to choose the HTTP status.
    const extensions = error.extensions as Record<string, unknown> | undefined;
    if (extensions) for (const key of INTERNAL_KEYS) delete extensions[key];
  }
}

export function useScrubErrors(): GatewayPlugin {
  return {
    onResultProcess({ result }) {
      for (const r of Array.isArray(result) ? result : [result]) if (r && typeof r === "object" && "errors" in r) scrub(r as ExecutionResult);
    },
  };
}
