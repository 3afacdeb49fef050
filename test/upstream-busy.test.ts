// A busy subgraph is not a frozen one (gateway/upstream-timeout.ts). A medications call held
// past UPSTREAM_TIMEOUT_MS, while the same subgraph keeps answering other residents' calls, keeps
// waiting and the view arrives in full; with no answers from the subgraph at all (frozen, its port
// open) the call is given up after UPSTREAM_TIMEOUT_MS however long the busy limit is; a subgraph
// that stops answering during the wait is given up on; and a busy wait ends at
// UPSTREAM_BUSY_TIMEOUT_MS. No elapsed times are asserted: what the gateway did is read from its
// counter of extended waits and from the answers, and the busy limits are far above the tests' own
// timeouts, so a wrongly extended wait fails the test instead of passing late. The limits are
// seconds, and the other calls start with the held one rather than after the proxy has been seen
// holding it: on a loaded machine a stalled event loop can make the give-up and the call's arrival
// due in the same turn, and a wait for the proxy would then never end.
import { startGatewayOver } from "./support/gateway-over.js";
import { startHoldingProxy, type HoldingProxy } from "./support/holding-proxy.js";
import { pickResident } from "./support/scratch-stack.js";
import { gatewayQuery, nurseAt, startTestStack, type GraphQLResponse, type Stack } from "./support/stack.js";
import { metrics } from "../platform/observability/metrics.js";

const MEDS = `query Meds($nhs: NhsNumber!) { resident(nhsNumber: $nhs) { nhsNumber medications { status items { id } } } }`;
const WITH_MEDICINES = "EXISTS (SELECT 1 FROM medications.medication_request m WHERE m.nhs_number = r.nhs_number) AND NOT r.sharing_objection";

let base: Stack;
let proxy: HoldingProxy;
let patient: Awaited<ReturnType<typeof startGatewayOver>>;
let impatient: Awaited<ReturnType<typeof startGatewayOver>>;
let deadline: Awaited<ReturnType<typeof startGatewayOver>>;
let held: { nhs: string; home: string };
let other: { nhs: string; home: string };

beforeAll(async () => {
  base = await startTestStack();
  proxy = await startHoldingProxy(base.subgraphUrls.medications);
  // Busy waits may last a minute here (well past every test's own timeout); the deadline longer still.
  patient = await startGatewayOver(
    base,
    { medications: proxy.url },
    { UPSTREAM_TIMEOUT_MS: 2000, UPSTREAM_BUSY_TIMEOUT_MS: 60_000, REQUEST_DEADLINE_MS: 120_000 },
  );
  impatient = await startGatewayOver(
    base,
    { medications: proxy.url },
    { UPSTREAM_TIMEOUT_MS: 2000, UPSTREAM_BUSY_TIMEOUT_MS: 5000, REQUEST_DEADLINE_MS: 120_000 },
  );
  // Subgraph calls that would wait a minute, in a request that may last half a second.
  deadline = await startGatewayOver(
    base,
    { medications: proxy.url },
    { UPSTREAM_TIMEOUT_MS: 60_000, UPSTREAM_BUSY_TIMEOUT_MS: 60_000, REQUEST_DEADLINE_MS: 500 },
  );
  held = await pickResident(base, WITH_MEDICINES);
  other = await pickResident(base, `${WITH_MEDICINES} AND r.nhs_number <> '${held.nhs}'`);
  // Warm the gateways (plans, connections) so a measured call is not a cold one: on a busy machine a
  // cold call can outlast these short limits, which is not what this file tests.
  for (const gw of [patient, impatient, deadline]) for (const r of [held, other]) for (let i = 0; i < 10 && (await meds(gw, r)).errors; i++);
}, 60_000);
afterAll(async () => {
  proxy?.release();
  await patient?.close();
  await impatient?.close();
  await deadline?.close();
  await proxy?.close();
  await base?.close();
});
afterEach(() => proxy.release());

const meds = (gw: typeof patient, r: { nhs: string; home: string }) => gatewayQuery(gw.stack, MEDS, { nhs: r.nhs }, nurseAt(r.home));

