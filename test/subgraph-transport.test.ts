// The gateway's calls to the subgraphs (gateway/subgraph-fetch.ts: undici's pools) behind a proxy
// that counts connections and can answer for the subgraph: connections are kept alive and reused
// across calls, and a subgraph (or something in front of it) answering what is not a GraphQL
// answer costs only its own section, SOURCE_UNAVAILABLE, with nothing of that answer, the
// subgraph's address or the request echoed to the client.
import { startGatewayOver } from "./support/gateway-over.js";
import { startHoldingProxy, type HoldingProxy } from "./support/holding-proxy.js";
import { pickResident } from "./support/scratch-stack.js";
import { gatewayQuery, nurseAt, startTestStack, type GraphQLResponse, type Stack } from "./support/stack.js";

const VIEW = `query View($nhs: NhsNumber!) { resident(nhsNumber: $nhs) { nhsNumber name { family } allergies { status } medications { status items { id } } } }`;

let base: Stack;
let proxy: HoldingProxy;
let gateway: Awaited<ReturnType<typeof startGatewayOver>>;
let resident: { nhs: string; home: string };

beforeAll(async () => {
  base = await startTestStack();
  proxy = await startHoldingProxy(base.subgraphUrls.medications);
  gateway = await startGatewayOver(base, { medications: proxy.url });
  resident = await pickResident(base, "EXISTS (SELECT 1 FROM medications.medication_request m WHERE m.nhs_number = r.nhs_number) AND NOT r.sharing_objection");
}, 60_000);
afterAll(async () => {
  await gateway?.close();
  await proxy?.close();
  await base?.close();
});
afterEach(() => proxy.release());

const view = (userId?: string) => gatewayQuery(gateway.stack, VIEW, { nhs: resident.nhs }, { ...nurseAt(resident.home), ...(userId ? { userId } : {}) });

function expectOnlyMedicationsUnavailable(res: GraphQLResponse, leaked: string[]) {
  expect(res.status).toBe(200);
  expect(res.data.resident.nhsNumber).toBe(resident.nhs);
  expect(res.data.resident.name.family).toEqual(expect.any(String));
  expect(res.data.resident.medications).toEqual({ status: "UNAVAILABLE", items: null });
  expect(res.errors?.map((e) => [e.path, e.extensions?.code, e.extensions?.section])).toEqual([
    [["resident", "medications", "items"], "SOURCE_UNAVAILABLE", "MEDICATIONS"],
  ]);
  const text = JSON.stringify(res.errors);
  for (const s of [...leaked, new URL(proxy.url).port, "representations"]) expect(text).not.toContain(s);
}

describe("the gateway's calls to a subgraph", () => {
  it("keep their connections alive: thirty views one after another open at most two", async () => {
    expect((await view()).errors).toBeUndefined();
    const before = proxy.connections();
    for (let i = 0; i < 30; i++) expect((await view()).errors).toBeUndefined();
    expect(proxy.connections() - before).toBeLessThanOrEqual(2);
  });

  it("an error page instead of an answer (HTTP 502, HTML) costs only that section", async () => {
    proxy.answer(() => true, 502, { "content-type": "text/html" }, "<html><body>502 Bad Gateway nginx/1.25</body></html>");
    const userId = `transport-502-${Date.now()}`;
    expectOnlyMedicationsUnavailable(await view(userId), ["nginx", "Bad Gateway", "<html"]);
    // Audited as not shown, never as ALLOWED.
    const rows = await base.db.sql.query<{ section: string; outcome: string; denial_code: string | null }>(
      `SELECT section, outcome::text, denial_code FROM usage.access_event WHERE user_id = $1 AND section = 'MEDICATIONS'`,
      [userId],
    );
    expect(rows).toEqual([{ section: "MEDICATIONS", outcome: "UNAVAILABLE", denial_code: "SOURCE_UNAVAILABLE" }]);
  });

  it("an answer that is not JSON (HTTP 200) costs only that section", async () => {
    proxy.answer(() => true, 200, { "content-type": "application/json" }, '{"data": {"_entities": [ truncated 9990');
    expectOnlyMedicationsUnavailable(await view(), ["truncated", "9990"]);
  });

  it("an HTTP 500 with an uncoded GraphQL error costs only that section, its message not echoed", async () => {
    proxy.answer(() => true, 500, { "content-type": "application/json" }, '{"errors":[{"message":"connect ECONNREFUSED 10.0.0.5:5432"}]}');
    expectOnlyMedicationsUnavailable(await view(), ["ECONNREFUSED", "10.0.0.5"]);
  });

  it("an answer with neither data nor errors costs only that section", async () => {
    proxy.answer(() => true, 200, { "content-type": "application/json" }, '{"unexpected": "shape"}');
    expectOnlyMedicationsUnavailable(await view(), ["unexpected", "shape"]);
  });
});
