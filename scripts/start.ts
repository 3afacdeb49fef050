// `npm start`: the whole product in one process. With no DATABASE_URL it runs on embedded
// PostgreSQL (PGlite) under DATA_DIR and seeds demo data on first run.
import { stopOnSignals } from "../app/shutdown.js";
import { env } from "../platform/config/env.js";
import { mintUserToken } from "../gateway/tokens.js";
import { startStack } from "../app/stack.js";
import { isEmpty, seedDemoData } from "../app/seed.js";
import { DataDirInUseError } from "../platform/db/database.js";

const config = env();
const stack = await startStack(config, {
  beforeServe: async (db, caches) => {
    if (!(await isEmpty(db))) return;
    console.log(`First run: seeding ${config.SEED_RESIDENTS} demo residents (${db.kind} database)...`);
    const result = await seedDemoData(db, { residents: config.SEED_RESIDENTS, caches });
    console.log(`Seeded ${result.rows} rows in ${result.seconds.toFixed(1)} s.`);
  },
}).catch((error: unknown) => {
  if (!(error instanceof DataDirInUseError)) throw error;
  console.error(error.message);
  process.exit(75); // EX_TEMPFAIL: try again once the other process has stopped
});

// Stop taking requests, let those in flight finish, flush their access events, then exit.
// Installed before the ready banner: a supervisor (or a test) may signal as soon as it reads it.
stopOnSignals(() => stack.close());

const [home] = await stack.db.sql.query<{ care_home_id: string; nhs_number: string }>(
  `SELECT care_home_id, nhs_number FROM "residents"."placement" WHERE end_date IS NULL ORDER BY care_home_id, nhs_number LIMIT 1`,
);
const token = await mintUserToken(
  {
    userId: "demo-nurse",
    name: "Demo Nurse",
    role: "care_home_nurse",
    orgCode: home?.care_home_id ?? "CH00001",
    orgType: "care_home",
    trainingCompletedAt: "2025-01-15",
  },
  { secret: config.JWT_SECRET, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE },
);
const query = `{ resident(nhsNumber: "${home?.nhs_number ?? "9990000018"}") { nhsNumber name { given family } allergies { status items { display criticality } } medications { status items { medication { display } dispensing { epsStatus } } } diagnosticReports(first: 3) { status page { edges { node { display abnormal } } } } carePlan { status item { status cpr { decision } } } } }`;

console.log(`
Care record gateway: ${stack.gatewayUrl}   (${stack.db.kind === "embedded" ? `embedded PostgreSQL in ${config.DATA_DIR}/` : "PostgreSQL from DATABASE_URL"})
FHIR front door for source systems: ${stack.fhirUrl}   (demo feed: npm run feed)

Demo token (care home nurse at ${home?.care_home_id ?? "CH00001"}, development key, valid 12 h):
${token}

Example:
curl -s ${stack.gatewayUrl} -H 'content-type: application/json' -H "authorization: Bearer ${token}" \\
  -d '${JSON.stringify({ query })}'
`);
