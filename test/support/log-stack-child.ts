// Child process for test/log-hygiene.test.ts: the whole product as `npm start` runs it (real
// loggers writing to stdout/stderr), plus a second gateway whose labs subgraph points at a closed
// port, so every call that needs labs fails. Writes both gateway URLs to the file named in argv[2].
import "./env.js";
import http from "node:http";
import { writeFileSync } from "node:fs";
import { env } from "../../platform/config/env.js";
import { listen } from "../../platform/http/listen.js";
import { startStack } from "../../app/stack.js";
import { startGateway } from "../../gateway/server.js";
import { gatewaySettings } from "../../gateway/settings.js";
import { createAudit } from "../../app/audit.js";

const e = env();
const stack = await startStack(e, { ephemeralPorts: true });
const closed = http.createServer();
const closedPort = await listen(closed, "127.0.0.1", 0);
await new Promise<void>((resolve) => closed.close(() => resolve()));
const audit = createAudit(stack.db, stack.caches);
const broken = await startGateway({
  host: e.HOST,
  port: 0,
  subgraphUrls: { ...stack.subgraphUrls, labs: `http://127.0.0.1:${closedPort}/graphql` },
  audit,
  ...gatewaySettings(e, stack.caches),
});
writeFileSync(process.argv[2]!, JSON.stringify({ gateway: stack.gatewayUrl, broken: broken.url }));
process.once("SIGTERM", async () => {
  await broken.close();
  await audit.close();
  await stack.close();
  process.exit(0);
});
