// Generates each subgraph's Prisma client. The Prisma CLI insists on a schema-engine binary it
// would download; generation does not use it, so any existing file satisfies the check offline.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";

const subgraphs = ["residents", "discharge", "labs", "medications", "careplans", "usage"];
const prisma = path.resolve("node_modules/.bin/prisma");
const env = { ...process.env, PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath, PRISMA_HIDE_UPDATE_MESSAGE: "1" };
for (const name of subgraphs) {
  const schema = `subgraphs/${name}/prisma/schema.prisma`;
  if (!existsSync(schema)) continue;
  execFileSync(prisma, ["generate", "--schema", schema], { stdio: ["ignore", "ignore", "inherit"], env });
}
console.log(`prisma clients generated for ${subgraphs.filter((n) => existsSync(`subgraphs/${n}/prisma/schema.prisma`)).join(", ")}`);
