// docker-compose.yml is valid and wires every part the way the code reads its configuration:
// Debian's docker-compose (v1) resolves the file without a container engine (`.ci/run` installs
// it), and each service's environment is parsed with the product's own env schema.
import { SUBGRAPHS, subgraphUrls } from "../subgraphs/registry.js";
import { execFileSync } from "node:child_process";
import { parseEnv } from "../platform/config/env.js";

interface Service {
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  command?: string[];
}

const compose = (...args: string[]) =>
  execFileSync("docker-compose", ["-f", "docker-compose.yml", ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

describe("docker-compose.yml", () => {
  let services: Record<string, Service>;
  beforeAll(() => {
    // Fails (ENOENT) when docker-compose is not installed: CI installs it, so absence is an error.
    compose("config", "-q");
    const resolved = compose("config");
    const json = execFileSync("python3", ["-c", "import json, sys, yaml; print(json.dumps(yaml.safe_load(sys.stdin)))"], { input: resolved, encoding: "utf8" });
    services = (JSON.parse(json) as { services: Record<string, Service> }).services;
  });

  const env = (name: string) => parseEnv(services[name]!.environment ?? {});
  const port = (name: string) => env(name).PORT;

  it("has a service for every subgraph and the gateway, each with a valid environment", () => {
    for (const name of [...SUBGRAPHS, "gateway", "seed"]) {
      expect(services[name]).toBeDefined();
      expect(() => env(name)).not.toThrow();
    }
  });

  it("each subgraph listens where its health check and the gateway look for it", () => {
    const gatewayUrls = subgraphUrls(env("gateway"));
    for (const name of SUBGRAPHS) {
      expect(services[name]!.command).toContain(name);
      expect(services[name]!.healthcheck?.test.join(" ")).toContain(`127.0.0.1:${port(name)}/healthz`);
      expect([name, gatewayUrls[name]]).toEqual([name, `http://${name}:${port(name)}/graphql`]);
      expect(services.gateway!.depends_on?.[name]?.condition).toBe("service_healthy");
    }
  });

  it("runs the FHIR front door, published, where its health check looks (the subgraphs' own containers apply what it stores)", () => {
    expect(services.ingest!.command).toContain("scripts/ingest.ts");
    expect(services.ingest!.healthcheck?.test.join(" ")).toContain(`127.0.0.1:${port("ingest")}/healthz`);
    expect(() => env("ingest")).not.toThrow();
  });

  it("every subgraph finds the residents subgraph (careplans asks it for access decisions)", () => {
    for (const name of SUBGRAPHS) expect([name, subgraphUrls(env(name)).residents]).toEqual([name, `http://residents:${port("residents")}/graphql`]);
    expect(services.careplans!.depends_on?.residents?.condition).toBe("service_healthy");
  });

  it("every service waits for the PostgreSQL and Redis it is given", () => {
    for (const [name, service] of Object.entries(services)) {
      const e = service.environment ?? {};
      if (e.DATABASE_URL) expect([name, service.depends_on?.postgres?.condition]).toEqual([name, "service_healthy"]);
      if (e.REDIS_URL) expect([name, service.depends_on?.redis?.condition]).toEqual([name, "service_healthy"]);
    }
  });
});
