import { newRecordId, seededRecordId } from "./opaque-id.js";

describe("record ids", () => {
  it("a new id is its prefix and 28 letters (128 random bits), different every time", () => {
    const ids = Array.from({ length: 2000 }, () => newRecordId("CP"));
    for (const id of ids) expect(id).toMatch(/^CP-[a-z]{28}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("a seeded id is reproducible, carries none of its parts, and differs by part, order and prefix", () => {
    const id = seededRecordId("CP", "9990000018", 1);
    expect(id).toMatch(/^CP-[a-z]{24}$/);
    expect(seededRecordId("CP", "9990000018", 1)).toBe(id);
    expect(id).not.toMatch(/\d/);
    const others = [
      seededRecordId("CP", "9990000018", 2),
      seededRecordId("CP", "9990000026", 1),
      seededRecordId("CP", "999000001", "81"),
      seededRecordId("CP", "1", "9990000018"),
      seededRecordId("AL", "9990000018", 1),
    ];
    expect(new Set([id, ...others].map((o) => o.slice(3))).size).toBe(others.length + 1);
  });

  it("refuses a prefix that could carry something else, and a seeded id of nothing", () => {
    for (const prefix of ["", "cp", "C", "CP-9990000018", "CP1"]) expect(() => newRecordId(prefix)).toThrow(/prefix/);
    expect(() => seededRecordId("CP")).toThrow(/part/);
  });
});
