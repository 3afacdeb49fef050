// subgraphs/registry.ts is the only list of subgraphs, and what is derived from it holds together:
// every folder with a manifest is registered, names, ports and URL variables are unique, each
// manifest agrees with its schema, and configuration naming no known subgraph is refused.
import { readdirSync, existsSync } from "node:fs";
import { parseEnv } from "../platform/config/env.js";
import { loadTypeDefs } from "../platform/subgraph/server.js";
import { checkResidentFields } from "../platform/subgraph/manifest.js";
import {
  DOMAIN_SUBGRAPHS,
  RESIDENT_FIELD_SECTIONS,
  SOURCE_SYSTEMS,
  SUBGRAPH_DESCRIPTIONS,
  SUBGRAPHS,
  loadSubgraph,
  subgraphPort,
  subgraphUrls,
} from "../subgraphs/registry.js";

const subgraphsDir = new URL("../subgraphs/", import.meta.url);
const unique = <T>(xs: readonly T[]) => new Set(xs).size === xs.length;

describe("the subgraph registry", () => {
  it("lists every folder under subgraphs/ that has a manifest, under its folder's name", () => {
    const folders = readdirSync(subgraphsDir, { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(new URL(`${d.name}/manifest.ts`, subgraphsDir)))
      .map((d) => d.name);
    expect([...SUBGRAPHS].sort()).toEqual(folders.sort());
  });

  it("gives each subgraph its own name, port offset and URL variable", () => {
    expect(unique(SUBGRAPH_DESCRIPTIONS.map((d) => d.name))).toBe(true);
    expect(unique(SUBGRAPH_DESCRIPTIONS.map((d) => d.portOffset))).toBe(true);
    expect(unique(SUBGRAPH_DESCRIPTIONS.map((d) => d.urlVariable))).toBe(true);
    // Port arithmetic only; nothing listens here. Offsets are packed from 0 (a new subgraph takes the
    // next free one), so the ports are 4001, 4002, ... whatever the number of subgraphs.
    const ports = SUBGRAPHS.map((n) => subgraphPort(n, { SUBGRAPH_BASE_PORT: 4001 })); // no-fixed-ports: allow
    expect(ports.sort((a, b) => a - b)).toEqual(SUBGRAPHS.map((_, i) => 4001 + i));
    expect(SUBGRAPHS.map((n) => subgraphPort(n, { SUBGRAPH_BASE_PORT: 0 }))).toEqual(SUBGRAPHS.map(() => 0));
  });

  it.each(SUBGRAPH_DESCRIPTIONS.map((d) => [d.name, d] as const))("%s: manifest and schema agree, and index.ts builds it", async (name, d) => {
    expect(() => checkResidentFields(d, loadTypeDefs(d.schema))).not.toThrow();
    const manifest = await loadSubgraph(name);
    expect(manifest.name).toBe(name);
    expect(Boolean(manifest.seeder)).toBe(DOMAIN_SUBGRAPHS.includes(name));
  });

  it("derives the Resident field -> section map and the source systems", () => {
    expect(RESIDENT_FIELD_SECTIONS).toMatchObject({ nhsNumber: null, allergies: "ALLERGIES", diagnosticReports: "DIAGNOSTIC_REPORTS", carePlan: "CARE_PLAN" });
    expect(Object.keys(SOURCE_SYSTEMS).sort()).toEqual([...DOMAIN_SUBGRAPHS].sort());
  });

  it("takes a subgraph's URL from its SUBGRAPH_URL_<NAME> and refuses one naming no subgraph", () => {
    const env = parseEnv({ SUBGRAPH_URL_LABS: "http://labs:4003/graphql", HOST: "127.0.0.1" });
    expect(subgraphUrls(env)).toMatchObject({ labs: "http://labs:4003/graphql", residents: "http://127.0.0.1:4001/graphql" });
    // A typo would otherwise leave the gateway calling the default port without a word.
    expect(() => subgraphUrls(parseEnv({ SUBGRAPH_URL_LAB: "http://labs:4003/graphql" }))).toThrow(/SUBGRAPH_URL_LAB: no such subgraph/);
    expect(() => parseEnv({ SUBGRAPH_URL_LABS: "not a url" })).toThrow(/SUBGRAPH_URL_LABS/);
  });
});
