// The typed client a care home dashboard, a GP, urgent care and an analyst would build from the
// README's recipe (clients/): its generated code is what GraphQL Code Generator makes of today's
// schema and operations, it compiles under `tsc --strict` (npm test type-checks clients/), and it
// runs against the real stack by trusted-document hash. In production only those documents run.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { env } from "../platform/config/env.js";
import { startStack } from "../app/stack.js";
import { createCareRecordClient } from "../clients/care-record-client.js";
import {
  CareHomeDashboardDocument,
  GpResidentDocument,
  MarkSeenDocument,
  UrgentCareLookupDocument,
  UsageReportDocument,
  type AccessSection,
  type SectionStatus,
  type UnseenStatus,
  type UsageOrgType,
} from "../clients/generated/graphql.js";
import { pickResident } from "./support/scratch-stack.js";
import { identities, post, startTestStack, tokenFor, type Stack } from "./support/stack.js";

const root = new URL("../", import.meta.url);
const manifest = JSON.parse(readFileSync(new URL("clients/generated/persisted-documents.json", root), "utf8")) as Record<string, string>;

describe("the generated client code", () => {
  it("is what clients/codegen.ts makes of schema/api.graphql and clients/operations (run `npm run codegen:client`)", () => {
    // --check: exits non-zero, writing nothing, when a generated file would change.
    expect(() => execFileSync("node_modules/.bin/graphql-codegen", ["--config", "clients/codegen.ts", "--check"], { cwd: root, stdio: "pipe" })).not.toThrow();
  });

  it("names every operation by the sha256 of its document, as the gateway checks", () => {
    expect(Object.keys(manifest).length).toBe(5);
    for (const [id, document] of Object.entries(manifest)) expect(id).toBe(`sha256:${createHash("sha256").update(document).digest("hex")}`);
  });
});

describe("the typed client against the running stack (development: arbitrary documents allowed too)", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startTestStack();
  });
  afterAll(() => stack.close());
  const client = (who: keyof typeof identities) => createCareRecordClient({ url: stack.gatewayUrl, token: () => tokenFor(identities[who]) });

  it("a care home nurse's dashboard: residents with hospital stays, medicines and abnormal results", async () => {
    const res = await client("nurse").execute(CareHomeDashboardDocument, { careHomeId: "CH00001", first: 10 });
    expect(res.errors.filter((e) => e.extensions?.code !== "SHARING_OBJECTION")).toEqual([]);
    const edges = res.data!.careHome!.residents!.edges;
    expect(edges.length).toBeGreaterThan(0);
    // Typed: a compile error if the schema no longer had these fields.
    const first = edges[0]!.node;
    expect(first.nhsNumber).toMatch(/^\d{10}$/);
    // Typed: a section says what it holds, and its entries are a list exactly when it was shown (ADR 0005).
    const status: SectionStatus | undefined = first.medications?.status;
    expect(Array.isArray(first.medications?.items)).toBe(status === "PRESENT" || status === "NONE_KNOWN" || status === "NOT_RECORDED");
    // Typed "what's new" (ADR 0006): the home's counts and each resident's, per section.
    const home = res.data!.careHome!.unseen!;
    expect(home.residentsWithNew).toBeGreaterThanOrEqual(0);
    // A resident who objected to sharing has no `unseen` (SHARING_OBJECTION): take one who did not.
    const shared = edges.find((e) => e.node.unseen)!.node;
    const statuses: UnseenStatus[] = shared.unseen!.sections.map((s) => s.status);
    for (const s of statuses) expect(["NEW", "UP_TO_DATE", "UNAVAILABLE"]).toContain(s);
    // Marking one resident's results seen makes that section UP_TO_DATE in the answer.
    const marked = await client("nurse").execute(MarkSeenDocument, { nhsNumber: shared.nhsNumber, sections: ["DIAGNOSTIC_REPORTS"] });
    expect(marked.errors).toEqual([]);
    expect(marked.data!.markSeen!.userErrors).toEqual([]);
    expect(marked.data!.markSeen!.unseen!.sections.find((s) => s.section === "DIAGNOSTIC_REPORTS")?.status).toBe("UP_TO_DATE");
    // Typed filters, order and backward paging: the last 3 by family name end where the list does.
    const total: number = res.data!.careHome!.residents!.totalCount;
    const back = await client("nurse").execute(CareHomeDashboardDocument, {
      careHomeId: "CH00001",
      last: 3,
      orderBy: "FAMILY_NAME",
      filter: { placement: "CURRENT" },
    });
    expect(back.errors.filter((e) => e.extensions?.code !== "SHARING_OBJECTION")).toEqual([]);
    expect(back.data!.careHome!.residents!.totalCount).toBe(total);
    expect(back.data!.careHome!.residents!.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    expect(back.data!.careHome!.residents!.edges).toHaveLength(3);
  });

  it("a GP's registered patient, urgent care's lookup, an analyst's usage report", async () => {
    const patient = await pickResident(stack, "r.gp_practice_code = 'G00001' AND NOT r.sharing_objection");
    const gp = await client("gp").execute(GpResidentDocument, { nhsNumber: patient.nhs });
    expect(gp.errors).toEqual([]);
    expect(gp.data!.resident!.nhsNumber).toBe(patient.nhs);
    const urgent = await client("paramedic").execute(UrgentCareLookupDocument, { nhsNumber: patient.nhs });
    expect(urgent.errors).toEqual([]);
    expect(urgent.data!.resident!.name).not.toBeNull();
    const usage = await client("analyst").execute(UsageReportDocument, { from: "2026-11-01", to: "2026-12-31" });
    expect(usage.errors).toEqual([]);
    expect(usage.data!.usage!.totalViews).toBeGreaterThanOrEqual(0);
    // Typed keys a dashboard can switch on: a compile error if they were plain strings again.
    const sections: AccessSection[] = usage.data!.usage!.mostViewedSections.map((c) => c.key);
    const types: UsageOrgType[] = usage.data!.usage!.viewsByOrgType.map((c) => c.key);
    for (const key of [...sections, ...types]) expect(key).toMatch(/^[A-Z][A-Z0-9_]*$/);
  });

  it("sends the document text when asked, for a development gateway", async () => {
    const res = await createCareRecordClient({ url: stack.gatewayUrl, token: () => tokenFor(identities.analyst), sendText: true }).execute(
      UsageReportDocument,
      {
        from: "2026-11-01",
        to: "2026-12-31",
      },
    );
    expect(res.errors).toEqual([]);
  });
});

