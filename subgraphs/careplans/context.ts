import type { BaseContext } from "../kernel/subgraph-server.js";
import type { CareplansLoaders } from "./loaders.js";

export interface CareplansContext extends BaseContext {
  loaders: CareplansLoaders;
}
