// Runs the gateway alone (its own container), pointing at SUBGRAPH_URL_<NAME> or the defaults.
import { env } from "../subgraphs/kernel/env.js";
import { logger } from "../subgraphs/kernel/logger.js";
import { subgraphUrls } from "../subgraphs/kernel/topology.js";
import { startGateway } from "../gateway/server.js";

const config = env();
const gateway = await startGateway({
  host: config.HOST,
  port: config.PORT ?? config.GATEWAY_PORT,
  subgraphUrls: subgraphUrls(config),
  tokens: { secret: config.JWT_SECRET, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE },
  internalSecret: config.INTERNAL_SECRET,
  logLevel: config.LOG_LEVEL,
});
logger.info({ url: gateway.url }, "gateway listening");
for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => void gateway.close().finally(() => process.exit(0)));
