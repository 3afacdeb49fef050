// The gateway reads a request body itself, bounded, before the GraphQL server sees it: an oversized
// body is answered 413 PAYLOAD_TOO_LARGE and never parsed, whoever sent it (authentication comes
// later, inside the GraphQL server). The body read here is handed on as a Buffer, which the
// server adapter takes in place of the stream.
import type http from "node:http";
import { PayloadTooLargeError, readBodyWithin, sendPayloadTooLarge } from "../platform/http/body-limit.js";
import { logger } from "../platform/observability/logger.js";

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => unknown;

export function withBodyLimit(handler: Handler, maxBytes: number): Handler {
  return (req, res) => {
    if (req.method === "GET" || req.method === "HEAD" || req.method === "OPTIONS") return handler(req, res);
    readBodyWithin(req, maxBytes).then(
      (body) => {
        if (body.length > 0) (req as http.IncomingMessage & { body?: Buffer }).body = body;
        return handler(req, res);
      },
      (error: unknown) => {
        if (error instanceof PayloadTooLargeError) return sendPayloadTooLarge(res, error);
        // The client went away while sending: nothing to answer.
        logger.debug({ err: { name: (error as Error)?.name } }, "request body could not be read");
        res.destroy();
      },
    );
  };
}
