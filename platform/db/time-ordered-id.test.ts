// Time-ordered ids (UUID version 7): well-formed, unique, and in key order across milliseconds.
import { timeOrderedId } from "./time-ordered-id.js";

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

it("is a version 7 UUID whose first 48 bits are the time given", () => {
  const at = Date.UTC(2026, 11, 5, 1, 2, 3, 456);
  const id = timeOrderedId(at);
  expect(id).toMatch(V7);
  expect(parseInt(id.replace(/-/g, "").slice(0, 12), 16)).toBe(at);
});

it("ids of later milliseconds sort after earlier ones, and none repeats (pool refills included)", () => {
  const ids: string[] = [];
  const start = Date.now();
  for (let i = 0; i < 3000; i++) ids.push(timeOrderedId(start + Math.floor(i / 7)));
  expect(new Set(ids).size).toBe(ids.length);
  for (let i = 7; i < ids.length; i += 7) expect(ids[i - 1]! < ids[i]!).toBe(true);
  for (const id of ids) expect(id).toMatch(V7);
});
