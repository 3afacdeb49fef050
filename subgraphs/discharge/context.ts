import type { BaseContext } from "../../platform/subgraph/server.js";
import type { DischargeLoaders } from "./loaders.js";

export interface DischargeContext extends BaseContext {
  loaders: DischargeLoaders;
}
