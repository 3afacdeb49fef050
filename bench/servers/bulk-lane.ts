// Benchmark target: the bulk lane, exactly as `npm run start:bulk-lane` runs it (PORT,
// DATABASE_URL, REDIS_URL, BULK_LANE_NICE). Importing the script awaits its start-up.
await import("../../scripts/bulk-lane.js");
console.log("READY");
