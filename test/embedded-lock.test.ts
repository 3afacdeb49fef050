// Two processes on one embedded data folder would corrupt it (PGlite is single-process): the
// folder's lock refuses a second owner while the first is alive, names it, and a lock left by a
// process that has gone is taken over. The lock is exercised directly with real processes as
// owners; starting PGlite itself here made the test hang about one run in three (see the issue 8
// note: an embedded `npm start` sometimes spins on one core right after start-up).
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { DataDirInUseError, lockDataDir } from "../platform/db/database.js";

const dataDir = mkdtempSync(path.join(tmpdir(), "carerecord-lock-"));
const dir = path.join(dataDir, "pglite");
const lockFile = `${dir}.lock`;
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** A real process that stays alive until killed. */
function liveProcess() {
  const proc = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
  return { pid: proc.pid!, stop: () => new Promise((resolve) => (proc.once("exit", resolve), proc.kill("SIGKILL"))) };
}

describe("embedded database lock", () => {
  it("refuses a second owner while the first process is alive, naming it", async () => {
    const other = liveProcess();
    try {
      writeFileSync(lockFile, String(other.pid));
      expect(() => lockDataDir(dir)).toThrow(DataDirInUseError);
      expect(() => lockDataDir(dir)).toThrow(`already in use by process ${other.pid}`);
      expect(readFileSync(lockFile, "utf8")).toBe(String(other.pid)); // untouched
    } finally {
      await other.stop();
    }
  });

  it("takes over a lock whose process has gone, and releases it", async () => {
    const gone = spawn(process.execPath, ["-e", ""]);
    await new Promise((resolve) => gone.once("exit", resolve));
    writeFileSync(lockFile, String(gone.pid));
    const release = lockDataDir(dir);
    expect(readFileSync(lockFile, "utf8")).toBe(String(process.pid));
    expect(() => lockDataDir(dir)).toThrow(DataDirInUseError); // this process holds it now
    release();
    expect(existsSync(lockFile)).toBe(false);
  });
});
