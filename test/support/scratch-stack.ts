// A whole product on its own scratch database (for tests that write or break things), seeded with
// a small demo population. `scratch.caches` is a second cache instance on the same namespace: what
// another replica of the product would be.
import { env, type Env } from "../../platform/config/env.js";
import { seedDemoData } from "../../app/seed.js";
import { startStack, type Stack } from "../../app/stack.js";
import { createScratchDatabase } from "./scratch-db.js";

export type Scratch = Awaited<ReturnType<typeof createScratchDatabase>>;

export async function startScratchStack(
  label: string,
  residents = 40,
  overrides: Partial<Env> = {},
): Promise<{ scratch: Scratch; stack: Stack; close(): Promise<void> }> {
  const scratch = await createScratchDatabase(label);
  await seedDemoData(scratch.db, { residents, caches: scratch.caches });
  const stack = await startStack({ ...env(), DATABASE_URL: scratch.url, ...overrides }, { ephemeralPorts: true });
  return {
    scratch,
    stack,
    close: async () => {
      await stack.close();
      await scratch.drop();
    },
  };
}

/** The first resident matching `where` (SQL over residents.resident r and current placement p). */
export async function pickResident(stack: Stack, where: string): Promise<{ nhs: string; home: string; practice: string }> {
  const [row] = await stack.db.sql.query<{ nhs: string; home: string; practice: string }>(
    `SELECT r.nhs_number AS nhs, p.care_home_id AS home, r.gp_practice_code AS practice FROM residents.resident r
       JOIN residents.placement p ON p.nhs_number = r.nhs_number AND p.end_date IS NULL WHERE ${where} ORDER BY 1 LIMIT 1`,
  );
  if (!row) throw new Error(`no resident where ${where}`);
  return row;
}
