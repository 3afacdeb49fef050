// Starts the whole product in one process: database (migrated), every subgraph in the registry on their own
// HTTP ports and the gateway in front of them. Used by `npm start` and by the integration tests,
// so the tests exercise exactly what users run.
import type { Database } from "../platform/db/database.js";
import type { Env } from "../platform/config/env.js";
import { startSubgraphServer, type RunningServer, type SubgraphModule } from "../platform/subgraph/server.js";
import { SUBGRAPHS, loadSubgraph, migrateAll, subgraphPort, type SubgraphName } from "../subgraphs/registry.js";
import { startGateway } from "../gateway/server.js";
import { gatewaySettings } from "../gateway/settings.js";
import { openDatabase } from "./database.js";
import { createAudit } from "./audit.js";
import { createCacheHub, type CacheHub } from "../platform/cache/hub.js";
import type { Peers } from "../platform/subgraph/peer-query.js";
import type { IngestLink } from "../platform/subgraph/deps.js";
import { migrateIngest } from "../ingest/migrate.js";
import { startIngestion } from "./ingest.js";

export interface Stack {
  db: Database;
  caches: CacheHub;
  gatewayUrl: string;
  /** The FHIR front door's base URL (ADR 0008). */
  fhirUrl: string;
  subgraphUrls: Record<SubgraphName, string>;
  close(): Promise<void>;
}

export interface StackOptions {
  /** Listen on ephemeral ports (tests) instead of the configured ones. */
  ephemeralPorts?: boolean;
  /** The gateway's port when the subgraphs take ephemeral ones (the bulk lane: only its gateway is reached from outside). */
  gatewayPort?: number;
  /** Runs after migrations and before the servers start (seeding). */
  beforeServe?: (db: Database, caches: CacheHub) => Promise<void>;
  /**
   * Run FHIR ingestion here: the front door and the matching and applying workers (default true).
   * The bulk lane runs none (its process serves costly reads at a low priority, and a second front
   * door would want the first one's port).
   */
  ingestion?: boolean;
}

/**
 * Starts every subgraph of this process on its port (or ephemeral ports), residents first: the
 * others ask it for access decisions on mutations. Started modules and servers are pushed onto the
 * given arrays as they come up, so a caller can close them even if a later one fails.
 */
export async function startSubgraphs(
  env: Env,
  db: Database,
  caches: CacheHub,
  started: { modules: SubgraphModule[]; servers: RunningServer[] },
  ephemeralPorts = false,
  /** This process's link to ingestion, filled in by startIngestion (platform/subgraph/deps.ts). */
  ingest?: IngestLink,
): Promise<Record<SubgraphName, string>> {
  const peers: Peers = { urls: {}, internalSecret: env.INTERNAL_SECRET };
  const urls: Partial<Record<SubgraphName, string>> = {};
  for (const name of SUBGRAPHS) {
    const module = (await loadSubgraph(name)).create(db, { peers, caches, ingest });
    started.modules.push(module);
    const port = ephemeralPorts ? 0 : subgraphPort(name, env);
    const server = await startSubgraphServer(module, {
      host: env.HOST,
      port,
      internalSecret: env.INTERNAL_SECRET,
      metricsToken: env.METRICS_TOKEN,
      shield: env.SHIELD === "on",
      executor: env.SUBGRAPH_EXECUTOR,
    });
    started.servers.push(server);
    peers.urls[name] = server.url;
    urls[name] = server.url;
  }
  return urls as Record<SubgraphName, string>;
}

export async function startStack(env: Env, opts: StackOptions = {}): Promise<Stack> {
  const db = await openDatabase(env);
  const caches = createCacheHub(env);
  const modules: SubgraphModule[] = [];
  const servers: RunningServer[] = [];
  const closers: { close(): Promise<void> }[] = [];
  try {
    await migrateAll(db);
    await migrateIngest(db);
    await opts.beforeServe?.(db, caches);
    const link: IngestLink = { current: null };
    const subgraphUrls = await startSubgraphs(env, db, caches, { modules, servers }, opts.ephemeralPorts, link);
    const ingestion = opts.ingestion === false ? null : await startIngestion(env, db, modules, { frontDoor: true, ephemeralPort: opts.ephemeralPorts, link });
    if (ingestion) closers.push(ingestion);
    const audit = createAudit(db, caches);
    closers.push(audit);
    const gateway = await startGateway({
      host: env.HOST,
      port: opts.gatewayPort ?? (opts.ephemeralPorts ? 0 : env.GATEWAY_PORT),
      subgraphUrls,
      audit,
      ...gatewaySettings(env, caches),
    });
    servers.push(gateway);
    return {
      db,
      caches,
      gatewayUrl: gateway.url,
      get fhirUrl() {
        if (!ingestion?.url) throw new Error("this stack runs no FHIR front door (ingestion: false)");
        return ingestion.url;
      },
      subgraphUrls,
      // Servers first (requests in flight finish and their events are queued), then the audit
      // writer flushes, then the database goes.
      close: async () => {
        // The gateway (started last) drains first: its requests in flight still call the subgraphs.
        await gateway.close();
        await Promise.all(servers.filter((s) => s !== gateway).map((s) => s.close()));
        // Ingestion's front door and workers, and the audit writer, finish before the database goes.
        await Promise.all(closers.map((c) => c.close()));
        await Promise.all(modules.map((m) => m.close()));
        await caches.close();
        await db.close();
      },
    };
  } catch (error) {
    await Promise.all(servers.map((s) => s.close().catch(() => undefined)));
    await Promise.all(closers.map((c) => c.close().catch(() => undefined)));
    await Promise.all(modules.map((m) => m.close().catch(() => undefined)));
    await caches.close().catch(() => undefined);
    await db.close().catch(() => undefined);
    throw error;
  }
}
