// Starts the whole product in one process: database (migrated), the five subgraphs on their own
// HTTP ports and the gateway in front of them. Used by `npm start` and by the integration tests,
// so the tests exercise exactly what users run.
import { SUBGRAPHS, type Database, type SubgraphName } from "../subgraphs/kernel/database.js";
import type { Env } from "../subgraphs/kernel/env.js";
import { migrateAll } from "../subgraphs/kernel/migrate.js";
import { startSubgraphServer, type RunningServer, type SubgraphModule } from "../subgraphs/kernel/subgraph-server.js";
import { subgraphPort } from "../subgraphs/kernel/topology.js";
import { subgraphFactories } from "../subgraphs/registry.js";
import { startGateway } from "../gateway/server.js";
import { openDatabase } from "./database.js";
import { createAudit } from "./audit.js";
import { createCacheHub, type CacheHub } from "../subgraphs/kernel/cache/hub.js";
import { createPersistedQueryStore } from "../gateway/persisted-query-store.js";

export interface Stack {
  db: Database;
  caches: CacheHub;
  gatewayUrl: string;
  subgraphUrls: Record<SubgraphName, string>;
  close(): Promise<void>;
}

export interface StackOptions {
  /** Listen on ephemeral ports (tests) instead of the configured ones. */
  ephemeralPorts?: boolean;
  /** Runs after migrations and before the servers start (seeding). */
  beforeServe?: (db: Database, caches: CacheHub) => Promise<void>;
}

export async function startStack(env: Env, opts: StackOptions = {}): Promise<Stack> {
  const db = await openDatabase(env);
  const caches = createCacheHub(env);
  const modules: SubgraphModule[] = [];
  const servers: RunningServer[] = [];
  const closers: { close(): Promise<void> }[] = [];
  try {
    await migrateAll(db);
    await opts.beforeServe?.(db, caches);
    // residents comes first in SUBGRAPHS: the others ask it for access decisions on mutations.
    const peers = { residentsUrl: "", internalSecret: env.INTERNAL_SECRET };
    const deps = { peers, caches };
    for (const name of SUBGRAPHS) {
      const module = subgraphFactories[name](db, deps);
      modules.push(module);
      const port = opts.ephemeralPorts ? 0 : subgraphPort(name, env);
      const server = await startSubgraphServer(module, { host: env.HOST, port, internalSecret: env.INTERNAL_SECRET, shield: env.SHIELD === "on" });
      if (name === "residents") peers.residentsUrl = server.url;
      servers.push(server);
    }
    const subgraphUrls = Object.fromEntries(SUBGRAPHS.map((n, i) => [n, servers[i]!.url])) as Record<SubgraphName, string>;
    const audit = createAudit(db, caches);
    closers.push(audit);
    const gateway = await startGateway({
      host: env.HOST,
      port: opts.ephemeralPorts ? 0 : env.GATEWAY_PORT,
      subgraphUrls,
      tokens: { secret: env.JWT_SECRET, issuer: env.JWT_ISSUER, audience: env.JWT_AUDIENCE },
      internalSecret: env.INTERNAL_SECRET,
      logLevel: env.LOG_LEVEL,
      audit,
      persistedQueries: createPersistedQueryStore(caches.link),
    });
    servers.push(gateway);
    return {
      db,
      caches,
      gatewayUrl: gateway.url,
      subgraphUrls,
      // Servers first (requests in flight finish and their events are queued), then the audit
      // writer flushes, then the database goes.
      close: async () => {
        await Promise.all(servers.map((s) => s.close()));
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
