// The FHIR front door (ADR 0008): source systems send FHIR R4 resources here, authenticated as
// themselves (SMART Backend Services). Routes under the base path /fhir:
//   POST /fhir/auth/token             client assertion -> system access token
//   GET  /fhir/metadata               CapabilityStatement (no token needed)
//   POST /fhir                        transaction or batch Bundle
//   POST /fhir/<Type>                 create (If-None-Exist may name the resource's identifier)
//   PUT  /fhir/<Type>?identifier=s|v  conditional update by business identifier
//   GET  /fhir/_submission/<id>       what became of each entry of one of the caller's submissions
// Every answer is FHIR JSON; every refusal an OperationOutcome with FHIR issue codes.
import http from "node:http";
import type { Database } from "../platform/db/database.js";
import type { FhirMapping } from "../platform/ingest/contract.js";
import type { IngestQueue } from "../platform/ingest/queue.js";
import { submissionStatus } from "../platform/ingest/log.js";
import { logger } from "../platform/observability/logger.js";
import { closeGracefully, listen } from "../platform/http/listen.js";
import { PayloadTooLargeError, readBodyWithin } from "../platform/http/body-limit.js";
import { accept, checkEntries, type Sender } from "./accept.js";
import { parseBundle, parseSingle, type ParsedSubmission } from "./entries.js";
import { FhirRequestError, operationOutcome } from "./outcome.js";
import { acceptedResponse, capabilityStatement, statusBundle } from "./responses.js";
import { conditionalIdentifierIssue } from "./conditional.js";

export const FHIR_BASE_PATH = "/fhir";

export interface IngestAuth {
  /** The token endpoint: an OAuth answer for a form-encoded client-credentials request. */
  token(form: URLSearchParams, tokenUrl: string): Promise<{ status: number; body: object }>;
  /** The sender a bearer access token names; throws FhirRequestError (401) when it names none. */
  verify(authorization: string | undefined, tokenUrl: string): Promise<Sender>;
}

export interface IngestServerOptions {
  host: string;
  port: number;
  db: Database;
  queue: IngestQueue;
  auth: IngestAuth;
  /** Resource type -> the mapping of the subgraph that owns it. */
  mappings: ReadonlyMap<string, FhirMapping>;
  maxBodyBytes: number;
  /** Public base URL (the token's audience is `${base}/auth/token`); defaults to where this server listens. */
  publicBaseUrl?: string;
}

export interface RunningIngest {
  url: string;
  close(): Promise<void>;
}

const FHIR_JSON = "application/fhir+json; charset=utf-8";
const TYPE_PATH = /^\/([A-Z][A-Za-z]+)$/;
const STATUS_PATH = /^\/_submission\/([0-9a-f-]{36})$/;

