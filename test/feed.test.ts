// The synthetic feed (`npm run feed`, ingest/feed/) against the running stack: it learns the home's
// residents through the gateway as the feed script does, sends a few Bundles through the front
// door as the laboratory, every entry is APPLIED, and the nurse sees each report as sent.
import { readDevelopmentKey } from "../ingest/auth/client-assertion.js";
import { SourceClient } from "../ingest/feed/source-client.js";
import { ACCESSION_SYSTEM, transactionBundle } from "../ingest/feed/lab-bundle.js";
import { createFeed, labReports, type FeedItem } from "../ingest/feed/feed-mix.js";
import { demoResidents, tallySubmissions } from "../ingest/feed/demo-feed.js";
import { reportIdOf, reportSourceKey } from "../subgraphs/labs/fhir.js";
import { gatewayQuery, nurseAt, tokenFor, type Stack } from "./support/stack.js";
import { startScratchStack } from "./support/scratch-stack.js";

const HOME = "CH00001";
let stack: Stack;
// A database of its own: the reports it sends would change what the shared fixture's tests compare.
let scratch: Awaited<ReturnType<typeof startScratchStack>>;

beforeAll(async () => {
  scratch = await startScratchStack("feed", 120);
  stack = scratch.stack;
}, 120_000);
afterAll(() => scratch?.close());

const reportIdFor = (item: FeedItem) => reportIdOf(reportSourceKey("lab-synnovis", ACCESSION_SYSTEM, item.key));
const nhsNumberOf = (item: FeedItem) => (item.entries[0]!.resource as { identifier: { value: string }[] }).identifier[0]!.value;

async function reportsOf(nhsNumber: string) {
  const res = await gatewayQuery(
    stack,
    `query($n: NhsNumber!) { resident(nhsNumber: $n) { diagnosticReports(first: 100) { status page { edges { node { id status abnormal observations { interpretation } } } } } } }`,
    { n: nhsNumber },
    nurseAt(HOME),
  );
  expect(res.errors).toBeUndefined();
  return res.data.resident.diagnosticReports.page.edges.map((e: { node: unknown }) => e.node) as {
    id: string;
    status: string;
    abnormal: boolean;
    observations: { interpretation: string }[];
  }[];
}

it("finds the home's residents through the gateway, as the nurse sees them", async () => {
  const patients = await demoResidents(stack.gatewayUrl, await tokenFor(nurseAt(HOME)), HOME);
  const [{ n }] = (await stack.db.sql.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM residents.placement p JOIN residents.resident r ON r.nhs_number = p.nhs_number
      WHERE p.care_home_id = $1 AND p.end_date IS NULL AND NOT r.sharing_objection`,
    [HOME],
  )) as [{ n: number }];
  expect(patients).toHaveLength(n);
  const [first] = patients;
  const [row] = await stack.db.sql.query<{ date_of_birth: Date; family_name: string }>(
    `SELECT date_of_birth, family_name FROM residents.resident WHERE nhs_number = $1`,
    [first!.nhsNumber],
  );
  expect(first).toEqual({ nhsNumber: first!.nhsNumber, birthDate: row!.date_of_birth.toISOString().slice(0, 10), family: row!.family_name });
});

it("sends a few Bundles of the feed: every entry is APPLIED and each report shows to the home's nurse as sent", async () => {
  const patients = (await demoResidents(stack.gatewayUrl, await tokenFor(nurseAt(HOME)), HOME)).slice(0, 3);
  const feed = createFeed({
    patients,
    seed: 42,
    runId: `TEST-${Date.now().toString(36)}`,
    generators: [labReports({ abnormalAnalyte: 0.3, amendment: 0, enteredInError: 0 })],
  });
  const lab = new SourceClient({
    base: stack.fhirUrl,
    clientId: "lab-synnovis",
    privateJwk: readDevelopmentKey("lab-synnovis"),
    types: feed.generators[0]!.types,
  });
  const sent: FeedItem[] = [];
  const submissions: { client: SourceClient; location: string }[] = [];
  for (let i = 0; i < 6; i++) {
    const item = feed.next(new Date());
    const answer = await lab.send(transactionBundle(item.entries));
    expect(answer.status).toBe(202);
    sent.push(item);
    submissions.push({ client: lab, location: answer.headers.get("content-location")! });
  }
  const tally = await tallySubmissions(submissions);
  expect(tally).toEqual({ APPLIED: sent.reduce((n, i) => n + i.entries.length, 0) });

  for (const item of sent) {
    const shown = (await reportsOf(nhsNumberOf(item))).find((r) => r.id === reportIdFor(item));
    expect(shown).toBeDefined();
    expect(shown!.status).toBe("FINAL");
    expect(shown!.observations).toHaveLength(item.clinicalResources - 1);
    expect(shown!.abnormal).toBe(shown!.observations.some((o) => o.interpretation !== "NORMAL"));
    expect(shown!.abnormal).toBe(!/ 0 abnormal/.test(item.summary));
  }
});

it("sends an amendment and a withdrawal of a report it sent: the nurse sees it amended, then no longer sees it", async () => {
  const patients = (await demoResidents(stack.gatewayUrl, await tokenFor(nurseAt(HOME)), HOME)).slice(0, 1);
  // The generator reads its settings on every call: first a new report, then a later version of it.
  const settings = { abnormalAnalyte: 0, amendment: 0, enteredInError: 0 };
  const feed = createFeed({ patients, seed: 8, runId: `TEST-${Date.now().toString(36)}`, generators: [labReports(settings)] });
  const lab = new SourceClient({
    base: stack.fhirUrl,
    clientId: "lab-synnovis",
    privateJwk: readDevelopmentKey("lab-synnovis"),
    types: feed.generators[0]!.types,
  });
  const send = async (item: FeedItem) => {
    const answer = await lab.send(transactionBundle(item.entries));
    expect(answer.status).toBe(202);
    return new Set([...(await lab.settled(answer.headers.get("content-location")!)).values()].map((o) => o.status));
  };
  const shown = async (item: FeedItem) => (await reportsOf(patients[0]!.nhsNumber)).find((r) => r.id === reportIdFor(item));

  const original = feed.next(new Date(Date.now() - 60_000));
  expect(await send(original)).toEqual(new Set(["APPLIED"]));
  expect((await shown(original))?.status).toBe("FINAL");

  settings.amendment = 1;
  const amended = feed.next(new Date());
  expect(amended.key).toBe(original.key);
  expect(await send(amended)).toEqual(new Set(["APPLIED"]));
  expect((await shown(original))?.status).toBe("AMENDED");

  settings.amendment = 0;
  settings.enteredInError = 1;
  const withdrawn = feed.next(new Date());
  expect(withdrawn.key).toBe(original.key);
  expect(await send(withdrawn)).toEqual(new Set(["APPLIED"]));
  expect(await shown(original)).toBeUndefined();
});
