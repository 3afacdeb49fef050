// A trusted-documents manifest is checked whole at start: a hash that does not match its
// document, a document that does not validate, or a file that is not a manifest stops the gateway
// with a message naming the file and hash, never the document's text.
import { readFileSync } from "node:fs";
import { buildSchema } from "graphql";
import { ConfigError } from "../platform/config/env.js";
import { loadTrustedDocuments, sha256Hex, trustedDocuments } from "./trusted-documents.js";

const schema = buildSchema(readFileSync(new URL("../schema/api.graphql", import.meta.url), "utf8"));
const good = `query Secretive { usage(filter: { from: "2026-11-01", to: "2026-11-02" }) { totalViews } }`;
const invalid = `query Secretive { usage { nope } }`;
const entry = (doc: string) => ({ [`sha256:${sha256Hex(doc)}`]: doc });

describe("trusted documents", () => {
  it("finds a document by sha256:<hex> or <hex>, and knows its exact text", () => {
    const docs = trustedDocuments({ "m.json": entry(good) }, schema);
    expect(docs.get(`sha256:${sha256Hex(good)}`)).toBe(good);
    expect(docs.get(sha256Hex(good))).toBe(good);
    expect(docs.get(`sha256:${"0".repeat(64)}`)).toBeUndefined();
    expect(docs.get("Secretive")).toBeUndefined();
    expect(docs.trusts(good)).toBe(true);
    expect(docs.trusts(`${good} `)).toBe(false);
  });

  it.each([
    ["a hash that is not its document's", { [`sha256:${sha256Hex(good + "x")}`]: good }, /does not hash to its document/],
    ["a document that does not validate", entry(invalid), /does not validate against schema\/api\.graphql/],
    ["an id that is not a sha256", { Secretive: good }, /is not sha256:<64 hex digits>/],
    ["a value that is not a document", { [`sha256:${"1".repeat(64)}`]: 42 }, /is not a document/],
  ])("refuses %s, naming file and hash but not the document", (_, manifest, message) => {
    let thrown: unknown;
    try {
      trustedDocuments({ "clients/x.json": manifest as Record<string, unknown> }, schema);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as Error).message).toMatch(message);
    expect((thrown as Error).message).toMatch(/TRUSTED_DOCUMENTS: clients\/x\.json/);
    expect((thrown as Error).message).not.toMatch(/usage|totalViews|nope/);
  });

  it("refuses a missing file or one that is not a manifest", () => {
    expect(() => loadTrustedDocuments(["clients/no-such-manifest.json"])).toThrow(/clients\/no-such-manifest\.json: no such file/);
    expect(() => loadTrustedDocuments(["package-lock.json", "README.md"])).toThrow(ConfigError);
    expect(() => loadTrustedDocuments(["README.md"])).toThrow(/README\.md: not a JSON manifest/);
  });

  it("loads the repository's own client manifest (the default)", () => {
    expect(loadTrustedDocuments(["clients/generated/persisted-documents.json"]).size).toBe(5);
  });
});
