import type { BaseContext } from "../kernel/subgraph-server.js";
import type { LabsLoaders } from "./loaders.js";

export interface LabsContext extends BaseContext {
  loaders: LabsLoaders;
}
