// Usage subgraph: the audit trail's analytics for analysts (no patient identity), and the
// repository the gateway's audit writer appends access events through.
import type { Database } from "../kernel/database.js";
import { loadTypeDefs, type SubgraphModule } from "../kernel/subgraph-server.js";
import type { GraphQLResolverMap } from "@apollo/subgraph/dist/schema-helper/index.js";
import type { UsageContext } from "./context.js";
import { createUsageRepository } from "./repository.js";
import { resolvers } from "./resolvers/index.js";
import { permissions } from "./permissions.js";

export function createUsageSubgraph(db: Database): SubgraphModule<UsageContext> {
  const repo = createUsageRepository(db);
  return {
    name: "usage" as never,
    typeDefs: loadTypeDefs(new URL("./schema.graphql", import.meta.url)),
    resolvers: resolvers as unknown as GraphQLResolverMap<UsageContext>,
    permissions,
    createContext: (identity) => ({ identity, repo }),
    ping: repo.ping,
    close: repo.close,
  };
}
