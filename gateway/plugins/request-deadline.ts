// No client request runs longer than REQUEST_DEADLINE_MS. The runtime's own `requestDeadline`
// answers a plain-text 503; this one answers a GraphQL error with a code a client can switch on
// (SERVICE_UNAVAILABLE, retryable) and aborts the request's signal so subgraph calls still in
// flight are cancelled.
import { setMaxListeners } from "node:events";
import type { GatewayPlugin } from "@graphql-hive/gateway-runtime";

const MAX_SIGNAL_LISTENERS = 1000;
import { SERVICE_UNAVAILABLE } from "./source-errors.js";

const BODY = JSON.stringify({
  errors: [{ message: "The care record took too long to answer. Try again shortly.", extensions: { code: SERVICE_UNAVAILABLE, retryable: true } }],
});

export function useRequestDeadline(ms: number): GatewayPlugin {
  // Every subgraph call of a request listens for abort on signals derived from this one (the
  // runtime's upstream timeout combines them per call): a dashboard's plan adds more listeners than
  // Node's default of ten, which is not a leak, and the warning would break the one-JSON-object-per-
  // line log. Signals created from here on allow more; a real leak still warns past this bound.
  setMaxListeners(MAX_SIGNAL_LISTENERS);
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
