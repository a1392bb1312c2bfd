/**
 * `npm run bench` (full, a few minutes) and `npm run bench -- --quick` (under a minute).
 *
 * 1. start-up: spawn -> first successful API answer, and idle RSS, for nubis and moto;
 * 2. throughput: every workload against every target, in interleaved rounds (A, B, C, A, B, C)
 *    so that machine drift cancels; requests per second, p50/p99 latency, errors, CPU;
 * 3. scale: ListGroups first and middle page at 1k, 10k, 100k groups; RSS after 100k users
 *    and 100k groups.
 * Writes bench/results/<date>.json and .md (+ .svg) and prints a summary.
 *
 * Options: --quick, --concurrency N (32), --only SUBSTRING (workload ids), --targets a,b,
 * --skip-scale, --skip-startup, --no-build, --client raw|http (the load generator's engine),
 * --render results/X.json (write X.md and X.svg again from X.json, without running anything).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem, release } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { Endpoint, type Engine, type LoadResult, percentiles, runLoad as runLoadWith, send, type Source } from "./load.js";
import { cpuUs, freePort, killAll, type Proc, rssBytes, sleep, start } from "./procs.js";
import { renderMarkdown, renderSvg, type Results, type ThroughputRow, type TargetResult } from "./report.js";
import { NUBIS_CLI, ROOT, type TargetSpec, targets as allTargets, tempDirs } from "./targets.js";
import { Api, Build, counter, needs, type Req, SetupFailed, type Size, type Workload, workloads as allWorkloads } from "./workloads.js";

const { values: opts } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    concurrency: { type: "string", default: "32" },
    only: { type: "string" },
    targets: { type: "string" },
    "skip-scale": { type: "boolean", default: false },
    "skip-startup": { type: "boolean", default: false },
    "no-build": { type: "boolean", default: false },
    client: { type: "string", default: "raw" },
    render: { type: "string" },
  },
});

const quick = !!opts.quick;
const ENGINE = opts.client as Engine;
if (ENGINE !== "raw" && ENGINE !== "http") throw new Error("--client must be raw or http");
const runLoad = (ep: Endpoint, source: Source, concurrency: number, ms: number) => runLoadWith(ep, source, concurrency, ms, ENGINE);
const CONCURRENCY = Number(opts.concurrency);
const CHUNK_MS = quick ? 150 : 350;
const ROUNDS = quick ? 2 : 6;
const WARM_MS = quick ? 100 : 400;
const STARTUP_RUNS = quick ? 3 : 7;
const SCALE_STEPS = quick ? [1_000, 10_000] : [1_000, 10_000, 100_000];
const LIST_SAMPLES = quick ? 60 : 200;

const notes: string[] = [];
const note = (s: string) => {
  notes.push(s);
  console.log(`  note: ${s}`);
};
const T0 = Date.now();
const log = (s: string) => console.log(s.startsWith("\n==") ? `${s} [${((Date.now() - T0) / 1000).toFixed(0)}s]` : s);

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

// ------------------------------------------------------------------ targets

interface Running {
  spec: TargetSpec;
  proc: Proc;
  ep: Endpoint;
  /** Services it serves (nubis: from /_nubis/health). */
  services?: Set<string>;
}

const stsCall = (ep: Endpoint) => new Build(ep.host).sts("GetCallerIdentity");

/** Starts a target and resolves once it answers an API call (STS GetCallerIdentity) with a 2xx. */
async function launch(spec: TargetSpec, timeoutMs = 30_000): Promise<{ run: Running; startupMs: number } | string> {
  const port = await freePort();
  const how = await spec.command(port);
  if (typeof how === "string") return how;
  const ep = new Endpoint(port, CONCURRENCY);
  const t0 = performance.now();
  const proc = start(how.cmd, how.args, how.env);
  const probe = new Endpoint(port, 1);
  try {
    for (;;) {
      if (proc.exited()) return `it exited at start: ${proc.output().trim().split("\n").slice(-3).join(" / ")}`;
      if (performance.now() - t0 > timeoutMs) {
        await proc.kill();
        return `no answer within ${timeoutMs / 1000}s`;
      }
      try {
        const reply = await send(probe, stsCall(probe));
        if (reply.status >= 200 && reply.status < 300) break;
      } catch {
        /* not listening yet */
      }
      await sleep(2);
    }
  } finally {
    probe.close();
  }
  const startupMs = performance.now() - t0;
  const run: Running = { spec, proc, ep };
  if (spec.kind === "nubis") {
    const health = await send(ep, { method: "GET", url: "/_nubis/health", headers: { host: ep.host }, body: Buffer.alloc(0) });
    const services = (JSON.parse(health.body.toString("utf8")) as { services: Record<string, unknown> }).services;
    run.services = new Set(Object.keys(services));
  }
  return { run, startupMs };
}

async function stopTarget(r: Running) {
  r.ep.close();
  await r.proc.kill();
}

