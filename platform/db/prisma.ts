// Options every subgraph passes to its generated PrismaClient, and a process-wide SQL statement
// counter (used by the N+1 tests and, later, metrics). Only repositories hold Prisma clients.
import type { SqlDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import type { SqlRunner } from "./database.js";

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

/** What raw SQL needs of a Prisma client or interactive transaction. */
interface RawSqlClient {
  $executeRawUnsafe(query: string, ...values: unknown[]): PromiseLike<number>;
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): PromiseLike<T>;
}

/** A SqlRunner on a Prisma interactive transaction, so raw statements (the ingestion appliers') run inside it. */
export const transactionSql = (tx: RawSqlClient): SqlRunner => ({
  exec: async (text) => void (await tx.$executeRawUnsafe(text)),
  query: async <T>(text: string, params: unknown[] = []) => tx.$queryRawUnsafe<T[]>(text, ...params),
});
