/**
 * `npm run bench` (full) and `npm run bench -- --quick` (a smoke run). Phases, in order:
 *
 * 1. start-up and memory (startup.ts): spawn -> first API answer, idle RSS, the first call to
 *    each service (in sequence, and each on a fresh process), RSS once all have answered;
 * 2. throughput: every workload against every target, in interleaved rounds (A, B, C, C, B, A)
 *    so that machine drift cancels; requests per second, p50/p99 latency, errors, CPU;
 * 3. scale (scale.ts): ListUsers and ListKeys pages at 1k .. 1M seeded resources on the memory,
 *    SQLite and PostgreSQL stores; RSS per 100,000, through the API beside moto;
 * 4. soak (soak.ts): RSS over a long mixed load.
 * Writes bench/results/<date>.json and .md (+ .svg) and prints a summary.
 *
 * Options: --quick, --concurrency N (32), --only SUBSTRING (workload ids), --targets a,b,
 * --skip-startup, --skip-throughput, --skip-scale, --skip-soak, --no-build, --client raw|http
 * (the load generator's engine), --scale-steps 1000,1000000 (the scale phase's sizes), --out PATH (write PATH.json/.md/.svg instead of
 * bench/results/<date>[-quick].*), --render results/X.json (write X.md and X.svg again from
 * X.json, without running anything).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem, release } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { type Endpoint, type Engine, type LoadResult, percentiles, send, type Source } from "./load.js";
import { type Ctx, launch, mb, round1, round3, type Running, runLoad as runLoadIn, stopTarget } from "./phase.js";
import { cpuUs, killAll } from "./procs.js";
import { renderMarkdown, renderSvg, type Results, type ThroughputRow, type TargetResult } from "./report.js";
import { scalePhase } from "./scale.js";
import { soakPhase } from "./soak.js";
import { startupPhase } from "./startup.js";
import { NUBIS_CLI, ROOT, targets as allTargets, tempDirs } from "./targets.js";
import { Api, Build, needs, SetupFailed, type Size, workloads as allWorkloads } from "./workloads.js";

const { values: opts } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    concurrency: { type: "string", default: "32" },
    only: { type: "string" },
    targets: { type: "string" },
    "skip-scale": { type: "boolean", default: false },
    "skip-startup": { type: "boolean", default: false },
    "skip-throughput": { type: "boolean", default: false },
    "skip-soak": { type: "boolean", default: false },
    "no-build": { type: "boolean", default: false },
    client: { type: "string", default: "raw" },
    render: { type: "string" },
    out: { type: "string" },
    "scale-steps": { type: "string" },
  },
});

const quick = !!opts.quick;
const ENGINE = opts.client as Engine;
if (ENGINE !== "raw" && ENGINE !== "http") throw new Error("--client must be raw or http");
const CONCURRENCY = Number(opts.concurrency);
const CHUNK_MS = quick ? 150 : 350;
const ROUNDS = quick ? 2 : 6;
const WARM_MS = quick ? 100 : 400;

const notes: string[] = [];
const note = (s: string) => {
  notes.push(s);
  console.log(`  note: ${s}`);
};
const T0 = Date.now();
const log = (s: string) => console.log(s.startsWith("\n==") ? `${s} [${((Date.now() - T0) / 1000).toFixed(0)}s]` : s);
const ctx: Ctx = { quick, concurrency: CONCURRENCY, engine: ENGINE, note, log };
const runLoad = (ep: Running["ep"], source: Source, concurrency: number, ms: number) => runLoadIn(ctx, ep, source, concurrency, ms);

// ------------------------------------------------------------------ build

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else if (entry.name.endsWith(".ts")) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

function build() {
  if (opts["no-build"]) return;
  const stale = !existsSync(NUBIS_CLI) || newestMtime(join(ROOT, "src")) > statSync(NUBIS_CLI).mtimeMs;
  if (!stale) return;
  log("building nubis (npm run build) ...");
  const r = spawnSync(process.execPath, [join(ROOT, "scripts/bundle.mjs")], { cwd: ROOT, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`the build failed:\n${r.stdout}${r.stderr}`);
}

// ------------------------------------------------------------------ throughput

interface PerTarget {
  run: Running;
  source: Source;
  rate: number;
  results: LoadResult[];
  serverCpuUs: number;
}

const spent = { setup: 0, prepare: 0, timed: 0 };

async function chunk(t: PerTarget, ms: number, record: boolean) {
  const p0 = performance.now();
  t.source.prepare?.(Math.min(150_000, Math.ceil(((t.rate * ms) / 1000) * 1.5) + 256));
  spent.prepare += performance.now() - p0;
  const cpu0 = cpuUs(t.run.proc.pid);
  const res = await runLoad(t.run.ep, t.source, CONCURRENCY, ms);
  const cpu1 = cpuUs(t.run.proc.pid);
  spent.timed += res.seconds * 1000;
  t.rate = res.requests / res.seconds;
  if (record) {
    t.results.push(res);
    t.serverCpuUs += cpu1 - cpu0;
  }
}

const resetCall = (ep: Endpoint) => send(ep, { method: "POST", url: "/moto-api/reset", headers: { host: ep.host, "content-length": "0" }, body: Buffer.alloc(0) });

const closers = new Set<string>();

async function throughputPhase(running: Running[], results: Results) {
  log(`\n== throughput (${CONCURRENCY} in flight, ${ROUNDS} interleaved rounds of ${CHUNK_MS} ms per target)`);
  const size: Size = { quick, tag: Date.now().toString(36) };
  const reference = running.find((r) => r.spec.kind === "nubis");
  const ceiling = running.find((r) => r.spec.kind === "ceiling");
  const filter = opts.only;
  for (const w of allWorkloads.filter((w) => !filter || w.id.includes(filter))) {
    const row: ThroughputRow = { workload: w.id, ops: w.ops, mix: !!w.mix, write: w.write, targets: {}, notes: [] };
    results.throughput.push(row);
    const rowNote = (s: string) => {
      row.notes.push(s);
      console.log(`  ${w.id}: ${s}`);
    };
    const wanted = [w.service, ...(needs[w.service] ?? [])];
    if (!reference) {
      rowNote("skipped: no nubis target running");
      continue;
    }
    const missing = wanted.filter((s) => !reference.services!.has(s));
    if (missing.length) {
      row.skipped = `nubis does not serve ${missing.join(", ")} yet`;
      rowNote(`skipped: ${row.skipped}`);
      continue;
    }
    const per: PerTarget[] = [];
    let refState: unknown;
    // Setup, on a clean state, for every target that keeps state.
    for (const r of running) {
      if (r.spec.kind === "ceiling") continue;
      if (r.spec.workloads && !r.spec.workloads.includes(w.id)) continue;
      if (r.spec.kind === "nubis" && wanted.some((s) => !r.services!.has(s))) {
        rowNote(`${r.spec.label}: skipped: does not serve ${w.service}`);
        continue;
      }
      if (r.spec.kind === "moto" && w.moto !== true) {
        row.motoNote = String(w.moto);
        continue;
      }
      const s0 = performance.now();
      await resetCall(r.ep);
      const api = new Api(r.ep);
      try {
        const state = await w.setup(api, size);
        if (r === reference) refState = state;
        per.push({ run: r, source: w.source(api.b, state, size), rate: 0, results: [], serverCpuUs: 0 });
        spent.setup += performance.now() - s0;
      } catch (e) {
        if (!(e instanceof SetupFailed)) throw e;
        if (r.spec.kind === "moto") row.motoNote = `moto could not run the setup: ${e.message}`;
        else row.targets[r.spec.id] = { error: `setup failed: ${e.message}` };
        rowNote(`${r.spec.label}: setup failed: ${e.message}`);
      }
    }
    const ref = per.find((p) => p.run === reference);
    if (!ref) continue;
    // Probe: one request per operation, one at a time. nubis's answers become the ceiling's.
    const parts = w.mix ? w.ops.length : 1;
    let cannedForCeiling: unknown[] | undefined;
    for (const p of [...per]) {
      const canned = [];
      let failed: string | undefined;
      for (let i = 0; i < parts; i++) {
        const req = p.source.next()!;
        const reply = await send(p.run.ep, req);
        p.source.onReply?.(req, reply);
        const good = p.source.ok ? p.source.ok(reply.status) : reply.status >= 200 && reply.status < 300;
        if (p.run.spec.kind !== "ceiling" && reply.headers.connection === "close" && !closers.has(p.run.spec.id)) {
          closers.add(p.run.spec.id);
          note(`${p.run.spec.label} answers "Connection: close": every request to it opens a new TCP connection (as it does for any client, SDKs included)`);
        }
        if (!good) failed = `${req.op} answered ${reply.status}: ${reply.body.toString("utf8").slice(0, 200)}`;
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(reply.headers)) {
          if (!["date", "connection", "keep-alive", "transfer-encoding", "content-length"].includes(k) && v !== undefined) headers[k] = String(v);
        }
        canned.push({ status: reply.status, headers, body: reply.body.toString("base64") });
      }
      if (failed) {
        if (p.run.spec.kind === "moto") {
          row.motoNote = `moto's answer was not a success: ${failed}`;
          rowNote(`moto: not compared: ${failed}`);
          per.splice(per.indexOf(p), 1);
        } else rowNote(`${p.run.spec.label}: probe failed: ${failed}`);
      }
      if (p === ref) {
        cannedForCeiling = canned;
        row.responseBytes = canned.map((c) => Buffer.from(c.body, "base64").length);
      }
    }
    if (ceiling && cannedForCeiling) {
      const body = Buffer.from(JSON.stringify(cannedForCeiling));
      await send(ceiling.ep, { method: "POST", url: "/__ceiling", headers: { host: ceiling.ep.host, "content-length": String(body.length) }, body });
      per.push({ run: ceiling, source: w.source(new Build(ceiling.ep.host), refState, size), rate: 0, results: [], serverCpuUs: 0 });
    }
    // Warm-up (JIT, connections), also the rate estimate for prebuilding.
    for (const p of per) await chunk(p, WARM_MS, false);
    // Timed rounds, interleaved; the order flips each round (A B C, C B A, ...).
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? per : [...per].reverse();
      for (const p of order) await chunk(p, CHUNK_MS, true);
    }
    for (const p of per) {
      row.targets[p.run.spec.id] = summarize(p);
      const s = row.targets[p.run.spec.id];
      if (p.run.spec.kind === "nubis" && s.errors) rowNote(`${p.run.spec.label}: ${s.errors} errors, e.g. ${s.errorSamples?.[0]}`);
    }
    const line = per.map((p) => `${p.run.spec.id} ${Math.round(row.targets[p.run.spec.id].rps ?? 0)}/s`).join(", ");
    log(`  ${w.id.padEnd(34)} ${line}`);
  }
}

function summarize(p: PerTarget): TargetResult {
  if (process.env.BENCH_DEBUG) console.log(`    spent so far: ${JSON.stringify(spent, (_k, v) => (typeof v === "number" ? Math.round(v) : v))}`);
  const n = p.results.reduce((a, r) => a + r.requests, 0);
  const seconds = p.results.reduce((a, r) => a + r.seconds, 0);
  const lat = new Float64Array(n);
  let o = 0;
  for (const r of p.results) {
    lat.set(r.latenciesUs, o);
    o += r.latenciesUs.length;
  }
  const [p50, p99] = percentiles(lat, [50, 99]);
  const errors = p.results.reduce((a, r) => a + r.errors, 0);
  return {
    rps: round1(n / seconds),
    requests: n,
    errors,
    errorSamples: errors ? p.results.flatMap((r) => r.errorSamples).slice(0, 3) : undefined,
    p50Ms: round3(p50 / 1000),
    p99Ms: round3(p99 / 1000),
    serverCpuUsPerReq: round1(p.serverCpuUs / n),
    clientCpuUsPerReq: round1(p.results.reduce((a, r) => a + r.clientCpuUs, 0) / n),
    builtDuringRunPct: round1((100 * p.results.reduce((a, r) => a + r.builtDuringRun, 0)) / n),
    roundsRps: p.results.map((r) => Math.round(r.requests / r.seconds)),
  };
}

// ------------------------------------------------------------------ main

function machine() {
  const moto = spawnSync("python3", ["-c", "import moto; print(moto.__version__)"], { encoding: "utf8" });
  return {
    cpu: cpus()[0]?.model ?? "unknown",
    cores: cpus().length,
    memoryGB: round1(totalmem() / 1024 ** 3),
    os: `Linux ${release()}`,
    node: process.version,
    moto: moto.status === 0 ? moto.stdout.trim() : undefined,
    loadAverageAtStart: round1(loadavg()[0]),
  };
}

/** Writes the .md and .svg again from a results .json (after a change to the report's format). */
function rerender(file: string) {
  const results = JSON.parse(readFileSync(file, "utf8")) as Results;
  const base = file.replace(/\.json$/, "");
  const name = base.slice(base.lastIndexOf("/") + 1);
  const md = renderMarkdown(results, `${name}.svg`);
  writeFileSync(`${base}.md`, md.full);
  writeFileSync(`${base}.svg`, renderSvg(results));
  log(md.summary);
}

