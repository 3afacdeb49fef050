// Trusted documents: the operations client apps ship, read from GraphQL Code Generator's
// persisted-documents manifests (`{ "sha256:<hex>": "<document>" }`, clients/codegen.ts writes
// one). A client runs one by its hash (`documentId`, or the Apollo persisted-query extension); in
// production nothing else runs (ALLOW_ARBITRARY_DOCUMENTS), so a stolen token cannot be used to
// ask the record arbitrary questions. Loaded and checked once at start: a manifest whose hash does
// not match its document, or whose document does not validate against the client schema, stops
// the gateway with a message naming the file and the hash (never the document).
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { GraphQLSchema } from "graphql";
import { clientSchema, isValidOperation } from "./client-schema.js";
import { ConfigError } from "../platform/config/env.js";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

export interface TrustedDocuments {
  /** The document with this hash (64 hex digits, with or without `sha256:`), if trusted. */
  get(hash: string): string | undefined;
  /** Whether this exact document text is a trusted one. */
  trusts(query: string): boolean;
  readonly size: number;
}

export const sha256Hex = (text: string) => createHash("sha256").update(text).digest("hex");
const HASH = /^(?:sha256:)?([0-9a-f]{64})$/;

/** The hex digest a document id names, or null when it is not a sha256 id. */
export function hashOf(id: string): string | null {
  return HASH.exec(id)?.[1] ?? null;
}

export function trustedDocuments(manifests: Record<string, Record<string, unknown>>, schema: GraphQLSchema): TrustedDocuments {
  const byHash = new Map<string, string>();
  const problems: string[] = [];
  for (const [file, manifest] of Object.entries(manifests))
    for (const [id, document] of Object.entries(manifest)) {
      const hash = hashOf(id);
      if (!hash) problems.push(`${file}: "${id.slice(0, 80)}" is not sha256:<64 hex digits>`);
      else if (typeof document !== "string") problems.push(`${file}: ${id} is not a document`);
      else if (sha256Hex(document) !== hash) problems.push(`${file}: ${id} does not hash to its document`);
      // Not the validator's message: it can quote the document (argument values included).
      else if (!isValidOperation(document, schema))
        problems.push(`${file}: ${id} does not validate against schema/api.graphql (regenerate its client against it)`);
      else byHash.set(hash, document);
    }
  if (problems.length > 0) throw new ConfigError(`Invalid configuration:\n  TRUSTED_DOCUMENTS: ${problems.join("\n  TRUSTED_DOCUMENTS: ")}`);
  return {
    get: (id) => {
      const hash = hashOf(id);
      return hash ? byHash.get(hash) : undefined;
    },
    trusts: (query) => byHash.has(sha256Hex(query)),
    size: byHash.size,
  };
}

/** The manifests TRUSTED_DOCUMENTS names (paths relative to the repository root), read and checked. */
export function loadTrustedDocuments(paths: readonly string[]): TrustedDocuments {
  const manifests: Record<string, Record<string, unknown>> = {};
  for (const path of paths) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(resolve(ROOT, path), "utf8"));
    } catch (error) {
      const why = (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : "not a JSON manifest";
      throw new ConfigError(`Invalid configuration:\n  TRUSTED_DOCUMENTS: ${path}: ${why}`);
    }
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed))
      throw new ConfigError(`Invalid configuration:\n  TRUSTED_DOCUMENTS: ${path}: not an object of hash -> document`);
    manifests[path] = parsed as Record<string, unknown>;
  }
  return trustedDocuments(manifests, clientSchema());
}
