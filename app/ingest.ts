// FHIR ingestion in a process (ADR 0008): the queue, this process's workers (matching where the
// residents subgraph runs, applying where each owning subgraph runs) and, where asked, the front
// door. `npm start` and the tests run all of it in one process; containers split it.
import type { Env } from "../platform/config/env.js";
import type { Database } from "../platform/db/database.js";
import { openQueue, type IngestQueue } from "../platform/ingest/queue.js";
import { startIngestWorkers, type FhirStages } from "../platform/ingest/stages.js";
import { FHIR_MAPPINGS, fhirOwnerOf } from "../subgraphs/registry.js";
import { startIngestServer, type IngestAuth } from "../ingest/server.js";
import { loadSources } from "../ingest/sources.js";
import { sqlReplayStore } from "../ingest/auth/replay-store.js";
import { exchangeClientAssertion } from "../ingest/auth/token-endpoint.js";
import { SourceAuthError, verifySourceToken } from "../ingest/auth/access-token.js";
import { FhirRequestError } from "../ingest/outcome.js";
import type { IngestLink } from "../platform/subgraph/deps.js";

export interface RunningIngestion {
  queue: IngestQueue;
  /** The FHIR base URL, when this process runs the front door. */
  url: string | null;
  close(): Promise<void>;
}

/** The token endpoint and the token check, on the registry of source systems. */
export function sourceAuth(env: Pick<Env, "INGEST_SOURCES_FILE" | "INGEST_TOKEN_SECRET" | "NODE_ENV">, db: Database): IngestAuth {
  const sources = loadSources(env);
  const replay = sqlReplayStore(db.sql);
  return {
    token: (form, tokenUrl) => exchangeClientAssertion(form, { sources, replay, secret: env.INGEST_TOKEN_SECRET, tokenUrl }),
    async verify(header, tokenUrl) {
      try {
        return await verifySourceToken(header, { sources, secret: env.INGEST_TOKEN_SECRET, tokenUrl });
      } catch (error) {
        if (error instanceof SourceAuthError) throw FhirRequestError.of(401, error.code, error.message);
        throw error;
      }
    },
  };
}

export async function startIngestion(
  env: Env,
  db: Database,
  modules: readonly { name: string; fhir?: FhirStages }[],
  /** link: filled in with the queue once it is open, for the subgraphs built with it (platform/subgraph/deps.ts). */
  opts: { frontDoor: boolean; ephemeralPort?: boolean; link?: IngestLink },
): Promise<RunningIngestion> {
  const queue = await openQueue(db, { jobTimeoutSeconds: env.INGEST_JOB_TIMEOUT_S });
  try {
    await startIngestWorkers(db, queue, modules, fhirOwnerOf);
    if (opts.link) opts.link.current = { queue, ownerOf: fhirOwnerOf };
    const server = opts.frontDoor
      ? await startIngestServer({
          host: env.HOST,
          port: opts.ephemeralPort ? 0 : env.INGEST_PORT,
          db,
          queue,
          auth: sourceAuth(env, db),
          mappings: FHIR_MAPPINGS,
          maxBodyBytes: env.INGEST_MAX_BODY_BYTES,
          publicBaseUrl: env.INGEST_PUBLIC_URL,
        })
      : null;
    return {
      queue,
      url: server?.url ?? null,
      close: async () => {
        // The door closes first (nothing new is accepted), then the workers finish their jobs.
        await server?.close();
        if (opts.link) opts.link.current = null;
        await queue.stop();
      },
    };
  } catch (error) {
    await queue.stop().catch(() => undefined);
    throw error;
  }
}
