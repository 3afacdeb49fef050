// Automatic persisted queries (the Apollo protocol: extensions.persistedQuery { version: 1,
// sha256Hash }). A client sends the hash; if the gateway does not know it, the client is told
// PERSISTED_QUERY_NOT_FOUND and sends hash and query together, which registers it. Registering needs
// a valid user token, so anonymous callers cannot fill the store.
import { createHash } from "node:crypto";
import type { GatewayPlugin } from "@graphql-hive/gateway-runtime";
import { GraphQLError } from "graphql";
import { badInput, domainError, ErrorCode } from "../../subgraphs/kernel/errors.js";
import { metrics } from "../../subgraphs/kernel/metrics.js";
import type { PersistedQueryStore } from "../persisted-query-store.js";
import { bearerToken, verifyUserToken, type TokenSettings } from "../tokens.js";

/** Longer operations are refused by the token limit anyway; this bounds what can be stored. */
const MAX_QUERY_LENGTH = 20_000;

interface PersistedQueryExtension {
  version?: unknown;
  sha256Hash?: unknown;
}

export function usePersistedQueries(store: PersistedQueryStore, tokens: TokenSettings): GatewayPlugin {
  return {
    async onParams({ params, setParams, request }) {
      const pq = (params.extensions as { persistedQuery?: PersistedQueryExtension } | undefined)?.persistedQuery;
      if (!pq) return;
      if (pq.version !== 1 || typeof pq.sha256Hash !== "string" || !/^[0-9a-f]{64}$/.test(pq.sha256Hash))
        throw badInput("persistedQuery must be { version: 1, sha256Hash: <64 hex digits> }");
      const hash = pq.sha256Hash;
      if (params.query) {
        if (params.query.length > MAX_QUERY_LENGTH) throw badInput("The operation is too long to persist");
        if (createHash("sha256").update(params.query).digest("hex") !== hash)
          throw new GraphQLError("provided sha does not match query", { extensions: { code: "PERSISTED_QUERY_HASH_MISMATCH" } });
        const bearer = bearerToken(request.headers.get("authorization"));
        const valid = bearer ? await verifyUserToken(bearer, tokens).then(() => true, () => false) : false;
        if (!valid) throw domainError(ErrorCode.Unauthenticated, "A valid bearer token is required to register a persisted query");
        await store.set(hash, params.query);
        metrics.persistedQueries.inc({ result: "registered" });
        return;
      }
      const query = await store.get(hash);
      if (query === null) {
        metrics.persistedQueries.inc({ result: "not_found" });
        throw new GraphQLError("PersistedQueryNotFound", { extensions: { code: "PERSISTED_QUERY_NOT_FOUND" } });
      }
      metrics.persistedQueries.inc({ result: "hit" });
      setParams({ ...params, query });
    },
  };
}
