// Lets the benchmark read how many SQL statements this process has sent through Prisma
// (platform/db/prisma.ts queryStats): on SIGUSR2 it prints one line `STATS {"statements":N}`. Statements
// per request show what answered a request: its own SQL, a cache, or another request's result.
import { queryStats } from "../../platform/db/prisma.js";

export function reportStatsOnSignal(): void {
  process.on("SIGUSR2", () => console.log(`STATS ${JSON.stringify({ statements: queryStats.statements })}`));
}
