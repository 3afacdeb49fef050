// Jest loads global setup outside its ESM/TypeScript pipeline, so the real work runs as a
// TypeScript script in a child process (the same way `npm run seed` runs).
import { execFileSync } from "node:child_process";

export default function globalSetup() {
  execFileSync("node_modules/.bin/tsx", ["test/support/prepare-db.ts"], { stdio: "inherit" });
}
