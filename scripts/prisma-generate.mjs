// Generates each subgraph's Prisma client. The Prisma CLI insists on a schema-engine binary it
// would download; generation does not use it, so any existing file satisfies the check offline.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";

// Every folder under subgraphs/ with a Prisma schema: a new subgraph is never skipped for want of a list.
const subgraphs = readdirSync("subgraphs", { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(`subgraphs/${d.name}/prisma/schema.prisma`))
  .map((d) => d.name)
  .sort();
const prisma = path.resolve("node_modules/.bin/prisma");
const env = { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath, PRISMA_HIDE_UPDATE_MESSAGE: "1" };
for (const name of subgraphs) {
  const schema = `subgraphs/${name}/prisma/schema.prisma`;
  execFileSync(prisma, ["generate", "--schema", schema], { stdio: ["ignore", "ignore", "inherit"], env });
}
console.log(`prisma clients generated for ${subgraphs.join(", ")}`);
