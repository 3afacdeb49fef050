// A stored list is read entry by entry: one malformed entry costs itself, never its neighbours,
// and what was left out is counted and logged without its content.
import { jest } from "@jest/globals";
import { z } from "zod";
import { logger } from "../observability/logger.js";
import { metrics } from "../observability/metrics.js";
import { storedList } from "./stored-list.js";

const Change = z.object({ medication: z.string(), change: z.enum(["STARTED", "STOPPED"]) });
const dropped = async (field: string) => (await metrics.storedEntriesDropped.get()).values.find((v) => v.labels.field === field)?.value ?? 0;

describe("storedList", () => {
  it("keeps every entry that fits and leaves out only the one that does not", async () => {
    const warn = jest.spyOn(logger, "warn");
    const before = await dropped("T.changes");
    const value = [
      { medication: "Furosemide 40mg", change: "STOPPED" },
      { medication: "Ramipril 5mg", change: "HALVED" },
      { medication: "Bisoprolol 2.5mg", change: "STARTED" },
    ];
    expect(storedList("T.changes", Change, value).map((c) => c.medication)).toEqual(["Furosemide 40mg", "Bisoprolol 2.5mg"]);
    expect((await dropped("T.changes")) - before).toBe(1);
    expect(JSON.stringify(warn.mock.calls)).toMatch(/T\.changes/);
    expect(JSON.stringify(warn.mock.calls)).not.toMatch(/Ramipril|HALVED/);
    warn.mockRestore();
  });

  it("reads nothing from a value that is not a list, and counts it; null is simply empty", async () => {
    const before = await dropped("T.other");
    expect(storedList("T.other", Change, { medication: "x", change: "STARTED" })).toEqual([]);
    expect(storedList("T.other", Change, "Furosemide")).toEqual([]);
    expect(storedList("T.other", Change, null)).toEqual([]);
    expect((await dropped("T.other")) - before).toBe(2);
  });
});
