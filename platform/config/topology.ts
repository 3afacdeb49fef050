// Where each part listens. All-in-one mode and the gateway agree on these defaults; containers
// override them with SUBGRAPH_URL_<NAME>. Port 0 (tests) means "any free port, read back".
import { SUBGRAPHS, type SubgraphName } from "../db/database.js";
import type { Env } from "./env.js";

/** SUBGRAPH_BASE_PORT=0 gives every subgraph an ephemeral port (all-in-one mode finds them itself). */
export function subgraphPort(name: SubgraphName, env: Pick<Env, "SUBGRAPH_BASE_PORT">): number {
  if (env.SUBGRAPH_BASE_PORT === 0) return 0;
  return env.SUBGRAPH_BASE_PORT + SUBGRAPHS.indexOf(name);
}

export function subgraphUrls(env: Env): Record<SubgraphName, string> {
  const override: Record<SubgraphName, string | undefined> = {
    residents: env.SUBGRAPH_URL_RESIDENTS,
    discharge: env.SUBGRAPH_URL_DISCHARGE,
    labs: env.SUBGRAPH_URL_LABS,
    medications: env.SUBGRAPH_URL_MEDICATIONS,
    careplans: env.SUBGRAPH_URL_CAREPLANS,
    usage: env.SUBGRAPH_URL_USAGE,
  };
  return Object.fromEntries(
    SUBGRAPHS.map((name) => [name, override[name] ?? `http://${env.HOST}:${subgraphPort(name, env)}/graphql`]),
  ) as Record<SubgraphName, string>;
}
