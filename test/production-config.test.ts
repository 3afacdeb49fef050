// The settings this helper added are read like the others: the metrics token's and the cursor
// key's development defaults are refused in production (so are FHIR ingestion's token key and
// development source registry), and CORS_ORIGINS is an exact, comma-separated allow-list.
import { parseEnv } from "../platform/config/env.js";

const production = {
  NODE_ENV: "production",
  JWT_SECRET: "j".repeat(40),
  INTERNAL_SECRET: "i".repeat(40),
  CURSOR_SECRET: "c".repeat(40),
  INGEST_TOKEN_SECRET: "t".repeat(40),
  INGEST_SOURCES_FILE: "/etc/carerecord/ingest-sources.json",
};

describe("production configuration", () => {
  it("refuses the development metrics token", () => {
    expect(() => parseEnv(production)).toThrow(/METRICS_TOKEN: the development key must not be used in production/);
    expect(parseEnv({ ...production, METRICS_TOKEN: "m".repeat(40) }).METRICS_TOKEN).toBe("m".repeat(40));
    expect(() => parseEnv({ ...production, METRICS_TOKEN: "short" })).toThrow(/METRICS_TOKEN/);
  });

  it("refuses the development cursor key", () => {
    const { CURSOR_SECRET: _, ...withoutCursorKey } = { ...production, METRICS_TOKEN: "m".repeat(40) };
    expect(() => parseEnv(withoutCursorKey)).toThrow(/CURSOR_SECRET: the development key must not be used in production/);
    expect(parseEnv({ ...withoutCursorKey, CURSOR_SECRET: "c".repeat(40) }).CURSOR_SECRET).toBe("c".repeat(40));
    expect(() => parseEnv({ ...withoutCursorKey, CURSOR_SECRET: "short" })).toThrow(/CURSOR_SECRET/);
  });

  it("refuses the development ingest token key and source registry", () => {
    const { INGEST_TOKEN_SECRET: _, ...withoutIngestKey } = { ...production, METRICS_TOKEN: "m".repeat(40) };
    expect(() => parseEnv(withoutIngestKey)).toThrow(/INGEST_TOKEN_SECRET: the development key must not be used in production/);
    expect(() => parseEnv({ ...withoutIngestKey, INGEST_TOKEN_SECRET: "short" })).toThrow(/INGEST_TOKEN_SECRET/);
    const { INGEST_SOURCES_FILE: __, ...withoutSources } = { ...production, METRICS_TOKEN: "m".repeat(40) };
    expect(() => parseEnv(withoutSources)).toThrow(/INGEST_SOURCES_FILE: the development sources/);
    expect(parseEnv({ ...production, METRICS_TOKEN: "m".repeat(40) }).INGEST_TOKEN_SECRET).toBe("t".repeat(40));
  });

  it("reads CORS_ORIGINS as a list, empty by default", () => {
    expect(parseEnv({}).CORS_ORIGINS).toEqual([]);
    expect(parseEnv({ CORS_ORIGINS: " https://a.example.org, https://b.example.org ,," }).CORS_ORIGINS).toEqual([
      "https://a.example.org",
      "https://b.example.org",
    ]);
  });
});