async function extendedWaits(): Promise<number> {
  const { values } = await metrics.upstreamWaitsExtended.get();
  return values.find((v) => v.labels.subgraph === "medications")?.value ?? 0;
}

const until = async (done: () => boolean | Promise<boolean>) => {
  while (!(await done())) await new Promise((r) => setTimeout(r, 20));
};

/** Sends the other resident's medications calls, one after another, until `stop` says so (what they answer is not the point). */
async function keepBusy(gw: typeof patient, stop: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await stop())) await meds(gw, other);
}

/** Starts the held resident's view; resolves with its answer, and says whether it has arrived. */
function start(gw: typeof patient) {
  let settled = false;
  const answer = meds(gw, held).finally(() => (settled = true));
  return { answer, settled: () => settled };
}

function expectMedicationsUnavailable(res: GraphQLResponse) {
  expect(res.data?.resident.medications).toEqual({ status: "UNAVAILABLE", items: null });
  expect(res.errors?.map((e) => [e.extensions?.code, e.extensions?.section])).toEqual([["SOURCE_UNAVAILABLE", "MEDICATIONS"]]);
}

describe("a subgraph call past UPSTREAM_TIMEOUT_MS", () => {
  it("keeps waiting while its subgraph answers other calls, and the view arrives in full", async () => {
    proxy.hold((body) => body.includes(held.nhs));
    const before = await extendedWaits();
    const view = start(patient);
    // Other residents' calls are answered while this one is held, until the gateway has passed
    // UPSTREAM_TIMEOUT_MS on it and chosen to wait (or, without the rule, given up).
    await keepBusy(patient, async () => view.settled() || (await extendedWaits()) > before);
    expect(view.settled()).toBe(false);
    expect(await extendedWaits()).toBe(before + 1);
    proxy.release();
    const res = await view.answer;
    expect(res.errors).toBeUndefined();
    expect(res.data.resident.medications.status).toBe("PRESENT");
    expect(res.data.resident.medications.items.length).toBeGreaterThan(0);
  }, 30_000);

  it("is given up after UPSTREAM_TIMEOUT_MS when its subgraph answers nothing (frozen, port open), however long the busy limit", async () => {
    proxy.hold(() => true);
    const before = await extendedWaits();
    expectMedicationsUnavailable(await meds(patient, held));
    expect(await extendedWaits()).toBe(before);
  }, 30_000);

  it("is given up when its subgraph stops answering during the wait", async () => {
    proxy.hold((body) => body.includes(held.nhs));
    const before = await extendedWaits();
    const view = start(patient);
    await keepBusy(patient, async () => view.settled() || (await extendedWaits()) > before);
    // Now the subgraph freezes: nothing more is answered, the held call included.
    proxy.hold(() => true);
    expectMedicationsUnavailable(await view.answer);
    expect(await extendedWaits()).toBe(before + 1);
  }, 30_000);

  it("is given up at UPSTREAM_BUSY_TIMEOUT_MS however busy its subgraph stays", async () => {
    proxy.hold((body) => body.includes(held.nhs));
    const before = await extendedWaits();
    const view = start(impatient);
    await keepBusy(impatient, view.settled);
    expectMedicationsUnavailable(await view.answer);
    expect(await extendedWaits()).toBe(before + 1);
    // Nothing is left held: the gateway gave up on the call and the proxy saw it go.
    await until(() => proxy.held() === 0);
  }, 30_000);
});

describe("a client request past REQUEST_DEADLINE_MS", () => {
  it("is answered 503 and its subgraph calls are cancelled, not left waiting on the subgraph", async () => {
    proxy.hold(() => true);
    const res = await meds(deadline, held);
    expect(res.status).toBe(503);
    expect(res.errors?.map((e) => e.extensions?.code)).toEqual(["SERVICE_UNAVAILABLE"]);
    // The held call is gone from the proxy: the gateway closed it (it would otherwise wait a minute).
    await until(() => proxy.held() === 0);
  }, 30_000);
});
