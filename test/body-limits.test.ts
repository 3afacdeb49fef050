// Request bodies are bounded before anything parses them. The gateway answers an oversized body
// 413 PAYLOAD_TOO_LARGE whoever sends it; a subgraph answers 413 JSON instead of resetting the
// connection; and the largest request the gateway can send a subgraph under the cost limit fits
// well inside the subgraph's bound, so a refusal there can never surface as a gateway 500.
import http from "node:http";
import { env } from "../platform/config/env.js";
import { SUBGRAPH_MAX_BODY_BYTES } from "../platform/subgraph/apollo-http.js";
import { INTERNAL_HEADER, signInternalIdentity } from "../platform/identity/internal-auth.js";
import { queryStats } from "../platform/db/prisma.js";
import { gatewayQuery, identities, startTestStack, tokenFor, type Stack } from "./support/stack.js";

let stack: Stack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(() => stack.close());

const maxBody = env().MAX_BODY_BYTES;

/** A syntactically valid GraphQL request padded (in `extensions`) to `bytes`. */
function paddedBody(bytes: number): string {
  const base = JSON.stringify({ query: `{ resident(nhsNumber: "9990000018") { nhsNumber } }`, extensions: { pad: "" } });
  return base.replace(`"pad":""`, `"pad":"${"x".repeat(bytes - base.length)}"`);
}

/** POST over node:http, optionally as a chunked stream (no content-length), reporting a reset as such. */
function send(url: string, body: string, headers: Record<string, string>, chunked = false): Promise<{ status: number; text: string } | { reset: string }> {
  return new Promise((resolve) => {
    const req = http.request(
      url,
      { method: "POST", headers: { "content-type": "application/json", ...headers, ...(chunked ? {} : { "content-length": Buffer.byteLength(body) }) } },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (text += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
        res.on("error", (e) => resolve({ reset: e.message }));
      },
    );
    req.on("error", (e) => resolve({ reset: (e as NodeJS.ErrnoException).code ?? e.message }));
    if (chunked) {
      // 64 KiB at a time, as a streaming client would.
      for (let i = 0; i < body.length; i += 65_536) req.write(body.slice(i, i + 65_536));
      req.end();
    } else req.end(body);
  });
}

function expectTooLarge(answer: Awaited<ReturnType<typeof send>>, limit: number) {
  expect(answer).not.toHaveProperty("reset");
  const { status, text } = answer as { status: number; text: string };
  expect(status).toBe(413);
  const json = JSON.parse(text);
  expect(json.errors).toHaveLength(1);
  expect(json.errors[0].extensions).toEqual({ code: "PAYLOAD_TOO_LARGE", limit });
  expect(text).not.toMatch(/xxxx|9990000018/);
}

describe("the gateway", () => {
  it.each([
    ["with a token", true, false],
    ["without a token", false, false],
    ["with a token, streamed without a length", true, true],
    ["without a token, streamed without a length", false, true],
  ])("answers an oversized body 413 PAYLOAD_TOO_LARGE %s, before parsing or any SQL", async (_label, withToken, chunked) => {
    const headers: Record<string, string> = withToken ? { authorization: `Bearer ${await tokenFor()}` } : {};
    const before = queryStats.statements;
    expectTooLarge(await send(stack.gatewayUrl, paddedBody(maxBody + 1), headers, chunked), maxBody);
    // Ten times over: still an answer, not a reset.
    expectTooLarge(await send(stack.gatewayUrl, paddedBody(maxBody * 10), headers, chunked), maxBody);
    expect(queryStats.statements).toBe(before);
  });

  it("never parses an oversized body: broken JSON is PAYLOAD_TOO_LARGE, not BAD_REQUEST", async () => {
    expectTooLarge(await send(stack.gatewayUrl, `{"query": "${"{".repeat(maxBody + 10)}`, {}), maxBody);
  });

  it("serves a body just under the limit", async () => {
    const answer = await send(stack.gatewayUrl, paddedBody(maxBody), { authorization: `Bearer ${await tokenFor()}` });
    expect(answer).toMatchObject({ status: 200 });
    expect(JSON.parse((answer as { text: string }).text).data.resident.nhsNumber).toBe("9990000018");
  });

  it("keeps the connection usable for the next request after a refusal", async () => {
    expectTooLarge(await send(stack.gatewayUrl, paddedBody(maxBody * 2), {}), maxBody);
    const res = await gatewayQuery(stack, `{ resident(nhsNumber: "9990000018") { nhsNumber } }`);
    expect(res.data.resident.nhsNumber).toBe("9990000018");
  });
});

describe("a subgraph", () => {
  it.each([false, true])("answers a body over its limit 413 JSON, not a reset (streamed: %p)", async (chunked) => {
    const headers = { [INTERNAL_HEADER]: await signInternalIdentity(identities.gp, env().INTERNAL_SECRET) };
    expectTooLarge(await send(stack.subgraphUrls.residents, paddedBody(SUBGRAPH_MAX_BODY_BYTES + 100_000), headers, chunked), SUBGRAPH_MAX_BODY_BYTES);
  });

  it("is never sent more than it accepts: the largest _entities call under the cost limit fits", async () => {
    // Observe what the gateway really sends the subgraphs for a dashboard, to size one representation.
    const subgraphPorts = new Set(Object.values(stack.subgraphUrls).map((u) => new URL(u).port));
    const sent: { bytes: number; representations: number }[] = [];
    const emit = http.Server.prototype.emit;
    http.Server.prototype.emit = function (this: http.Server, event: string, ...args: unknown[]) {
      const req = args[0] as http.IncomingMessage;
      if (event === "request" && subgraphPorts.has(String(req.socket.localPort))) {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
          const body = Buffer.concat(chunks);
          const reps = (JSON.parse(body.toString("utf8")) as { variables?: { representations?: unknown[] } }).variables?.representations;
          if (reps) sent.push({ bytes: body.length, representations: reps.length });
        });
      }
      return (emit as (this: http.Server, event: string, ...rest: unknown[]) => boolean).call(this, event, ...args);
    } as typeof emit;
    try {
      const query = `{ careHome(id: "CH00001") { residents(first: 40) { edges { node { nhsNumber carePlan { status item { id } } } } } } }`;
      const res = await gatewayQuery(stack, query);
      expect(res.data.careHome).toBeDefined();
    } finally {
      http.Server.prototype.emit = emit;
    }
    const largest = sent.sort((a, b) => b.representations - a.representations)[0]!;
    expect(largest.representations).toBeGreaterThan(10);
    // Each representation names one Resident that sits in a list (an edge and a node, 2) with at
    // least one composite field from another subgraph (1): a call can carry at most cost / 3 of
    // them. Bytes per representation from the real call, plus the longest access-grant code a
    // representation can carry, plus the whole real call again for the operation text.
    const perRepresentation = largest.bytes / largest.representations + "ORG_SHARING_AGREEMENT_MISSING".length;
    const worst = Math.ceil(env().MAX_QUERY_COST / 3) * perRepresentation + largest.bytes;
    process.stdout.write(
      `largest _entities call: ${largest.representations} representations, ${largest.bytes} bytes; worst case under the cost limit ${Math.round(worst)} bytes; subgraph limit ${SUBGRAPH_MAX_BODY_BYTES}\n`,
    );
    expect(worst * 1.5).toBeLessThan(SUBGRAPH_MAX_BODY_BYTES);
  });
});
