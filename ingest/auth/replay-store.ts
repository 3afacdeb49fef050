// RFC 7523 §3 / SMART Backend Services: a client assertion's `jti` may be used once. The ids seen
// are kept (per client) until the assertion expires, after which the `exp` check refuses it anyway.
// Shared in PostgreSQL so every replica of the front door refuses a replay to any other.
import type { SqlRunner } from "../../platform/db/database.js";

export interface ReplayStore {
  /** Records `jti` for `clientId`; false when it was recorded before (a replay). */
  remember(clientId: string, jti: string, expiresAt: Date): Promise<boolean>;
}

/** How often expired ids are swept (at most), per process; the primary key keeps the hot path an index probe. */
const SWEEP_INTERVAL_MS = 60_000;

export function sqlReplayStore(sql: SqlRunner, now: () => number = Date.now): ReplayStore {
  let lastSweep = 0;
  return {
    async remember(clientId, jti, expiresAt) {
      if (now() - lastSweep >= SWEEP_INTERVAL_MS) {
        lastSweep = now();
        // This process's clock, the one the `exp` check uses: a database clock running ahead must
        // not drop an id while its assertion is still accepted here.
        await sql.query(`DELETE FROM ingest.assertion_jti WHERE expires_at < $1`, [new Date(lastSweep)]);
      }
      // One statement decides atomically: two replicas given the same assertion at once cannot both win.
      const inserted = await sql.query(
        `INSERT INTO ingest.assertion_jti (client_id, jti, expires_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING 1 AS inserted`,
        [clientId, jti, expiresAt],
      );
      return inserted.length === 1;
    },
  };
}
