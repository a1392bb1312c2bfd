/**
 * Soak: nubis (memory) under a mixed load, 32 in flight, for 5 minutes after a warm-up
 * (--quick: 20 s), RSS sampled every few seconds. The mix reads and updates in place and
 * creates nothing (no resource, no STS session), so the state keeps its size: RSS that grows
 * is the process's own (a leak, a cache without bound), not the data.
 */
import type { Reply, Source } from "./load.js";
import { percentiles } from "./load.js";
import { type Ctx, launch, mb, round1, round3, runLoad, stopTarget } from "./phase.js";
import { cpuUs, rssBytes } from "./procs.js";
import type { Results, SoakResult } from "./report.js";
import type { SignedRequest } from "./sigv4.js";
import type { TargetSpec } from "./targets.js";
import { Api, type Size, workloads } from "./workloads.js";

/** Steady-state workloads: reads, and updates that rewrite the same rows. */
export const SOAK_MIX = [
  "iam.GetGroup",
  "iam.UpdateGroup",
  "iam.ListGroups",
  "iam.GetRole",
  "cloudfront.GetKeyGroup",
  "cloudfront.UpdateKeyGroup",
  "cloudfront.GetDistribution",
  "kms.DescribeKey",
  "kms.Encrypt",
  "kms.Decrypt",
  "kms.GenerateDataKey",
  "quicksight.DescribeKeyRegistration",
  "quicksight.UpdateKeyRegistration",
  "quicksight.DescribeUser",
];

/** One stream that takes from each source in turn (skipping one with nothing ready) and routes replies back. */
function interleave(sources: Source[]): Source {
  let turn = 0;
  const owner = new Map<SignedRequest, Source>();
  return {
    get lazy() {
      return sources.reduce((a, s) => a + s.lazy, 0);
    },
    prepare(n) {
      for (const s of sources) s.prepare?.(Math.ceil(n / sources.length));
    },
    next() {
      for (let k = 0; k < sources.length; k++) {
        const s = sources[turn++ % sources.length];
        const r = s.next();
        if (!r) continue;
        if (s.onReply) owner.set(r, s);
        return r;
      }
      return undefined;
    },
    onReply(req: SignedRequest, reply: Reply) {
      const s = owner.get(req);
      if (!s) return;
      owner.delete(req);
      s.onReply!(req, reply);
    },
  };
}

export async function soakPhase(ctx: Ctx, spec: TargetSpec, results: Results) {
  const warmMs = ctx.quick ? 5_000 : 30_000;
  const soakMs = ctx.quick ? 20_000 : 300_000;
  const sliceMs = ctx.quick ? 2_000 : 5_000;
  ctx.log(`\n== soak: ${spec.label}, mixed load (${SOAK_MIX.length} operations), ${ctx.concurrency} in flight, ${warmMs / 1000} s warm-up then ${soakMs / 1000} s`);
  const started = await launch(ctx, spec);
  if (typeof started === "string") {
    results.soak = { skipped: started };
    ctx.note(`soak: skipped: ${started}`);
    return;
  }
  const { run } = started;
  try {
    const api = new Api(run.ep);
    const size: Size = { quick: ctx.quick, tag: `soak${Date.now().toString(36)}` };
    const chosen = workloads.filter((w) => SOAK_MIX.includes(w.id) && run.services!.has(w.service));
    const sources: Source[] = [];
    for (const w of chosen) sources.push(w.source(api.b, await w.setup(api, size), size));
    const source = interleave(sources);
    let rate = 5_000;
    const slice = async (ms: number) => {
      source.prepare!(Math.min(100_000, Math.ceil((rate * ms) / 1000 * 1.3) + 256));
      const cpu0 = cpuUs(run.proc.pid);
      const res = await runLoad(ctx, run.ep, source, ctx.concurrency, ms);
      rate = res.requests / res.seconds;
      return { res, cpuUs: cpuUs(run.proc.pid) - cpu0 };
    };
    for (let t = 0; t < warmMs; t += sliceMs) await slice(Math.min(sliceMs, warmMs - t));
    const samples: SoakResult["samples"] = [];
    const rssStart = rssBytes(run.proc.pid);
    const lat: Float64Array[] = [];
    let requests = 0;
    let errors = 0;
    let cpu = 0;
    const errorSamples: string[] = [];
    const t0 = performance.now();
    while (performance.now() - t0 < soakMs) {
      const { res, cpuUs: c } = await slice(sliceMs);
      requests += res.requests;
      errors += res.errors;
      cpu += c;
      if (errorSamples.length < 3) errorSamples.push(...res.errorSamples.slice(0, 3 - errorSamples.length));
      lat.push(res.latenciesUs.slice());
      const [p99] = percentiles(res.latenciesUs, [99]);
      samples.push({ s: round1((performance.now() - t0) / 1000), rssMB: mb(rssBytes(run.proc.pid)), rps: Math.round(res.requests / res.seconds), p99Ms: round3(p99 / 1000), errors: res.errors });
    }
    const all = new Float64Array(lat.reduce((a, l) => a + l.length, 0));
    let o = 0;
    for (const l of lat) {
      all.set(l, o);
      o += l.length;
    }
    const [p50, p99] = percentiles(all, [50, 99]);
    const rss = samples.map((s) => s.rssMB);
    results.soak = {
      target: spec.id,
      workloads: chosen.map((w) => w.id),
      warmupSeconds: warmMs / 1000,
      seconds: round1((performance.now() - t0) / 1000),
      requests,
      errors,
      errorSamples: errors ? errorSamples : undefined,
      p50Ms: round3(p50 / 1000),
      p99Ms: round3(p99 / 1000),
      serverCpuUsPerReq: round1(cpu / requests),
      rssStartMB: mb(rssStart),
      rssMinMB: Math.min(...rss),
      rssMaxMB: Math.max(...rss),
      rssEndMB: rss.at(-1)!,
      samples,
    };
    const s = results.soak;
    ctx.log(`  ${requests} requests (${Math.round(requests / s.seconds!)}/s), ${errors} errors, p99 ${s.p99Ms} ms; RSS ${s.rssStartMB} MB at the start, ${s.rssMinMB}–${s.rssMaxMB} MB during, ${s.rssEndMB} MB at the end`);
  } finally {
    await stopTarget(run);
  }
}
