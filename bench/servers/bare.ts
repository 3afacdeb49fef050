// Benchmark target: the ceiling. A bare node:http server that answers each scenario with the
// response body the reference target gave at start-up (BARE_RESPONSES: a JSON file of
// { operationName: body }), chosen by the x-bench-scenario header or the request's operationName.
// No GraphQL, no auth, no database: what HTTP + JSON on this machine cost and nothing else.
import http from "node:http";
import { readFileSync } from "node:fs";
import { listen } from "../../platform/http/listen.js";

const file = process.env.BARE_RESPONSES;
if (!file) {
  console.error("BARE_RESPONSES must name the file of precomputed responses");
  process.exit(78);
}
const responses = new Map(Object.entries(JSON.parse(readFileSync(file, "utf8")) as Record<string, string>));

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    let name = req.headers["x-bench-scenario"] as string | undefined;
    if (!name) {
      try {
        name = (JSON.parse(Buffer.concat(chunks).toString("utf8")) as { operationName?: string }).operationName;
      } catch {
        /* answered 404 below */
      }
    }
    const body = name ? responses.get(name) : undefined;
    if (body === undefined) res.writeHead(404, { "content-type": "application/json" }).end('{"errors":[{"message":"unknown scenario"}]}');
    else res.writeHead(200, { "content-type": "application/json; charset=utf-8" }).end(body);
  });
});
await listen(server, process.env.HOST ?? "127.0.0.1", Number(process.env.PORT ?? 4100));
console.log("READY");
for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.once(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections(); // nothing in flight matters here
  });
