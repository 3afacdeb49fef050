// Starts the real product (gateway + every registered subgraph over HTTP, real PostgreSQL) for a test file,
// and small helpers to talk to it.
import { randomUUID } from "node:crypto";
import { env } from "../../platform/config/env.js";
import type { Identity } from "../../platform/identity/identity.js";
import { INTERNAL_HEADER, signInternalIdentity } from "../../platform/identity/internal-auth.js";
import { mintUserToken } from "../../gateway/tokens.js";
import { startStack, type Stack } from "../../app/stack.js";

export type { Stack };

export const startTestStack = () => startStack(env(), { ephemeralPorts: true });

const trained = "2025-01-15";
// Per-user limits (rate, cost, concurrency) are kept in Redis under the database's prefix, so test
// files sharing the fixture database, running side by side, would share one "t-nurse"'s budget and
// answer each other RATE_LIMITED (seen in fresh-clone runs). Each test file (its own module
// registry) gets its own users.
const RUN = randomUUID().slice(0, 8);
export const identities = {
  nurse: { userId: `t-nurse-${RUN}`, name: "Test Nurse", role: "care_home_nurse", orgCode: "CH00001", orgType: "care_home", trainingCompletedAt: trained },
  carer: { userId: `t-carer-${RUN}`, name: "Test Carer", role: "care_home_carer", orgCode: "CH00001", orgType: "care_home", trainingCompletedAt: trained },
  gp: { userId: `t-gp-${RUN}`, name: "Test GP", role: "gp", orgCode: "G00001", orgType: "gp_practice", trainingCompletedAt: trained },
  paramedic: {
    userId: `t-paramedic-${RUN}`,
    name: "Test Paramedic",
    role: "ambulance_clinician",
    orgCode: "RRU",
    orgType: "ambulance_service",
    trainingCompletedAt: trained,
  },
  nhs111: { userId: `t-111-${RUN}`, name: "Test 111", role: "nhs111_clinician", orgCode: "NHS111L", orgType: "nhs111", trainingCompletedAt: trained },
  analyst: {
    userId: `t-analyst-${RUN}`,
    name: "Test Analyst",
    role: "analyst",
    orgCode: "QKK",
    orgType: "integrated_care_board",
    trainingCompletedAt: trained,
  },
  privacyOfficer: {
    userId: `t-privacy-${RUN}`,
    name: "Test Privacy Officer",
    role: "privacy_officer",
    orgCode: "CRO01",
    orgType: "record_operator",
    trainingCompletedAt: trained,
  },
} satisfies Record<string, Identity>;

export const nurseAt = (home: string): Identity => ({ ...identities.nurse, userId: `t-nurse-${home}-${RUN}`, orgCode: home });
export const gpAt = (practice: string): Identity => ({ ...identities.gp, userId: `t-gp-${practice}-${RUN}`, orgCode: practice });

export function tokenFor(identity: Identity = identities.nurse, lifetime = "10m") {
  const e = env();
  return mintUserToken(identity, { secret: e.JWT_SECRET, issuer: e.JWT_ISSUER, audience: e.JWT_AUDIENCE }, lifetime);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read response data field by field
export interface GraphQLResponse<T = any> {
  status: number;
  data?: T;
  errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string; [k: string]: unknown } }[];
}

export async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<GraphQLResponse> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  const text = await res.text();
  let json: Omit<GraphQLResponse, "status">;
  try {
    json = JSON.parse(text);
  } catch {
    json = { errors: [{ message: text }] };
  }
  return { status: res.status, ...json };
}

/** A query through the gateway with a user token. */
export async function gatewayQuery(stack: Stack, query: string, variables: Record<string, unknown> = {}, identity: Identity = identities.nurse) {
  return post(stack.gatewayUrl, { query, variables }, { authorization: `Bearer ${await tokenFor(identity)}` });
}

/** A query straight to a subgraph, signed as the gateway would sign it. */
export async function subgraphQuery(url: string, query: string, variables: Record<string, unknown> = {}, identity: Identity = identities.gp) {
  return post(url, { query, variables }, { [INTERNAL_HEADER]: await signInternalIdentity(identity, env().INTERNAL_SECRET) });
}
