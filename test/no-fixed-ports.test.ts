// Tests share a machine with each other, with other checkouts and with PostgreSQL itself: a port a
// test listens on is always picked by the OS (port 0, read back), never fixed or derived from the
// pid (audit-sigterm's pid-derived ports once landed on 5432 about one run in three).
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

const ROOTS = ["test", "platform", "subgraphs", "gateway"];
const forbidden: [string, RegExp][] = [
  ["a port derived from the pid", /process\.pid\s*[%+*]/],
  ["a fixed listening port in a test's environment", /\b[A-Z_]*PORT["']?\s*:\s*(String\(\s*)?["'`]?[1-9]\d*/],
  ["a fixed port passed to listen()", /\.listen\(\s*[1-9]\d*/],
  ["a fixed port for a spawned server", /["']--port["']\s*,\s*["'][1-9]/],
];

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "node_modules" ? [] : testFiles(full);
    return /\.test\.ts$/.test(e.name) || (dir.startsWith("test") && e.name.endsWith(".ts")) ? [full] : [];
  });
}

describe("tests pick their ports from the OS", () => {
  const files = ROOTS.flatMap(testFiles);

  it("finds the test files", () => {
    expect(files).toContain(path.join("test", "audit-sigterm.test.ts"));
  });

  it("no test listens on a fixed or pid-derived port", () => {
    const offences = files.flatMap((file) =>
      readFileSync(file, "utf8")
        .split("\n")
        .flatMap((line, i) =>
          forbidden.filter(([, re]) => re.test(line) && !line.includes("no-fixed-ports: allow")).map(([what]) => `${file}:${i + 1}: ${what}: ${line.trim()}`),
        ),
    );
    expect(offences).toEqual([]);
  });
});
