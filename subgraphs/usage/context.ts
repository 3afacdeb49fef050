import type { BaseContext } from "../kernel/subgraph-server.js";
import type { UsageRepository } from "./repository.js";

export interface UsageContext extends BaseContext {
  repo: UsageRepository;
}
