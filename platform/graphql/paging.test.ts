import { GraphQLError } from "graphql";
import { decodeCursor, encodeCursor, pageSize, toConnection } from "./paging.js";

describe("paging", () => {
  it("bounds page size", () => {
    expect(pageSize(undefined)).toBe(20);
    expect(pageSize(100)).toBe(100);
    expect(() => pageSize(0)).toThrow(GraphQLError);
    expect(() => pageSize(101)).toThrow(GraphQLError);
    expect(() => pageSize(1.5)).toThrow(GraphQLError);
  });

  it("round-trips cursors and rejects foreign ones", () => {
    const c = encodeCursor(["2026-01-01T00:00:00.000Z", "DR-1"]);
    expect(decodeCursor(c, 2)).toEqual(["2026-01-01T00:00:00.000Z", "DR-1"]);
    expect(decodeCursor(null, 2)).toBeNull();
    expect(() => decodeCursor(c, 1)).toThrow(GraphQLError);
    expect(() => decodeCursor("not-a-cursor", 1)).toThrow(GraphQLError);
    expect(() => decodeCursor(Buffer.from('{"a":1}').toString("base64url"), 1)).toThrow(GraphQLError);
  });

  it("builds a connection from size + 1 rows", () => {
    const rows = [{ id: "a" }, { id: "b" }, { id: "c" }];
    const page = toConnection(rows, 2, (r) => [r.id]);
    expect(page.edges.map((e) => e.node.id)).toEqual(["a", "b"]);
    expect(page.pageInfo).toEqual({ hasNextPage: true, endCursor: encodeCursor(["b"]) });
    expect(toConnection(rows, 3, (r) => [r.id]).pageInfo.hasNextPage).toBe(false);
    expect(toConnection([], 3, (r: { id: string }) => [r.id]).pageInfo).toEqual({ hasNextPage: false, endCursor: null });
  });
});
