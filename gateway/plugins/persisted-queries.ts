// Persisted operations: trusted documents and automatic persisted queries.
// - Trusted documents (gateway/trusted-documents.ts): the operations client apps ship, run by hash
//   with `documentId: "sha256:<hex>"` (body or URL) or the Apollo extension below. With
//   ALLOW_ARBITRARY_DOCUMENTS false (production's default) they are all that runs: any other
//   document, sent as text or registered as a persisted query, is TRUSTED_DOCUMENT_REQUIRED.
// - Automatic persisted queries (the Apollo protocol: extensions.persistedQuery { version: 1,
//   sha256Hash }), where arbitrary documents are allowed. A client sends the hash; if the gateway
//   does not know it, the client is told PERSISTED_QUERY_NOT_FOUND and sends hash and query
//   together, which registers it.
// - Every persisted-query request needs a valid user token, look-ups included: without one the
//   answer is 401 whether or not the hash is known, so the store cannot be probed.
// - Only a document that parses and validates against the client schema is stored; an invalid one
//   runs as an ordinary request (and gets its ordinary validation errors) without being stored.
// - Each user may register a bounded number of documents a minute; above it the operation still
//   runs, it is just not stored, so nobody can fill the store or spend the gateway's CPU on it.
import type { GatewayPlugin } from "@graphql-hive/gateway-runtime";
import { GraphQLError } from "graphql";
import { LRUCache } from "lru-cache";
import { badInput } from "../../platform/errors/errors.js";
import { metrics } from "../../platform/observability/metrics.js";
import type { PersistedQueryStore } from "../persisted-query-store.js";
import { hashOf, sha256Hex, type TrustedDocuments } from "../trusted-documents.js";
import { isValidOperation } from "../client-schema.js";
import type { TokenSettings } from "../tokens.js";
import { authenticate } from "./authenticate.js";

/** Longer operations are refused by the token limit anyway; this bounds what can be stored. */
const MAX_QUERY_LENGTH = 20_000;
/** Registrations per user per minute: far above what a real client's set of operations needs. */
export const REGISTRATIONS_PER_MINUTE = 30;

interface PersistedQueryExtension {
  version?: unknown;
  sha256Hash?: unknown;
}

export interface PersistedOperationSettings {
  /** Automatic persisted queries, registered by clients (where arbitrary documents may run). */
  store: PersistedQueryStore;
  trusted: TrustedDocuments;
  /** False: only trusted documents run. */
  allowArbitrary: boolean;
}

/** A persisted-query extension's hash: 64 lower-case hex digits (SHA-256 of the document). */
export const isPersistedQueryHash = (hash: unknown): hash is string => typeof hash === "string" && /^[0-9a-f]{64}$/.test(hash);

/**
 * The document a persisted-query hash names: a trusted document, else, where arbitrary documents
 * may run, one a client registered. The one look-up for this plugin and the bulk lane router.
 */
export async function persistedDocument(
  { store, trusted, allowArbitrary }: PersistedOperationSettings,
  hash: string,
): Promise<{ query: string; trusted: boolean } | null> {
  const trustedQuery = trusted.get(hash);
  if (trustedQuery !== undefined) return { query: trustedQuery, trusted: true };
  const registered = allowArbitrary ? await store.get(hash) : null;
  return registered === null ? null : { query: registered, trusted: false };
}

const trustedDocumentRequired = () =>
  new GraphQLError("Only the operations of registered client apps (trusted documents) may run here; send a documentId", {
    extensions: { code: "TRUSTED_DOCUMENT_REQUIRED" },
  });
const notFound = () => new GraphQLError("PersistedQueryNotFound", { extensions: { code: "PERSISTED_QUERY_NOT_FOUND" } });

export function usePersistedQueries({ store, trusted, allowArbitrary }: PersistedOperationSettings, tokens: TokenSettings): GatewayPlugin {
  // Registrations in the current minute, per user (in process: each replica bounds its own share).
  const registrations = new LRUCache<string, number>({ max: 100_000, ttl: 60_000, noUpdateTTL: true });

  return {
    async onParams({ params, setParams, request }) {
      const documentId = (params as { documentId?: unknown }).documentId ?? new URL(request.url).searchParams.get("documentId");
      const pq = (params.extensions as { persistedQuery?: PersistedQueryExtension } | undefined)?.persistedQuery;
      if ((documentId === null || documentId === undefined) && !pq) {
        if (allowArbitrary || (typeof params.query === "string" && trusted.trusts(params.query))) return;
        await authenticate(request.headers.get("authorization"), tokens); // 401 first: no policy shown to strangers
        throw trustedDocumentRequired();
      }
      const identity = await authenticate(request.headers.get("authorization"), tokens);
      if (documentId !== null && documentId !== undefined) {
        if (typeof documentId !== "string" || !hashOf(documentId)) throw badInput("documentId must be sha256:<64 hex digits>");
        if (params.query || pq) throw badInput("Send a documentId, a query or a persisted query, not several");
        const query = trusted.get(documentId);
        metrics.persistedQueries.inc({ result: query ? "trusted" : "not_found" });
        if (!query) throw notFound();
        const { documentId: _sent, ...rest } = params as typeof params & { documentId?: unknown };
        setParams({ ...rest, query });
        return;
      }
      if (pq!.version !== 1 || !isPersistedQueryHash(pq!.sha256Hash)) throw badInput("persistedQuery must be { version: 1, sha256Hash: <64 hex digits> }");
      const hash = pq!.sha256Hash;
      if (params.query) {
        if (params.query.length > MAX_QUERY_LENGTH) throw badInput("The operation is too long to persist");
        if (sha256Hex(params.query) !== hash)
          throw new GraphQLError("provided sha does not match query", { extensions: { code: "PERSISTED_QUERY_HASH_MISMATCH" } });
        if (trusted.get(hash)) return; // a trusted document sent in full: nothing to register
        if (!allowArbitrary) throw trustedDocumentRequired();
        const used = registrations.get(identity.userId) ?? 0;
        if (used >= REGISTRATIONS_PER_MINUTE) {
          metrics.persistedQueries.inc({ result: "rate_limited" });
          return;
        }
        registrations.set(identity.userId, used + 1);
        if (!isValidOperation(params.query)) {
          metrics.persistedQueries.inc({ result: "invalid" });
          return;
        }
        await store.set(hash, params.query);
        metrics.persistedQueries.inc({ result: "registered" });
        return;
      }
      const found = await persistedDocument({ store, trusted, allowArbitrary }, hash);
      if (found === null) {
        metrics.persistedQueries.inc({ result: "not_found" });
        throw notFound();
      }
      metrics.persistedQueries.inc({ result: found.trusted ? "trusted" : "hit" });
      setParams({ ...params, query: found.query });
    },
  };
}