describe("trusted documents in production (ALLOW_ARBITRARY_DOCUMENTS unset)", () => {
  let production: Stack;
  beforeAll(async () => {
    // What NODE_ENV=production tells the gateway, without the production key checks (parseEnv's).
    production = await startStack({ ...env(), NODE_ENV: "production", ALLOW_ARBITRARY_DOCUMENTS: undefined }, { ephemeralPorts: true, ingestion: false });
  });
  afterAll(() => production?.close());
  const auth = async (who: keyof typeof identities = "analyst") => ({ authorization: `Bearer ${await tokenFor(identities[who])}` });
  const usageVars = { from: "2026-11-01", to: "2026-12-31" };
  const [usageId, usageText] = Object.entries(manifest).find(([, d]) => d.startsWith("query UsageReport"))!;
  const codes = (res: { errors?: { extensions?: { code?: unknown } }[] }) => res.errors?.map((e) => e.extensions?.code);

  it("runs a trusted document by documentId (body or URL), by its Apollo hash, or sent in full", async () => {
    const viaClient = await createCareRecordClient({ url: production.gatewayUrl, token: () => tokenFor(identities.analyst) }).execute(
      UsageReportDocument,
      usageVars,
    );
    expect([viaClient.status, viaClient.errors]).toEqual([200, []]);
    const hex = usageId.slice("sha256:".length);
    for (const body of [
      { documentId: usageId, variables: usageVars },
      { documentId: hex, variables: usageVars },
      { extensions: { persistedQuery: { version: 1, sha256Hash: hex } }, variables: usageVars },
      { query: usageText, variables: usageVars },
    ]) {
      const res = await post(production.gatewayUrl, body, await auth());
      expect([JSON.stringify(body).slice(0, 40), res.errors]).toEqual([JSON.stringify(body).slice(0, 40), undefined]);
      expect(typeof res.data?.usage?.totalViews).toBe("number");
    }
    const url = `${production.gatewayUrl}?documentId=${encodeURIComponent(usageId)}&variables=${encodeURIComponent(JSON.stringify(usageVars))}`;
    const get = await fetch(url, { headers: await auth() });
    expect(get.status).toBe(200);
    expect(((await get.json()) as { errors?: unknown }).errors).toBeUndefined();
  });

  it("refuses any other document, however it is sent, and never runs it", async () => {
    const other = `query { usage(filter: { from: "2026-11-01", to: "2026-12-31" }) { totalViews } }`;
    const hash = createHash("sha256").update(other).digest("hex");
    // The trusted document with one character changed is another document.
    for (const body of [
      { query: other },
      { query: `${usageText} `, variables: usageVars },
      { query: other, extensions: { persistedQuery: { version: 1, sha256Hash: hash } } },
      { query: `query A { __typename } ${usageText}`, operationName: "UsageReport", variables: usageVars },
    ]) {
      const res = await post(production.gatewayUrl, body, await auth());
      expect([res.status, codes(res), res.data ?? null]).toEqual([200, ["TRUSTED_DOCUMENT_REQUIRED"], null]);
    }
    // A registered hash is not a trusted one: APQ lookups do not reach the store in production.
    const lookup = await post(production.gatewayUrl, { extensions: { persistedQuery: { version: 1, sha256Hash: hash } } }, await auth());
    expect(codes(lookup)).toEqual(["PERSISTED_QUERY_NOT_FOUND"]);
  });

  it("answers unknown, malformed and mixed ids with their codes, and strangers with 401 first", async () => {
    const unknown = await post(production.gatewayUrl, { documentId: `sha256:${"0".repeat(64)}` }, await auth());
    expect(codes(unknown)).toEqual(["PERSISTED_QUERY_NOT_FOUND"]);
    for (const documentId of ["UsageReport", "sha256:xyz", 42, `md5:${"0".repeat(32)}`]) {
      const bad = await post(production.gatewayUrl, { documentId }, await auth());
      expect([documentId, codes(bad)]).toEqual([documentId, ["BAD_USER_INPUT"]]);
    }
    const both = await post(production.gatewayUrl, { documentId: usageId, query: usageText, variables: usageVars }, await auth());
    expect(codes(both)).toEqual(["BAD_USER_INPUT"]);
    for (const body of [{ query: "{ __typename }" }, { documentId: usageId, variables: usageVars }]) {
      const stranger = await post(production.gatewayUrl, body);
      expect([stranger.status, codes(stranger)]).toEqual([401, ["UNAUTHENTICATED"]]);
    }
  });

  it("a trusted document still meets every access rule: a nurse running the analyst's report is refused", async () => {
    const res = await post(production.gatewayUrl, { documentId: usageId, variables: usageVars }, await auth("nurse"));
    expect(codes(res)).toEqual(["ROLE_NOT_PERMITTED"]);
  });
});
