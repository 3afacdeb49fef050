// Signs a SMART Backend Services client assertion with a demo source's DEVELOPMENT ONLY key and
// prints it; with --fetch, exchanges it at the token endpoint and prints the response.
//   npm run source-token -- --source lab-synnovis [--url http://127.0.0.1:4020/fhir/auth/token]
//                           [--scope "system/Observation.write ..."] [--fetch]
// The URL defaults to the local front door (INGEST_PUBLIC_URL, else HOST:INGEST_PORT).
import { parseArgs } from "node:util";
import { env } from "../platform/config/env.js";
import { loadSources } from "../ingest/sources.js";
import { JWT_BEARER } from "../ingest/auth/token-endpoint.js";
import { readDevelopmentKey, signClientAssertion } from "../ingest/auth/client-assertion.js";

const { values } = parseArgs({
  options: {
    source: { type: "string" },
    url: { type: "string" },
    scope: { type: "string" },
    fetch: { type: "boolean", default: false },
  },
});

const config = env();
const tokenUrl = values.url ?? `${config.INGEST_PUBLIC_URL ?? `http://${config.HOST}:${config.INGEST_PORT}/fhir`}/auth/token`;
const source = values.source ? loadSources(config).get(values.source) : undefined;
if (!source) {
  console.error(`usage: npm run source-token -- --source <${[...loadSources(config).keys()].join("|")}> [--url <token endpoint URL>] [--scope ..] [--fetch]`);
  process.exit(2);
}
const assertion = await signClientAssertion({ clientId: source.clientId, tokenUrl, privateJwk: readDevelopmentKey(source.clientId) });
if (!values.fetch) {
  console.log(assertion);
} else {
  // By default every type the source is registered for, in SMART v2 form.
  const scope = values.scope ?? [...source.scopes].map((type) => `system/${type}.cud`).join(" ");
  const form = new URLSearchParams({ grant_type: "client_credentials", client_assertion_type: JWT_BEARER, client_assertion: assertion, scope });
  const res = await fetch(tokenUrl, { method: "POST", body: form });
  const body = await res.text();
  if (!res.ok) {
    console.error(`${res.status} ${body}`);
    process.exit(1);
  }
  console.log(body);
}
