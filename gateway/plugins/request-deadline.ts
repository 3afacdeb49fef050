// No client request runs longer than REQUEST_DEADLINE_MS. The runtime's own `requestDeadline`
// answers a plain-text 503; this one answers a GraphQL error with a code a client can switch on
// (SERVICE_UNAVAILABLE, retryable) and aborts the request's signal so subgraph calls still in
// flight are cancelled.
import { setMaxListeners } from "node:events";
import type { GatewayPlugin } from "@graphql-hive/gateway-runtime";
import type { AdmissionGate } from "../admission.js";

const MAX_SIGNAL_LISTENERS = 1000;
import { SERVICE_UNAVAILABLE } from "./source-errors.js";

const BODY = JSON.stringify({
  errors: [{ message: "The care record took too long to answer. Try again shortly.", extensions: { code: SERVICE_UNAVAILABLE, retryable: true } }],
});

/** `gate`: the request waits for its place (admission.ts) inside the deadline, so the wait counts. */
export function useRequestDeadline(ms: number, gate: AdmissionGate): GatewayPlugin {
  // Every subgraph call of a request listens for abort on this signal (gateway/subgraph-fetch.ts,
  // one listener per call while it runs): a dashboard's plan adds more listeners than
  // Node's default of ten, which is not a leak, and the warning would break the one-JSON-object-per-
  // line log. Signals created from here on allow more; a real leak still warns past this bound.
  setMaxListeners(MAX_SIGNAL_LISTENERS);
  return {
    onRequest({ request, requestHandler, setRequestHandler, fetchAPI }) {
      const deadline = new AbortController();
      // Aborted by the deadline or by the client going away: either way the request stops waiting
      // for its place, and its subgraph calls are cancelled.
      const signal = AbortSignal.any([request.signal, deadline.signal]);
      Object.defineProperty(request, "signal", { value: signal });
      setRequestHandler(
        (req, ctx) =>
          new Promise((resolve, reject) => {
            const timer = setTimeout(() => {
              deadline.abort();
              resolve(new fetchAPI.Response(BODY, { status: 503, headers: { "content-type": "application/json; charset=utf-8" } }));
            }, ms);
            void gate.enter(signal).then((admitted) => {
              // Not admitted: the deadline passed (and answered) or the client left while it waited.
              if (!admitted) return;
              Promise.resolve()
                .then(() => requestHandler(req, ctx))
                .then(
                  (response) => {
                    clearTimeout(timer);
                    resolve(response);
                  },
                  (error: unknown) => {
                    clearTimeout(timer);
                    reject(error);
                  },
                )
                .finally(() => gate.leave());
            });
          }),
      );
    },
  };
}
