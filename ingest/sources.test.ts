// The source registry is checked whole at start-up: a bad entry is named, and the development
// registry (whose private keys are published) never runs in production.
import { readFileSync } from "node:fs";
import { DEVELOPMENT_INGEST_SOURCES_FILE, parseEnv } from "../platform/config/env.js";
import { FHIR_RESOURCE_TYPES, loadSources, parseSources } from "./sources.js";

const dev = JSON.parse(readFileSync(DEVELOPMENT_INGEST_SOURCES_FILE, "utf8")) as { sources: Record<string, unknown>[] };
const lab = dev.sources.find((s) => s.clientId === "lab-synnovis")!;
const publicKey = (lab.jwks as Record<string, unknown>[])[0]!;
const parse =
  (sources: unknown[], production = false) =>
  () =>
    parseSources({ sources }, "test.json", { production });

describe("source registry", () => {
  it("loads the development registry: five demo sources, public keys only, known types", () => {
    const registry = loadSources({ INGEST_SOURCES_FILE: DEVELOPMENT_INGEST_SOURCES_FILE, NODE_ENV: "development" });
    expect([...registry.keys()].sort()).toEqual(["carehome-system", "gp-emis", "hospital-guys", "lab-synnovis", "pharmacy-boots"]);
    expect([...registry.get("lab-synnovis")!.scopes]).toEqual(["DiagnosticReport", "Observation", "Patient"]);
    for (const source of registry.values()) for (const type of source.scopes) expect(FHIR_RESOURCE_TYPES).toContain(type);
  });

  it("refuses a clientId registered twice", () => {
    expect(parse([lab, { ...lab, name: "Another" }])).toThrow(/clientId "lab-synnovis" is registered twice/);
  });

  it("refuses an unknown resource type, naming the entry", () => {
    expect(parse([{ ...lab, scopes: ["Observation", "Specimen"] }])).toThrow(/source "lab-synnovis" \(entry 1\) scopes\.1/);
  });

  it("refuses a source without keys, and a private key pasted in as a public one", () => {
    expect(parse([{ ...lab, jwks: [] }])).toThrow(/source "lab-synnovis" \(entry 1\) jwks: at least one public key/);
    expect(parse([{ ...lab, jwks: [{ ...publicKey, d: "secret" }] }])).toThrow(/holds private key members \(d\)/);
    expect(parse([{ ...lab, jwks: [{ ...publicKey, crv: "P-256" }] }])).toThrow(/must be P-384/);
    const { kid: _, ...withoutKid } = publicKey;
    expect(parse([{ ...lab, jwks: [withoutKid] }])).toThrow(/jwks\.0\.kid/);
  });

  it("refuses the development registry in production, by its marker and by its path", () => {
    expect(() => parseSources(dev, "copy.json", { production: true })).toThrow(/development registry .* refused in production/);
    expect(parse([lab], true)).not.toThrow(); // a production registry of its own
    const production = { NODE_ENV: "production", JWT_SECRET: "j".repeat(40), INTERNAL_SECRET: "i".repeat(40), CURSOR_SECRET: "c".repeat(40) };
    const secrets = { ...production, METRICS_TOKEN: "m".repeat(40), INGEST_TOKEN_SECRET: "t".repeat(40) };
    expect(() => parseEnv(secrets)).toThrow(/INGEST_SOURCES_FILE: the development sources/);
    expect(() => parseEnv({ ...secrets, INGEST_SOURCES_FILE: "./ingest/../ingest/dev-sources.json" })).toThrow(/INGEST_SOURCES_FILE/);
    expect(parseEnv({ ...secrets, INGEST_SOURCES_FILE: "/etc/carerecord/sources.json" }).INGEST_SOURCES_FILE).toBe("/etc/carerecord/sources.json");
  });
});
