// Per-user rate and concurrency limits (gateway/rate-limiter.ts), keyed by the verified user id:
// placed after the authentication plugin, so a caller cannot spread load over made-up identities
// and an unauthenticated request is refused before it counts against anyone. A refusal is HTTP 429
// with RATE_LIMITED, extensions.retryAfterSeconds and a Retry-After header.
import type { GatewayPlugin } from "@graphql-hive/gateway-runtime";
import { GraphQLError } from "graphql";
import type { Identity } from "../../platform/identity/identity.js";
import type { RateLimiter } from "../rate-limiter.js";
import type { RefusalMemo } from "../refusal-memo.js";
import { bearerToken } from "../tokens.js";

const MESSAGES = {
  rate: "Too many requests from this user; retry later",
  concurrency: "Too many requests from this user at once; wait for an answer before sending more",
  cost: "This user has asked for too much in the last minute; retry later or ask for less",
} as const;

/** The refusal: HTTP 429, RATE_LIMITED, when to retry (body and Retry-After header). */
export function rateLimited(reason: keyof typeof MESSAGES, retryAfterSeconds: number): GraphQLError {
  return new GraphQLError(MESSAGES[reason], {
    extensions: {
      code: "RATE_LIMITED",
      retryAfterSeconds,
      http: { status: 429, headers: { "retry-after": String(retryAfterSeconds) } },
    },
  });
}

export function useRateLimit(limiter: RateLimiter, refusals?: RefusalMemo): GatewayPlugin<{ identity?: Identity }> {
  // Admitted requests, released when their response is ready (or, if that never comes, when the
  // limiter takes the entry as stale).
  const inFlight = new WeakMap<Request, () => void>();
  return {
    async onContextBuilding({ context }) {
      const identity = context.identity;
      const request = context.request;
      if (!identity || !request) return; // authentication has refused it already
      const admission = await limiter.admit(identity.userId);
      if (!admission.admitted) {
        const token = bearerToken(request.headers.get("authorization"));
        if (admission.reason === "rate" && token) refusals?.remember(token, admission.retryAfterSeconds);
        throw rateLimited(admission.reason, admission.retryAfterSeconds);
      }
      inFlight.get(request)?.(); // a request object is admitted once; never leak the first slot
      // Released when the response is ready, or when the client goes away first (no response
      // then): either way once.
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        request.signal?.removeEventListener("abort", release);
        admission.release();
      };
      request.signal?.addEventListener("abort", release);
      inFlight.set(request, release);
    },
    onResponse({ request }) {
      const release = inFlight.get(request);
      if (!release) return;
      inFlight.delete(request);
      release();
    },
  };
}
