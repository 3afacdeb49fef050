import type { BaseContext } from "../../platform/subgraph/server.js";
import type { ResidentsAccess } from "./access.js";
import type { ResidentsLoaders } from "./loaders.js";
import type { ResidentsRepository } from "./repository.js";

export interface ResidentsContext extends BaseContext {
  repo: ResidentsRepository;
  loaders: ResidentsLoaders;
  access: ResidentsAccess;
}
