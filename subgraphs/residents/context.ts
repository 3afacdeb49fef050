import type { BaseContext } from "../../platform/subgraph/server.js";
import type { ResidentsAccess } from "./access.js";
import type { ResidentsLoaders } from "./loaders.js";
import type { ResidentsRepository } from "./repository.js";
import type { Quarantine } from "./quarantine.js";

export interface ResidentsContext extends BaseContext {
  repo: ResidentsRepository;
  loaders: ResidentsLoaders;
  access: ResidentsAccess;
  /** FHIR entries patient matching quarantined, for the administrator (quarantine.ts). */
  quarantine: Quarantine;
}
