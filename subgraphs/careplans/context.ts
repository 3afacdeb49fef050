import type { BaseContext } from "../../platform/subgraph/server.js";
import type { ResidentGrant } from "../../platform/access/policy.js";
import type { CareplansLoaders } from "./loaders.js";
import type { CareplansRepository } from "./repository.js";

export interface CareplansContext extends BaseContext {
  loaders: CareplansLoaders;
  repo: CareplansRepository;
  /** The caller's grant on a resident, from the residents subgraph (for mutations). */
  grantFor(nhsNumber: string): Promise<ResidentGrant>;
}
