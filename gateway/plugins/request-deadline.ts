// No client request runs longer than REQUEST_DEADLINE_MS. The runtime's own `requestDeadline`
// answers a plain-text 503; this one answers a GraphQL error with a code a client can switch on
// (SERVICE_UNAVAILABLE, retryable) and aborts the request's signal so subgraph calls still in
// flight are cancelled.
import type { GatewayPlugin } from "@graphql-hive/gateway-runtime";
import { SERVICE_UNAVAILABLE } from "./source-errors.js";

const BODY = JSON.stringify({
  errors: [{ message: "The care record took too long to answer. Try again shortly.", extensions: { code: SERVICE_UNAVAILABLE, retryable: true } }],
});

export function useRequestDeadline(ms: number): GatewayPlugin {
  return {
    onRequest({ request, requestHandler, setRequestHandler, fetchAPI }) {
      const deadline = new AbortController();
      Object.defineProperty(request, "signal", { value: AbortSignal.any([request.signal, deadline.signal]) });
      setRequestHandler(
        (req, ctx) =>
          new Promise((resolve, reject) => {
            const timer = setTimeout(() => {
              deadline.abort();
              resolve(new fetchAPI.Response(BODY, { status: 503, headers: { "content-type": "application/json; charset=utf-8" } }));
            }, ms);
            Promise.resolve(requestHandler(req, ctx)).then(
              (response) => {
                clearTimeout(timer);
                resolve(response);
              },
              (error: unknown) => {
                clearTimeout(timer);
                reject(error);
              },
            );
          }),
      );
    },
  };
}
