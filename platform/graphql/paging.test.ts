import { GraphQLError } from "graphql";
import { createCursorCodec, decodeCursor, encodeCursor, pageRequest, pageSize, toConnection, twoWayConnection, mapNodes } from "./paging.js";

const badInput = (f: () => unknown) => {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(GraphQLError);
    expect((error as GraphQLError).extensions.code).toBe("BAD_USER_INPUT");
    return;
  }
  throw new Error("not refused");
};

describe("paging", () => {
  it("bounds page size", () => {
    expect(pageSize(undefined)).toBe(20);
    expect(pageSize(100)).toBe(100);
    expect(() => pageSize(0)).toThrow(GraphQLError);
    expect(() => pageSize(101)).toThrow(GraphQLError);
    expect(() => pageSize(1.5)).toThrow(GraphQLError);
  });

  it("round-trips cursors within their list and rejects foreign ones", () => {
    const c = encodeCursor("Resident.diagnosticReports", ["2026-01-01T00:00:00.000Z", "DR-1"]);
    expect(decodeCursor("Resident.diagnosticReports", c, 2)).toEqual(["2026-01-01T00:00:00.000Z", "DR-1"]);
    expect(decodeCursor("Resident.diagnosticReports", null, 2)).toBeNull();
    badInput(() => decodeCursor("Resident.diagnosticReports", c, 1));
    // The same shape from another list.
    badInput(() => decodeCursor("Resident.hospitalStays", c, 2));
    badInput(() => decodeCursor("Resident.diagnosticReports", "not-a-cursor", 1));
    // What cursors were before they were sealed: base64url JSON of the key.
    badInput(() => decodeCursor("Resident.diagnosticReports", Buffer.from('["2026-01-01T00:00:00.000Z","DR-1"]').toString("base64url"), 2));
    badInput(() => decodeCursor("Resident.diagnosticReports", "", 2));
    badInput(() => decodeCursor("Resident.diagnosticReports", "A".repeat(5000), 2));
  });

  it("seals the key: nothing of it shows, every altered byte is refused, another key refuses it", () => {
    const scope = "CareHome.residents/CH00001/FAMILY_NAME";
    const c = encodeCursor(scope, ["o'brien", "mary", "9990000018"]);
    const bytes = Buffer.from(c, "base64url");
    for (const clear of ["9990000018", "brien", "mary"]) {
      expect(c).not.toContain(clear);
      expect(bytes.toString("latin1")).not.toContain(clear);
      expect(Buffer.from(c, "base64").toString("latin1")).not.toContain(clear);
    }
    // The same position always gets the same cursor (answers stay comparable); another does not.
    expect(encodeCursor(scope, ["o'brien", "mary", "9990000018"])).toBe(c);
    expect(encodeCursor(scope, ["o'brien", "mary", "9990000026"])).not.toBe(c);
    for (let i = 0; i < bytes.length; i++) {
      const altered = Buffer.from(bytes);
      altered[i] = altered[i]! ^ 0x01;
      badInput(() => decodeCursor(scope, altered.toString("base64url"), 3));
    }
    badInput(() => decodeCursor(scope, bytes.subarray(0, bytes.length - 1).toString("base64url"), 3));
    const other = createCursorCodec("another-deployment's-cursor-secret-of-32+-characters");
    expect(other.open(scope, c)).toBeNull();
    expect(other.open(scope, other.encode(scope, ["x"]))).toEqual(["x"]);
    badInput(() => decodeCursor(scope, other.encode(scope, ["o'brien", "mary", "9990000018"]), 3));
  });

  it("builds a forward connection from size + 1 rows", () => {
    const rows = [{ id: "a" }, { id: "b" }, { id: "c" }];
    const page = toConnection("list", rows, 2, (r) => [r.id]);
    expect(page.edges.map((e) => e.node.id)).toEqual(["a", "b"]);
    expect(page.pageInfo).toEqual({
      hasNextPage: true,
      hasPreviousPage: false,
      startCursor: encodeCursor("list", ["a"]),
      endCursor: encodeCursor("list", ["b"]),
    });
    expect(toConnection("list", rows, 3, (r) => [r.id]).pageInfo.hasNextPage).toBe(false);
    expect(toConnection("list", [], 3, (r: { id: string }) => [r.id]).pageInfo).toEqual({
      hasNextPage: false,
      hasPreviousPage: false,
      startCursor: null,
      endCursor: null,
    });
  });

  it("seals a cursor only when it is read, once, and the same as sealing it at once", async () => {
    const rows = [{ id: "a" }, { id: "b" }, { id: "c" }];
    const keys: string[] = [];
    const keyOf = (r: { id: string }) => (keys.push(r.id), [r.id]);
    const forward = toConnection("L", rows, 2, keyOf);
    const twoWay = twoWayConnection("L", rows, { size: 2, backward: false, cursor: null, argument: "after" }, keyOf, async () => false);
    const renamed = mapNodes(forward.edges, (_, i) => ["x", "y"][i]);
    expect(keys).toEqual([]); // nothing sealed while nobody reads a cursor
    expect(renamed.map((e) => e.node)).toEqual(["x", "y"]);
    expect(keys).toEqual([]);
    expect(renamed[1]!.cursor).toBe(encodeCursor("L", ["b"]));
    expect(forward.edges[1]!.cursor).toBe(encodeCursor("L", ["b"]));
    expect(forward.pageInfo.endCursor).toBe(encodeCursor("L", ["b"]));
    expect(keys).toEqual(["b"]); // sealed once, shared by the edge, its renamed copy and PageInfo
    expect(forward.pageInfo.startCursor).toBe(encodeCursor("L", ["a"]));
    expect((await twoWay.pageInfo()).startCursor).toBe(encodeCursor("L", ["a"]));
    // JSON (the cache's form) carries the cursors like any other field.
    expect(JSON.parse(JSON.stringify(forward)).edges[0].cursor).toBe(encodeCursor("L", ["a"]));
  });

  it("reads first/after and last/before, and refuses mixing the directions", () => {
    expect(pageRequest({})).toEqual({ size: 20, backward: false, cursor: null, argument: "after" });
    expect(pageRequest({ first: 5, after: "x" })).toEqual({ size: 5, backward: false, cursor: "x", argument: "after" });
    expect(pageRequest({ last: 5 })).toEqual({ size: 5, backward: true, cursor: null, argument: "before" });
    expect(pageRequest({ before: "y" })).toEqual({ size: 20, backward: true, cursor: "y", argument: "before" });
    expect(pageRequest({ first: null, last: 3, after: null, before: "y" })).toEqual({ size: 3, backward: true, cursor: "y", argument: "before" });
    badInput(() => pageRequest({ first: 5, last: 5 }));
    badInput(() => pageRequest({ after: "x", before: "y" }));
    badInput(() => pageRequest({ first: 5, before: "y" }));
    badInput(() => pageRequest({ last: 5, after: "x" }));
    badInput(() => pageRequest({ last: 0 }));
    badInput(() => pageRequest({ last: 101 }));
  });

  it("builds a two-way connection: edges in list order, both flags exact, the far side asked only when needed", async () => {
    const asked: string[] = [];
    const behind = (answer: boolean) => async () => (asked.push("behind"), answer);
    const rows = [{ id: "c" }, { id: "b" }, { id: "a" }]; // fetched backwards: reverse list order
    const back = twoWayConnection("list", rows, { size: 2, backward: true, cursor: "d", argument: "before" }, (r) => [r.id], behind(true));
    expect(back.edges.map((e) => e.node.id)).toEqual(["b", "c"]);
    expect(asked).toEqual([]);
    expect(await back.pageInfo()).toEqual({
      hasNextPage: true,
      hasPreviousPage: true,
      startCursor: encodeCursor("list", ["b"]),
      endCursor: encodeCursor("list", ["c"]),
    });
    await back.pageInfo();
    expect(asked).toEqual(["behind"]);
    const end = twoWayConnection("list", rows.slice(0, 2), { size: 2, backward: true, cursor: null, argument: "before" }, (r) => [r.id], behind(true));
    expect(await end.pageInfo()).toMatchObject({ hasNextPage: false, hasPreviousPage: false });
    expect(asked).toEqual(["behind"]); // no cursor: nothing to ask
    const forward = twoWayConnection("list", [{ id: "b" }], { size: 2, backward: false, cursor: "a", argument: "after" }, (r) => [r.id], behind(false));
    expect(await forward.pageInfo()).toMatchObject({ hasNextPage: false, hasPreviousPage: false });
  });
});
