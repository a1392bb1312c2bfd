/**
 * Where nubis spends its time under one workload: starts nubis under `node --cpu-prof`, drives
 * the workload for a few seconds with the benchmark's load generator, stops nubis and prints
 * the self time by function and by module (package or file).
 *
 *   npx tsx bench/profile.ts [workload id, default iam.mix] [seconds, default 5] [--data-dir]
 *
 * The .cpuprofile is kept (its path is printed): open it in Chrome DevTools or speedscope.
 */
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { Endpoint, runLoad, send } from "./load.js";
import { freePort, killAll, sleep, start } from "./procs.js";
import { NUBIS_CLI, QUOTAS, ROOT } from "./targets.js";
import { Api, workloads } from "./workloads.js";

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

const [id = "iam.mix", secondsArg = "5"] = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const sqlite = process.argv.includes("--data-dir");
const w = workloads.find((x) => x.id === id);
if (!w) throw new Error(`no workload ${id}: ${workloads.map((x) => x.id).join(", ")}`);

const dir = mkdtempSync(join(tmpdir(), "nubis-prof-"));
const port = await freePort();
const args = ["--cpu-prof", `--cpu-prof-dir=${dir}`, NUBIS_CLI, "--port", String(port), "--host", "127.0.0.1", "--quiet", ...QUOTAS.flatMap((q) => ["--quota", q])];
if (sqlite) args.push("--data-dir", mkdtempSync(join(tmpdir(), "nubis-prof-data-")));
const proc = start(process.execPath, args);
try {
  const ep = new Endpoint(port, 32);
  const api = new Api(ep);
  for (let i = 0; ; i++) {
    try {
      if ((await send(ep, api.b.sts("GetCallerIdentity"))).status === 200) break;
    } catch {
      if (i > 3000) throw new Error("nubis did not start");
    }
    await sleep(5);
  }
  const size = { quick: false, tag: "prof" };
  const state = await w.setup(api, size);
  const source = w.source(api.b, state, size);
  source.prepare?.(5_000);
  await runLoad(ep, source, 32, 500); // warm-up
  source.prepare?.(Number(secondsArg) * 12_000);
  const res = await runLoad(ep, source, 32, Number(secondsArg) * 1000);
  console.log(`${id}: ${Math.round(res.requests / res.seconds)} req/s under the profiler, ${res.errors} errors`);
  ep.close();
  process.kill(proc.pid, "SIGINT");
  for (let i = 0; i < 200 && !proc.exited(); i++) await sleep(50);
} finally {
  killAll();
}

const file = readdirSync(dir).find((f) => f.endsWith(".cpuprofile"));
if (!file) throw new Error(`no profile written in ${dir}`);
const profile = JSON.parse(readFileSync(join(dir, file), "utf8")) as { nodes: Node[]; startTime: number; endTime: number; samples: number[] };
const idleId = new Set(profile.nodes.filter((n) => n.callFrame.functionName === "(idle)").map((n) => n.id));
// Busy samples only: nubis waits while the client sets up and prepares requests.
const total = profile.samples.filter((s) => !idleId.has(s)).length;
const byFunction = new Map<string, number>();
const byModule = new Map<string, number>();
const moduleOf = (url: string) => {
  if (!url) return "(node internals / GC / idle)";
  if (url.startsWith("node:")) return url;
  const p = url.replace(/^file:\/\//, "");
  const nm = p.lastIndexOf("node_modules/");
  if (nm >= 0) {
    const rest = p.slice(nm + 13).split("/");
    return rest[0].startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  return relative(ROOT, p);
};
const hits = new Map<number, number>();
for (const s of profile.samples) hits.set(s, (hits.get(s) ?? 0) + 1);
for (const n of profile.nodes) {
  const h = hits.get(n.id) ?? 0;
  if (!h || idleId.has(n.id)) continue;
  const { functionName, url, lineNumber } = n.callFrame;
  const name = `${functionName || "(anonymous)"} ${moduleOf(url)}:${lineNumber + 1}`;
  byFunction.set(name, (byFunction.get(name) ?? 0) + h);
  const mod = functionName === "(idle)" ? "(idle)" : functionName === "(garbage collector)" ? "(garbage collector)" : moduleOf(url);
  byModule.set(mod, (byModule.get(mod) ?? 0) + h);
}
// Inclusive time of nubis's own functions (the dist/ bundle): what each stage costs with what it calls.
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const inclusive = new Map<string, number>();
for (const [id, h] of hits) {
  if (idleId.has(id)) continue;
  const seen = new Set<string>();
  for (let n = byId.get(id); n; n = byId.get(parent.get(n.id) ?? -1)) {
    const { functionName, url, lineNumber } = n.callFrame;
    if (!url.includes("/dist/")) continue;
    const name = `${functionName || "(anonymous)"} ${moduleOf(url)}:${lineNumber + 1}`;
    if (seen.has(name)) continue;
    seen.add(name);
    inclusive.set(name, (inclusive.get(name) ?? 0) + h);
  }
}
const pct = (h: number) => `${((100 * h) / total).toFixed(1).padStart(5)}%`;
console.log(`\nself time by module (${total} busy samples, idle excluded):`);
for (const [k, v] of [...byModule].sort((a, b) => b[1] - a[1]).slice(0, 20)) console.log(`  ${pct(v)}  ${k}`);
console.log("\nself time by function:");
for (const [k, v] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(`  ${pct(v)}  ${k}`);
console.log("\ninclusive time of nubis's functions (with what they call):");
for (const [k, v] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`  ${pct(v)}  ${k}`);
console.log(`\nprofile: ${join(dir, file)}`);
