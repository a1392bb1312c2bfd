/**
 * Start-up and memory: spawn -> first API answer (STS GetCallerIdentity), RSS then and idle;
 * then a cheap read of every other service in sequence on the same process (each service loads
 * its operations on first use), and RSS once all have answered. For nubis (memory), the first
 * call to each service is also timed on a fresh process of its own, right after it listens
 * (/_nubis/health, which loads no service): what a user's first call to that service waits.
 */
import { send } from "./load.js";
import { type Ctx, launch, mb, median, round1, type Running, stopTarget } from "./phase.js";
import { rssBytes, sleep } from "./procs.js";
import type { FirstCalls, Results } from "./report.js";
import type { TargetSpec } from "./targets.js";
import { Build, type Req } from "./workloads.js";

const ACCOUNT = "000000000000";

/** A cheap read of each service, answered 2xx on an empty state. */
export const firstCalls: Array<{ service: string; call: string; make(b: Build): Req }> = [
  { service: "iam", call: "ListUsers", make: (b) => b.iam("ListUsers") },
  { service: "sts", call: "GetCallerIdentity", make: (b) => b.sts("GetCallerIdentity") },
  { service: "kms", call: "ListKeys", make: (b) => b.kms("ListKeys", {}) },
  { service: "cloudfront", call: "ListDistributions", make: (b) => b.rest("cloudfront", "ListDistributions", "GET", "/2020-05-31/distribution") },
  {
    service: "quicksight",
    call: "DescribeKeyRegistration",
    make: (b) => b.rest("quicksight", "DescribeKeyRegistration", "GET", `/accounts/${ACCOUNT}/key-registration`),
  },
];

async function timed(r: Running, req: Req) {
  const t = performance.now();
  const reply = await send(r.ep, req);
  return { ms: performance.now() - t, status: reply.status };
}

/** Measures every target several times (medians); the last process of each is kept for the throughput phase. */
export async function startupPhase(ctx: Ctx, specs: TargetSpec[], results: Results): Promise<Map<string, Running>> {
  ctx.log("\n== start-up and memory");
  const runsOf = (spec: TargetSpec) => (spec.kind === "moto" ? (ctx.quick ? 1 : 3) : ctx.quick ? 3 : 7);
  const kept = new Map<string, Running>();
  for (const spec of specs) {
    const runs = runsOf(spec);
    const times: number[] = [];
    const rssIdle: number[] = [];
    const rssReady: number[] = [];
    const rssAll: number[] = [];
    const seq: Record<string, number[]> = {};
    const statuses: Record<string, number> = {};
    let failure: string | undefined;
    for (let i = 0; i < runs; i++) {
      const started = await launch(ctx, spec);
      if (typeof started === "string") {
        failure = started;
        break;
      }
      const { run } = started;
      times.push(started.startupMs);
      rssReady.push(rssBytes(run.proc.pid));
      await sleep(300);
      rssIdle.push(rssBytes(run.proc.pid));
      if (spec.kind !== "ceiling") {
        const b = new Build(run.ep.host);
        for (const c of firstCalls.filter((f) => f.service !== "sts")) {
          const { ms, status } = await timed(run, c.make(b));
          (seq[c.service] ??= []).push(ms);
          if (status < 200 || status >= 300) statuses[c.service] = status;
        }
        await sleep(300);
        rssAll.push(rssBytes(run.proc.pid));
      }
      if (i === runs - 1) kept.set(spec.id, run);
      else await stopTarget(run);
    }
    if (failure) {
      ctx.note(`${spec.label}: skipped: ${failure}`);
      results.startup[spec.id] = { skipped: failure };
      continue;
    }
    const s = {
      runs: times.map(round1),
      medianMs: round1(median(times)),
      minMs: round1(Math.min(...times)),
      rssAtFirstAnswerMB: mb(median(rssReady)),
      rssIdleMB: mb(median(rssIdle)),
      rssIdleRunsMB: rssIdle.map(mb),
      firstCallsInSequenceMs: Object.keys(seq).length ? Object.fromEntries(Object.entries(seq).map(([k, v]) => [k, round1(median(v))])) : undefined,
      firstCallStatus: Object.keys(statuses).length ? statuses : undefined,
      rssAllServicesMB: rssAll.length ? mb(median(rssAll)) : undefined,
    };
    results.startup[spec.id] = s;
    const calls = s.firstCallsInSequenceMs ? `; then ${Object.entries(s.firstCallsInSequenceMs).map(([k, v]) => `${k} ${v} ms`).join(", ")}` : "";
    ctx.log(
      `  ${spec.label}: start-up median ${s.medianMs} ms (min ${s.minMs}, ${runs} runs); idle RSS ${s.rssIdleMB} MB${calls}${s.rssAllServicesMB ? `; RSS after every service ${s.rssAllServicesMB} MB` : ""}`,
    );
  }
  const nubis = specs.find((s) => s.id === "nubis");
  if (nubis) results.firstCalls = await freshFirstCalls(ctx, nubis, ctx.quick ? 3 : 7);
  return kept;
}

/** The first call to each service, each on a fresh process started for it. */
async function freshFirstCalls(ctx: Ctx, spec: TargetSpec, runs: number): Promise<FirstCalls> {
  const out: FirstCalls = { target: spec.id, runs, services: {} };
  for (const c of firstCalls) {
    const ms: number[] = [];
    let status: number | undefined;
    for (let i = 0; i < runs; i++) {
      const started = await launch(ctx, spec, { until: "health" });
      if (typeof started === "string") {
        out.services[c.service] = { call: c.call, skipped: started };
        break;
      }
      const t = await timed(started.run, c.make(new Build(started.run.ep.host)));
      ms.push(t.ms);
      if (t.status < 200 || t.status >= 300) status = t.status;
      await stopTarget(started.run);
    }
    if (ms.length) out.services[c.service] = { call: c.call, medianMs: round1(median(ms)), runsMs: ms.map(round1), status };
  }
  ctx.log(`  ${spec.label}, first call on a fresh process (median of ${runs}): ${Object.entries(out.services).map(([k, v]) => `${k} ${v.medianMs ?? "–"} ms`).join(", ")}`);
  return out;
}
