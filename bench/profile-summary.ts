// Summarises V8 CPU profiles (.cpuprofile, as `BENCH_CPU_PROF=<dir> npm run bench …` writes them)
// into the tables bench/PROFILE.md shows: where each process spent its busy time, by area (our
// directories, or the npm package) and by function (self time). Idle, GC and "(program)" are shown
// apart so that shares are of busy time.
//   npm run -s bench:profile-summary -- <dir-or-files…> [--top 25]
import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const { values, positionals } = parseArgs({ options: { top: { type: "string", default: "25" } }, allowPositionals: true });
const top = Number(values.top);
// Directories are searched (one per server, as BENCH_CPU_PROF lays them out); of node's default
// names CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile only the main thread's (0) are taken:
// the others are tsx's module loader.
const MAIN_THREAD = /^CPU\.\d+\.\d+\.\d+\.0\.\d+\.cpuprofile$/;
const find = (p: string): string[] =>
  statSync(p).isDirectory()
    ? readdirSync(p).flatMap((f) => {
        const child = path.join(p, f);
        if (statSync(child).isDirectory()) return find(child);
        return f.endsWith(".cpuprofile") && (!f.startsWith("CPU.") || MAIN_THREAD.test(f)) ? [child] : [];
      })
    : [p];
const files = positionals.flatMap(find);
if (files.length === 0) {
  console.error("usage: npm run -s bench:profile-summary -- <dir-or-.cpuprofile files> [--top N]");
  process.exit(2);
}

const SPECIAL = new Set(["(idle)", "(garbage collector)", "(program)", "(root)"]);

/** Where a frame's code lives: an npm package, a directory of ours, or node itself. */
function areaOf(url: string): string {
  if (!url) return "(native / V8)";
  if (url.startsWith("node:")) return "node core";
  const nm = url.lastIndexOf("/node_modules/");
  if (nm >= 0) {
    const rest = url.slice(nm + "/node_modules/".length).split("/");
    return rest[0]!.startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const root = url.indexOf("/work/");
  const rel = root >= 0 ? url.slice(root).split("/").slice(3) : url.split("/");
  return rel.slice(0, Math.min(2, rel.length - 1)).join("/") || url;
}

const pct = (n: number, of: number) => `${((100 * n) / of).toFixed(1)} %`;

for (const file of files) {
  const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  let total = 0;
  const special = new Map<string, number>();
  const areas = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    total += us;
    if (SPECIAL.has(functionName)) {
      special.set(functionName, (special.get(functionName) ?? 0) + us);
      continue;
    }
    const area = areaOf(url);
    areas.set(area, (areas.get(area) ?? 0) + us);
    const where = url ? `${area}: ${path.basename(url)}:${lineNumber + 1}` : area;
    const key = `${functionName || "(anonymous)"} (${where})`;
    functions.set(key, (functions.get(key) ?? 0) + us);
  }
  const idle = special.get("(idle)") ?? 0;
  const busy = total - idle;
  console.log(`### ${path.basename(path.dirname(file))}/${path.basename(file)}\n`);
  console.log(
    `Sampled ${(total / 1e6).toFixed(1)} s: busy ${(busy / 1e6).toFixed(1)} s (${pct(busy, total)}); of busy time, GC ${pct(special.get("(garbage collector)") ?? 0, busy)}, "(program)" ${pct(special.get("(program)") ?? 0, busy)}.\n`,
  );
  console.log("| area | share of busy time |\n|---|---:|");
  for (const [area, us] of [...areas].sort((a, b) => b[1] - a[1]).slice(0, 15)) console.log(`| ${area} | ${pct(us, busy)} |`);
  console.log(`\n| function (self time) | share of busy time |\n|---|---:|`);
  for (const [fn, us] of [...functions].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`| ${fn.replace(/\|/g, "\\|")} | ${pct(us, busy)} |`);
  console.log("");
}
