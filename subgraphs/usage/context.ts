import type { BaseContext } from "../../platform/subgraph/server.js";
import type { UsageRepository } from "./repository.js";

export interface UsageContext extends BaseContext {
  repo: UsageRepository;
}
