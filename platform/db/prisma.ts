// Options every subgraph passes to its generated PrismaClient, and a process-wide SQL statement
// counter (used by the N+1 tests and, later, metrics). Only repositories hold Prisma clients.
import type { SqlDriverAdapterFactory } from "@prisma/driver-adapter-utils";

export const queryStats: { statements: number; onStatement: ((sql: string) => void) | null } = { statements: 0, onStatement: null };

export function prismaOptions(adapter: SqlDriverAdapterFactory) {
  return { adapter, log: [{ emit: "event" as const, level: "query" as const }] };
}

interface EmitsQueryEvents {
  $on(event: "query", callback: (event: { query: string }) => void): void;
}

/** Counts every SQL statement the client sends (transaction BEGIN/COMMIT included). */
export function countStatements<T>(client: T): T {
  (client as unknown as EmitsQueryEvents).$on("query", (event) => {
    queryStats.statements++;
    queryStats.onStatement?.(event.query);
  });
  return client;
}
