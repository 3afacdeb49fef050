// The seeded data every integration test reads: fixed size and fixed "today" so expectations are
// stable. Global setup seeds it once per test run.
export const FIXTURE = {
  residents: 120,
  today: new Date("2026-11-02T00:00:00Z"),
} as const;