async function main() {
  if (opts.render) return rerender(opts.render);
  const t0 = Date.now();
  const only = opts.targets?.split(",");
  const specs = allTargets.filter((t) => !only || only.includes(t.id));
  build();
  const date = new Date().toISOString().slice(0, 10);
  const results: Results = {
    date: new Date().toISOString(),
    quick,
    machine: machine(),
    settings: { concurrency: CONCURRENCY, chunkMs: CHUNK_MS, rounds: ROUNDS, warmupMs: WARM_MS, client: ENGINE },
    targets: [],
    startup: {},
    throughput: [],
    scale: {},
    notes,
    seconds: 0,
    skippedPhases: (["startup", "throughput", "scale", "soak"] as const).filter((p) => opts[`skip-${p}`]),
  };
  log(`nubis bench${quick ? " --quick" : ""}: ${results.machine.cpu}, ${results.machine.cores} cores, node ${process.version}, load average ${results.machine.loadAverageAtStart}`);

  const kept = opts["skip-startup"] ? new Map<string, Running>() : await startupPhase(ctx, specs, results);

  const running: Running[] = [];
  if (!opts["skip-throughput"]) log("\n== starting targets");
  else for (const k of kept.values()) await stopTarget(k);
  if (!opts["skip-throughput"]) try {
    for (const spec of specs) {
      const k = kept.get(spec.id);
      const started = k ? { run: k, startupMs: 0 } : await launch(ctx, spec);
      if (typeof started === "string") {
        results.targets.push({ id: spec.id, label: spec.label, kind: spec.kind, skipped: started });
        note(`${spec.label}: skipped: ${started}`);
        continue;
      }
      running.push(started.run);
      results.targets.push({ id: spec.id, label: spec.label, kind: spec.kind, services: started.run.services ? [...started.run.services] : undefined });
      log(`  ${spec.label}: ready on port ${started.run.ep.port}${started.run.services ? ` (serves ${[...started.run.services].join(", ")})` : ""}`);
    }
    await throughputPhase(running, results);
  } finally {
    for (const r of running) await stopTarget(r);
  }

  const memory = specs.find((s) => s.id === "nubis");
  if (!opts["skip-soak"] && memory) await soakPhase(ctx, memory, results);
  if (!opts["skip-scale"]) await scalePhase(ctx, specs, results, opts["scale-steps"]?.split(",").map(Number));

  results.seconds = Math.round((Date.now() - t0) / 1000);
  results.machine.loadAverageAtEnd = round1(loadavg()[0]);
  if (Math.max(results.machine.loadAverageAtStart, results.machine.loadAverageAtEnd) > 1.5) {
    note(
      `the machine was busy with other work (1-minute load average ${results.machine.loadAverageAtStart} at start, ${results.machine.loadAverageAtEnd} at the end, on ${results.machine.cores} cores): absolute figures are low and noisy; the interleaved ratios are the figures to read`,
    );
  }
  const base = opts.out ? resolve(opts.out.replace(/\.(json|md|svg)$/, "")) : join(ROOT, "bench/results", `${date}${quick ? "-quick" : ""}`);
  mkdirSync(dirname(base), { recursive: true });
  const md = renderMarkdown(results, `${basename(base)}.svg`);
  writeFileSync(`${base}.json`, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(`${base}.svg`, renderSvg(results));
  writeFileSync(`${base}.md`, md.full);
  log(`\n${md.summary}`);
  log(`\nwrote ${base}.json, .md and .svg in ${results.seconds}s`);
}

main()
  .catch((e) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(() => {
    killAll();
    for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
  });
