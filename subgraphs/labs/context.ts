import type { BaseContext } from "../../platform/subgraph/server.js";
import type { LabsLoaders } from "./loaders.js";

export interface LabsContext extends BaseContext {
  loaders: LabsLoaders;
}
