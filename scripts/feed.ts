// `npm run feed`: a synthetic FHIR feed for the demo world while `npm start` runs, so results
// arrive as they would from a laboratory and show as new on the care home's dashboard.
//   npm run feed -- [--minutes 10] [--rate 2] [--url http://127.0.0.1:4020/fhir]
//                   [--gateway http://127.0.0.1:4000/graphql] [--home CH00001] [--seed N]
// --rate is resources per second on average (default 2: about one laboratory report every few
// seconds); the gaps between Bundles are random, as real traffic is.
//
// Whom it sends results for: the demo world is deterministic (platform/demo/world.ts) except for
// the day it was seeded (world.today: dates of birth are derived from it), which only the database
// holds, and the embedded database is locked by the running `npm start`. So the feed asks the
// gateway, as the demo nurse `npm start` prints a token for (a development token minted with the
// same JWT settings), for the residents of her home: their NHS number, date of birth and family
// name, exactly what a laboratory has from the request form. Residents who objected to sharing
// are not shown to her, so the feed sends nothing for them.
import { parseArgs } from "node:util";
import { env } from "../platform/config/env.js";
import { mintUserToken } from "../gateway/tokens.js";
import { readDevelopmentKey } from "../ingest/auth/client-assertion.js";
import { SourceClient } from "../ingest/feed/source-client.js";
import { transactionBundle, type BundlePatient } from "../ingest/feed/lab-bundle.js";
import { createFeed } from "../ingest/feed/feed-mix.js";
import { demoResidents, tallySubmissions } from "../ingest/feed/demo-feed.js";

const config = env();
const { values } = parseArgs({
  options: {
    minutes: { type: "string", default: "10" },
    rate: { type: "string", default: "2" },
    url: { type: "string", default: `http://127.0.0.1:${config.INGEST_PORT}/fhir` },
    gateway: { type: "string", default: `http://127.0.0.1:${config.GATEWAY_PORT}/graphql` },
    home: { type: "string", default: "CH00001" },
    seed: { type: "string" },
  },
});
const minutes = Number(values.minutes);
const rate = Number(values.rate);
if (!(minutes > 0) || !(rate > 0)) {
  console.error("usage: npm run feed -- [--minutes 10] [--rate 2] [--url FHIR_BASE] [--gateway GRAPHQL_URL] [--home CH00001] [--seed N]");
  process.exit(2);
}
const seed = values.seed ? Number(values.seed) : Date.now() % 1_000_000;

const nurse = await mintUserToken(
  { userId: "demo-nurse", name: "Demo Nurse", role: "care_home_nurse", orgCode: values.home!, orgType: "care_home", trainingCompletedAt: "2025-01-15" },
  { secret: config.JWT_SECRET, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE },
);
let patients: BundlePatient[];
try {
  patients = await demoResidents(values.gateway!, nurse, values.home!);
} catch (error) {
  console.error(`Could not list the residents of ${values.home} through ${values.gateway}: ${(error as Error).message}\nIs \`npm start\` running?`);
  process.exit(1);
}
if (patients.length === 0) {
  console.error(`${values.home} has no residents the demo nurse may see.`);
  process.exit(1);
}

const feed = createFeed({ patients, seed, runId: `FEED-${Date.now().toString(36).toUpperCase()}` });
const clients = new Map<string, SourceClient>();
const clientFor = (clientId: string, types: readonly string[]) => {
  let c = clients.get(clientId);
  if (!c) clients.set(clientId, (c = new SourceClient({ base: values.url!, clientId, privateJwk: readDevelopmentKey(clientId), types })));
  return c;
};
const typesOf = new Map(feed.generators.map((g) => [g.clientId, g.types]));

console.log(
  `Feeding ${values.url} for ${minutes} min at about ${rate} resources/s: ${patients.length} residents of ${values.home} (seed ${seed}). Ctrl-C stops early.`,
);
const submissions: { client: SourceClient; location: string }[] = [];
let stopping = false;
process.on("SIGINT", () => {
  if (stopping) process.exit(130);
  stopping = true;
  console.log("\nstopping: waiting for the outcomes of what was sent (Ctrl-C again to quit at once)");
});
const until = Date.now() + minutes * 60_000;
let refused = 0;
while (!stopping && Date.now() < until) {
  const item = feed.next(new Date());
  const client = clientFor(item.clientId, typesOf.get(item.clientId) ?? []);
  const time = new Date().toISOString().slice(11, 19);
  try {
    const answer = await client.send(transactionBundle(item.entries));
    if (answer.status === 202) submissions.push({ client, location: answer.headers.get("content-location")! });
    else refused++;
    console.log(`${time} ${answer.status} ${item.summary}`);
  } catch (error) {
    console.log(`${time} not sent (${(error as Error).message}): ${item.summary}`);
  }
  // Exponential gaps: on average `rate` resources per second.
  const gapMs = (-Math.log(1 - Math.random()) * item.entries.length * 1000) / rate;
  const wakeAt = Math.min(until, Date.now() + gapMs);
  while (!stopping && Date.now() < wakeAt) await new Promise((resolve) => setTimeout(resolve, Math.min(250, wakeAt - Date.now())));
}

const tally = await tallySubmissions(submissions);
console.log(
  `\nSent ${submissions.length + refused} Bundles: ${submissions.length} accepted, ${refused} refused. Entries: ${
    Object.entries(tally)
      .map(([status, n]) => `${status} ${n}`)
      .join(", ") || "none"
  }.`,
);
process.exit(0);
