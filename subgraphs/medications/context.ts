import type { BaseContext } from "../../platform/subgraph/server.js";
import type { MedicationsLoaders } from "./loaders.js";

export interface MedicationsContext extends BaseContext {
  loaders: MedicationsLoaders;
}