export async function startIngestServer(opts: IngestServerOptions): Promise<RunningIngest> {
  let base = "";
  const send = (res: http.ServerResponse, status: number, body: object, headers: Record<string, string> = {}) =>
    void res.writeHead(status, { "content-type": FHIR_JSON, ...headers }).end(JSON.stringify(body));

  const readJson = async (req: http.IncomingMessage): Promise<unknown> => {
    const type = req.headers["content-type"] ?? "";
    if (!/^application\/(fhir\+)?json\b/.test(type)) throw FhirRequestError.of(415, "not-supported", "send application/fhir+json");
    const raw = await readBodyWithin(req, opts.maxBodyBytes);
    try {
      return JSON.parse(raw.toString("utf8"));
    } catch {
      throw FhirRequestError.of(400, "structure", "the body is not valid JSON");
    }
  };

  const submit = async (res: http.ServerResponse, sender: Sender, parsed: ParsedSubmission) => {
    const issues = checkEntries(parsed, sender, opts.mappings);
    const accepted = await accept(opts.db, opts.queue, sender, parsed, issues);
    const location = `${base}/_submission/${accepted.meta.submissionId}`;
    logger.info(
      {
        submission: accepted.meta.submissionId,
        source: sender.clientId,
        interaction: parsed.interaction,
        queued: accepted.queued.length,
        refused: accepted.refused.size,
      },
      "ingestion: submission accepted",
    );
    send(res, 202, acceptedResponse(parsed, accepted, location), { "content-location": location });
  };

  const route = async (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => {
    const path = url.pathname.slice(FHIR_BASE_PATH.length);
    const tokenUrl = `${base}/auth/token`;
    if (path === "/auth/token" && req.method === "POST") {
      const raw = await readBodyWithin(req, 16_384);
      const answer = await opts.auth.token(new URLSearchParams(raw.toString("utf8")), tokenUrl);
      return void res.writeHead(answer.status, { "content-type": "application/json", "cache-control": "no-store" }).end(JSON.stringify(answer.body));
    }
    if (path === "/metadata" && req.method === "GET") return send(res, 200, capabilityStatement(base, [...opts.mappings.keys()]));
    const sender = await opts.auth.verify(req.headers.authorization, tokenUrl);
    if ((path === "" || path === "/") && req.method === "POST") return submit(res, sender, parseBundle(await readJson(req)));
    const status = STATUS_PATH.exec(path);
    if (status && req.method === "GET") {
      const found = await submissionStatus(opts.db.sql, status[1]!);
      // Another source's submission is answered exactly as a missing one: ids are not a way to learn of others' traffic.
      if (!found || found.sourceId !== sender.clientId) throw FhirRequestError.of(404, "not-found", "no such submission of this source system");
      return send(res, 200, statusBundle(base, found));
    }
    const typed = TYPE_PATH.exec(path);
    if (typed && (req.method === "POST" || req.method === "PUT")) {
      const type = typed[1]!;
      const parsed = parseSingle(await readJson(req), type, req.method === "POST" ? "create" : "update");
      const condition =
        req.method === "PUT" ? url.searchParams.get("identifier") : (req.headers["if-none-exist"] as string | undefined)?.replace(/^identifier=/, "");
      const conditionIssue = conditionalIdentifierIssue(parsed.entries[0]!.resource, condition ?? null, req.method === "PUT");
      if (conditionIssue) throw new FhirRequestError(400, [conditionIssue]);
      return submit(res, sender, parsed);
    }
    throw FhirRequestError.of(req.method === "GET" || req.method === "POST" || req.method === "PUT" ? 404 : 405, "not-supported", "no such interaction here");
  };

  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? "/", "http://ingest");
      if (url.pathname === "/healthz") {
        await opts.db.sql.query("SELECT 1");
        return void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ status: "ok" }));
      }
      if (url.pathname !== FHIR_BASE_PATH && !url.pathname.startsWith(`${FHIR_BASE_PATH}/`))
        throw FhirRequestError.of(404, "not-found", "the FHIR base is /fhir");
      await route(req, res, url);
    } catch (error) {
      if (error instanceof FhirRequestError) return send(res, error.status, operationOutcome(error.issues));
      if (error instanceof PayloadTooLargeError)
        return send(
          res,
          413,
          operationOutcome([{ severity: "error", code: "too-costly", diagnostics: `the body is larger than ${error.maxBytes} bytes; split the Bundle` }]),
        );
      // Nothing was acknowledged: the sender must resend (the database may be restarting).
      logger.warn({ err: { name: (error as Error).name, code: (error as { code?: string }).code } }, "ingestion: request failed");
      if (!res.headersSent)
        send(res, 503, operationOutcome([{ severity: "error", code: "transient", diagnostics: "not stored; send it again" }]), { "retry-after": "5" });
      else res.end();
    }
  });
  const port = await listen(server, opts.host, opts.port);
  base = opts.publicBaseUrl ?? `http://${opts.host}:${port}${FHIR_BASE_PATH}`;
  return { url: base, close: () => closeGracefully(server) };
}
