// Care plans subgraph: versioned personalised and urgent-care plans, contributed to Resident.
import type { Database } from "../kernel/database.js";
import { defineSubgraph, loadTypeDefs } from "../kernel/subgraph-server.js";
import { contributedSectionsPermissions } from "../kernel/access/contributed.js";
import type { CareplansContext } from "./context.js";
import { createCareplansLoaders } from "./loaders.js";
import { createCareplansRepository, type CareplansRepository } from "./repository.js";
import { resolvers } from "./resolvers/index.js";

const schema = new URL("./schema.graphql", import.meta.url);
/** Which section of the record each field contributed to Resident belongs to. */
const SECTIONS = { carePlan: "CARE_PLAN", carePlanHistory: "CARE_PLAN_HISTORY" } as const;

export const createCareplansSubgraph = (db: Database) =>
  defineSubgraph<CareplansContext, CareplansRepository>({
    name: "careplans",
    schema,
    resolvers,
    repo: createCareplansRepository(db),
    permissions: contributedSectionsPermissions(loadTypeDefs(schema), SECTIONS),
    context: (repo) => ({ loaders: createCareplansLoaders(repo) }),
  });