// ------------------------------------------------------------------ start-up and idle memory

/** Measures start-up and idle memory; the last process of each target is kept for the throughput phase. */
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Measures start-up and memory, several times per target (medians): spawn -> first answer, RSS
 * then, the first IAM call (it loads IAM's schemas) and RSS 300 ms later (idle). The last
 * process of each target is kept for the throughput phase.
 */
async function startupPhase(specs: TargetSpec[], results: Results): Promise<Map<string, Running>> {
  log("\n== start-up and idle memory");
  const kept = new Map<string, Running>();
  // The ceiling (plain node:http) is measured too: Node's own start-up and memory, the floor.
  for (const spec of specs) {
    const runs = spec.kind === "moto" ? (quick ? 1 : 3) : STARTUP_RUNS;
    const times: number[] = [];
    const firstIam: number[] = [];
    const rssIdle: number[] = [];
    const rssReady: number[] = [];
    let failure: string | undefined;
    for (let i = 0; i < runs; i++) {
      const started = await launch(spec);
      if (typeof started === "string") {
        failure = started;
        break;
      }
      times.push(started.startupMs);
      rssReady.push(rssBytes(started.run.proc.pid));
      const b = new Build(started.run.ep.host);
      const t = performance.now();
      await send(started.run.ep, b.iam("ListGroups", { MaxItems: 100 }));
      firstIam.push(performance.now() - t);
      await sleep(300);
      rssIdle.push(rssBytes(started.run.proc.pid));
      if (i === runs - 1) kept.set(spec.id, started.run);
      else await stopTarget(started.run);
    }
    if (failure) {
      note(`${spec.label}: skipped: ${failure}`);
      results.startup[spec.id] = { skipped: failure };
      continue;
    }
    const s = {
      runs: times.map(round1),
      medianMs: round1(median(times)),
      minMs: round1(Math.min(...times)),
      firstIamCallMs: spec.kind === "ceiling" ? undefined : round1(median(firstIam)),
      rssIdleMB: mb(median(rssIdle)),
      rssAtFirstAnswerMB: mb(median(rssReady)),
      rssIdleRunsMB: rssIdle.map(mb),
    };
    results.startup[spec.id] = s;
    log(
      `  ${spec.label}: start-up median ${s.medianMs} ms (min ${s.minMs}, ${runs} runs);${s.firstIamCallMs === undefined ? "" : ` first IAM call ${s.firstIamCallMs} ms;`} idle RSS ${s.rssIdleMB} MB (median)`,
    );
  }
  return kept;
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

// ------------------------------------------------------------------ scale

async function latencyOf(ep: Endpoint, make: () => Req, n: number) {
  const warm = counter(() => make(), 200); // JIT and caches first
  warm.prepare!(200);
  await runLoad(ep, warm, 1, Number.POSITIVE_INFINITY);
  const source = counter(() => make(), n);
  source.prepare!(n);
  const res = await runLoad(ep, source, 1, Number.POSITIVE_INFINITY);
  const [p50, p99] = percentiles(res.latenciesUs, [50, 99]);
  return { p50Ms: round3(p50 / 1000), p99Ms: round3(p99 / 1000), errors: res.errors };
}

/** Sends requests `from` .. `to` - 1 of `make`, 32 in flight, for at most `budgetMs`. */
async function load(ep: Endpoint, make: (i: number) => Req, from: number, to: number, budgetMs: number) {
  const source = counter((i) => make(from + i), to - from);
  source.prepare!(to - from);
  const res = await runLoad(ep, source, CONCURRENCY, Math.max(budgetMs, 1000));
  if (res.errors) throw new Error(`loading failed: ${res.errors} errors, e.g. ${res.errorSamples[0]}`);
  return { rps: res.requests / res.seconds, loaded: from + res.requests };
}

/** Time the scale phase may spend loading one target (a store whose writes slow down with size stops early). */
const SCALE_BUDGET_MS = quick ? 20_000 : 60_000;

async function scalePhase(specs: TargetSpec[], results: Results) {
  const top = SCALE_STEPS[SCALE_STEPS.length - 1];
  log(`\n== scale: ListGroups pages at ${SCALE_STEPS.map((n) => `${n / 1000}k`).join(", ")} groups; RSS with ${top / 1000}k users and groups`);
  const nubisSpecs = specs.filter((s) => s.kind === "nubis");
  for (const spec of quick ? nubisSpecs.slice(0, 1) : nubisSpecs) {
    const started = await launch(spec);
    if (typeof started === "string") {
      results.scale[spec.id] = { skipped: started };
      continue;
    }
    const { run } = started;
    const deadline = performance.now() + SCALE_BUDGET_MS;
    const left = () => deadline - performance.now();
    try {
      const b = new Build(run.ep.host);
      await send(run.ep, b.iam("ListGroups", { MaxItems: 1 }));
      await sleep(300);
      const rssIdle = rssBytes(run.proc.pid);
      const steps = [];
      const group = (i: number) => b.iam("CreateGroup", { GroupName: `scale-group-${String(i).padStart(7, "0")}`, Path: "/scale/" });
      let groups = 0;
      let stopped: string | undefined;
      for (const n of SCALE_STEPS) {
        const t = await load(run.ep, group, groups, n, left());
        groups = t.loaded;
        if (groups < n) {
          stopped = `loading stopped at ${groups} groups: the ${SCALE_BUDGET_MS / 1000} s budget ran out (CreateGroup at ${Math.round(t.rps)}/s from ${steps.at(-1)?.groups ?? 0} groups on)`;
          break;
        }
        const first = await latencyOf(run.ep, () => b.iam("ListGroups", { MaxItems: 100 }), LIST_SAMPLES);
        // Page through, 1000 at a time, to the middle of the listing, for its marker.
        let marker: string | undefined;
        for (let seen = 0; seen < n / 2; seen += 1000) {
          const reply = await send(run.ep, b.iam("ListGroups", { MaxItems: Math.min(1000, n / 2 - seen), ...(marker ? { Marker: marker } : {}) }));
          marker = /<Marker>([^<]*)<\/Marker>/.exec(reply.body.toString("utf8"))?.[1];
          if (!marker) throw new Error(`ListGroups answered no Marker at ${seen} of ${n}: ${reply.status}`);
        }
        const middle = await latencyOf(run.ep, () => b.iam("ListGroups", { MaxItems: 100, Marker: marker! }), LIST_SAMPLES);
        steps.push({ groups: n, createGroupRps: Math.round(t.rps), firstPage: first, middlePage: middle });
        log(`  ${spec.label}: ${n} groups (CreateGroup ${Math.round(t.rps)}/s while loading): first page p50 ${first.p50Ms} ms, middle page p50 ${middle.p50Ms} ms`);
      }
      const rssGroups = rssBytes(run.proc.pid);
      let users = 0;
      let userRps = 0;
      if (!stopped) {
        const u = await load(run.ep, (i) => b.iam("CreateUser", { UserName: `scale-user-${String(i).padStart(7, "0")}`, Path: "/scale/" }), 0, top, left());
        users = u.loaded;
        userRps = u.rps;
        if (users < top) stopped = `loading stopped at ${users} users: the ${SCALE_BUDGET_MS / 1000} s budget ran out (CreateUser at ${Math.round(u.rps)}/s)`;
      }
      await sleep(500);
      const rssAfter = rssBytes(run.proc.pid);
      if (stopped) note(`${spec.label}: scale: ${stopped}`);
      log(`  ${spec.label}: RSS idle ${mb(rssIdle)} MB, with ${groups} groups ${mb(rssGroups)} MB, with ${groups} groups + ${users} users ${mb(rssAfter)} MB${userRps ? ` (CreateUser ${Math.round(userRps)}/s)` : ""}`);
      results.scale[spec.id] = {
        steps,
        rssIdleMB: mb(rssIdle),
        rssWithGroupsMB: mb(rssGroups),
        rssAfterMB: mb(rssAfter),
        groups,
        users,
        createUserRps: Math.round(userRps),
        stopped,
      };
    } finally {
      await stopTarget(run);
    }
  }
}

// ------------------------------------------------------------------ main

const round1 = (x: number) => Math.round(x * 10) / 10;
const round3 = (x: number) => Math.round(x * 1000) / 1000;
const mb = (bytes: number) => round1(bytes / 1024 / 1024);

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
  };
  log(`nubis bench${quick ? " --quick" : ""}: ${results.machine.cpu}, ${results.machine.cores} cores, node ${process.version}, load average ${results.machine.loadAverageAtStart}`);

  const kept = opts["skip-startup"] ? new Map<string, Running>() : await startupPhase(specs, results);

  log("\n== starting targets");
  const running: Running[] = [];
  try {
    for (const spec of specs) {
      const k = kept.get(spec.id);
      const started = k ? { run: k, startupMs: 0 } : await launch(spec);
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

  if (!opts["skip-scale"]) await scalePhase(specs, results);

  results.seconds = Math.round((Date.now() - t0) / 1000);
  results.machine.loadAverageAtEnd = round1(loadavg()[0]);
  if (Math.max(results.machine.loadAverageAtStart, results.machine.loadAverageAtEnd) > 1.5) {
    note(
      `the machine was busy with other work (1-minute load average ${results.machine.loadAverageAtStart} at start, ${results.machine.loadAverageAtEnd} at the end, on ${results.machine.cores} cores): absolute figures are low and noisy; the interleaved ratios are the figures to read`,
    );
  }
  const dir = join(ROOT, "bench/results");
  mkdirSync(dir, { recursive: true });
  const base = join(dir, `${date}${quick ? "-quick" : ""}`);
  const md = renderMarkdown(results, `${date}${quick ? "-quick" : ""}.svg`);
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
