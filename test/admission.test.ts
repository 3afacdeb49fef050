// The gateway's admission bound (MAX_IN_FLIGHT, gateway/admission.ts) on a real stack: with one
// place, a second request waits while the first is held up by a frozen subgraph (SIGSTOP), is
// counted as queued, and runs only once the first has finished; both answers are whole. Without
// the bound, the second would have answered while the first hung.
import { env } from "../platform/config/env.js";
import type { ChildSubgraph } from "./support/child-subgraph.js";
import { startWithChildMedications, type ChildMedicationsStack } from "./support/child-medications.js";
import { gatewayQuery, nurseAt } from "./support/stack.js";

let stack: ChildMedicationsStack;
let child: ChildSubgraph;
let over: ChildMedicationsStack["over"];
let resident: ChildMedicationsStack["resident"];

beforeAll(async () => {
  // One place; timeouts long enough that only SIGCONT ends the frozen call.
  stack = await startWithChildMedications({ MAX_IN_FLIGHT: 1, UPSTREAM_TIMEOUT_MS: 60_000, REQUEST_DEADLINE_MS: 60_000 });
  ({ child, over, resident } = stack);
}, 60_000);
afterAll(() => stack?.close());

const WITH_MEDICINES = `query ($nhs: NhsNumber!) { resident(nhsNumber: $nhs) { nhsNumber medications { status items { id } } } }`;
const WITHOUT_MEDICINES = `query ($nhs: NhsNumber!) { resident(nhsNumber: $nhs) { nhsNumber allergies { status items { id } } } }`;
const ask = (query: string) => gatewayQuery(over.stack, query, { nhs: resident.nhs }, nurseAt(resident.home));

/** The gateway's in-flight and queued gauges, from its /metrics. */
async function gauges(): Promise<{ inFlight: number; queued: number }> {
  const res = await fetch(over.stack.gatewayUrl.replace(/\/graphql$/, "/metrics"), { headers: { authorization: `Bearer ${env().METRICS_TOKEN}` } });
  const text = await res.text();
  const read = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, "m").exec(text)?.[1] ?? NaN);
  return { inFlight: read("carerecord_gateway_requests_in_flight"), queued: read("carerecord_gateway_requests_queued") };
}
async function until(check: (g: { inFlight: number; queued: number }) => boolean): Promise<void> {
  while (!check(await gauges())) await new Promise((r) => setTimeout(r, 20));
}

it("with one place, a request waits for the one ahead of it, then both answer in full", async () => {
  // A cold stack's first answers can carry errors (compiling, connecting): warm up first.
  for (let i = 0; i < 5 && ((await ask(WITH_MEDICINES)).errors || (await ask(WITHOUT_MEDICINES)).errors); i++);
  await until((g) => g.inFlight === 0 && g.queued === 0);

  child.signal("SIGSTOP");
  const finished: string[] = [];
  const first = ask(WITH_MEDICINES).then((res) => (finished.push("with medicines"), res));
  await until((g) => g.inFlight === 1);
  const second = ask(WITHOUT_MEDICINES).then((res) => (finished.push("without medicines"), res));
  // Waiting, although it needs nothing from the frozen subgraph.
  await until((g) => g.queued === 1);
  expect(finished).toEqual([]);
  child.signal("SIGCONT");

  const [a, b] = await Promise.all([first, second]);
  expect(finished).toEqual(["with medicines", "without medicines"]);
  expect(a.errors).toBeUndefined();
  expect(a.data.resident.medications.status).toBe("PRESENT");
  expect(b.errors).toBeUndefined();
  expect(b.data.resident.allergies.status).toMatch(/PRESENT|NOT_RECORDED|NONE_KNOWN/);
  await until((g) => g.inFlight === 0 && g.queued === 0);
}, 30_000);
