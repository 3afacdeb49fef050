// PostgreSQL stopped under a running stack (a private cluster, never the shared server): a
// mutation answers SERVICE_UNAVAILABLE, retryable, with HTTP 503, not INTERNAL_SERVER_ERROR or
// a misleading ROLE_NOT_PERMITTED from the access check that could not reach its data.
import { env } from "../platform/config/env.js";
import { seedDemoData } from "../app/seed.js";
import { startStack, type Stack } from "../app/stack.js";
import { startPrivatePostgres, type PrivatePostgres } from "./support/private-postgres.js";
import { pickResident } from "./support/scratch-stack.js";
import { gatewayQuery, gpAt, nurseAt, type GraphQLResponse } from "./support/stack.js";

let pg: PrivatePostgres;
let stack: Stack;
let resident: { nhs: string; home: string; practice: string };

beforeAll(async () => {
  pg = await startPrivatePostgres();
  // Cache off: every read goes to the database that is about to stop.
  stack = await startStack(
    { ...env(), DATABASE_URL: pg.url, CACHE: "off" },
    { ephemeralPorts: true, beforeServe: (db, caches) => seedDemoData(db, { residents: 10, caches }).then(() => undefined) },
  );
  resident = await pickResident(stack, "NOT r.sharing_objection");
}, 120_000);
afterAll(async () => {
  await stack?.close().catch(() => undefined);
  await pg?.destroy();
});

const SUBMIT = `mutation ($n: NhsNumber!) { submitCarePlanQuestionnaire(nhsNumber: $n, input: {
  whatMattersToMe: "My garden", concerns: ["Falls"], goals: ["Walk daily"], preferredPlaceOfCare: CARE_HOME, preferredPlaceOfDeath: CARE_HOME }) { carePlan { id version } userErrors { code } } }`;
const BREAK_GLASS = `mutation ($n: NhsNumber!) { breakGlass(nhsNumber: $n, reason: "Collapsed; need current medicines") { breakGlassSession { expiresAt } userErrors { code } } }`;

function expectUnavailable(res: GraphQLResponse, field: string) {
  expect(res.status).toBe(503);
  expect(res.data?.[field] ?? null).toBeNull();
  expect(res.errors?.length).toBeGreaterThan(0);
  for (const e of res.errors ?? []) expect(e.extensions).toMatchObject({ code: "SERVICE_UNAVAILABLE", retryable: true });
  expect(JSON.stringify(res.errors)).not.toMatch(/\d{10}|127\.0\.0\.1|ECONNREFUSED|SELECT/);
}

describe("PostgreSQL down", () => {
  it("works while the database is up", async () => {
    const res = await gatewayQuery(stack, SUBMIT, { n: resident.nhs }, nurseAt(resident.home));
    expect(res.errors).toBeUndefined();
    expect(res.data.submitCarePlanQuestionnaire.userErrors).toEqual([]);
  });

  it("a mutation answers SERVICE_UNAVAILABLE (retryable) with HTTP 503: a top-level error, no payload", async () => {
    await pg.stop();
    expectUnavailable(await gatewayQuery(stack, SUBMIT, { n: resident.nhs }, nurseAt(resident.home)), "submitCarePlanQuestionnaire");
    expectUnavailable(await gatewayQuery(stack, BREAK_GLASS, { n: resident.nhs }, gpAt(resident.practice)), "breakGlass");
  }, 30_000);
});
