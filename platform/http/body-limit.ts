// Request bodies are read with a size bound before anything parses them (gateway and subgraphs).
// An oversized body is answered 413 with a coded JSON GraphQL error, never a reset connection: the
// rest of the body is read and dropped (up to a bound, past which the connection is cut), so the
// client, which may still be sending, can read the answer.
import type http from "node:http";

export class PayloadTooLargeError extends Error {
  readonly status = 413;
  constructor(readonly maxBytes: number) {
    super("request body too large");
  }
  /** The JSON GraphQL answer; the limit is public, the body is never echoed. */
  get body(): string {
    return JSON.stringify({
      errors: [{ message: `The request body is larger than ${this.maxBytes} bytes`, extensions: { code: "PAYLOAD_TOO_LARGE", limit: this.maxBytes } }],
    });
  }
}

/** Past this many dropped bytes a sender is not a careless client: the connection is cut. */
const DROP_AT_MOST = 64 * 1024 * 1024;

function dropRest(req: http.IncomingMessage): void {
  let dropped = 0;
  req.on("data", (c: Buffer) => {
    dropped += c.length;
    if (dropped > DROP_AT_MOST) req.destroy();
  });
  req.resume();
}

/** The whole body, or a rejection with PayloadTooLargeError as soon as it is known to be over `maxBytes`. */
export function readBodyWithin(req: http.IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const tooLarge = () => {
      req.off("data", onData);
      dropRest(req);
      reject(new PayloadTooLargeError(maxBytes));
    };
    let size = 0;
    const chunks: Buffer[] = [];
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > maxBytes) tooLarge();
      else chunks.push(c);
    };
    if (Number(req.headers["content-length"]) > maxBytes) return tooLarge();
    req.on("data", onData);
    req.on("end", () => resolve(Buffer.concat(chunks, size)));
    req.on("error", reject);
  });
}

export function sendPayloadTooLarge(res: http.ServerResponse, error: PayloadTooLargeError): void {
  res.writeHead(413, { "content-type": "application/json; charset=utf-8" }).end(error.body);
}
