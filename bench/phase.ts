/**
 * What the phases of the benchmark share: starting a target and waiting for its first API
 * answer, stopping it, latency samples one at a time, the run's options, and rounding.
 */
import { Endpoint, type Engine, type LoadResult, percentiles, runLoad as runLoadWith, send, type Source } from "./load.js";
import { freePort, type Proc, sleep, start } from "./procs.js";
import type { LatencySummary } from "./report.js";
import type { TargetSpec } from "./targets.js";
import { Build, counter, type Req } from "./workloads.js";

export interface Running {
  spec: TargetSpec;
  proc: Proc;
  ep: Endpoint;
  /** Services it serves (nubis: from /_nubis/health). */
  services?: Set<string>;
}

/** The run's options and its notes, as the phases see them. */
export interface Ctx {
  quick: boolean;
  concurrency: number;
  engine: Engine;
  note(s: string): void;
  log(s: string): void;
}

export const round1 = (x: number) => Math.round(x * 10) / 10;
export const round3 = (x: number) => Math.round(x * 1000) / 1000;
export const mb = (bytes: number) => round1(bytes / 1024 / 1024);
export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export const runLoad = (ctx: Ctx, ep: Endpoint, source: Source, concurrency: number, ms: number): Promise<LoadResult> =>
  runLoadWith(ep, source, concurrency, ms, ctx.engine);

const stsCall = (ep: Endpoint) => new Build(ep.host).sts("GetCallerIdentity");
const healthCall = (ep: Endpoint): Req => ({ method: "GET", url: "/_nubis/health", headers: { host: ep.host }, body: Buffer.alloc(0), op: "health" });

/**
 * Starts a target and resolves once it answers: an API call (STS GetCallerIdentity) with a
 * 2xx, or with `until: "health"` nubis's /_nubis/health (which loads no service), so that the
 * first API call after it can be timed on its own.
 */
export async function launch(
  ctx: Ctx,
  spec: TargetSpec,
  options: { timeoutMs?: number; until?: "api" | "health" } = {},
): Promise<{ run: Running; startupMs: number } | string> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const port = await freePort();
  const how = await spec.command(port);
  if (typeof how === "string") return how;
  const ep = new Endpoint(port, ctx.concurrency);
  const t0 = performance.now();
  const proc = start(how.cmd, how.args, how.env, how.stdin);
  const probe = new Endpoint(port, 1);
  const call = options.until === "health" ? healthCall(probe) : stsCall(probe);
  try {
    for (;;) {
      if (proc.exited()) return `it exited at start: ${proc.output().trim().split("\n").slice(-3).join(" / ")}`;
      if (performance.now() - t0 > timeoutMs) {
        await proc.kill();
        return `no answer within ${timeoutMs / 1000}s`;
      }
      try {
        const reply = await send(probe, call);
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
    const health = await send(ep, healthCall(ep));
    const services = (JSON.parse(health.body.toString("utf8")) as { services: Record<string, unknown> }).services;
    run.services = new Set(Object.keys(services));
  }
  return { run, startupMs };
}

export async function stopTarget(r: Running) {
  r.ep.close();
  await r.proc.kill();
}

/** p50/p99 of `n` requests of `make`, one at a time, after 200 unmeasured ones (JIT and caches). */
export async function latencyOf(ctx: Ctx, ep: Endpoint, make: () => Req, n: number): Promise<LatencySummary> {
  const warm = counter(() => make(), 200);
  warm.prepare!(200);
  await runLoad(ctx, ep, warm, 1, Number.POSITIVE_INFINITY);
  const source = counter(() => make(), n);
  source.prepare!(n);
  const res = await runLoad(ctx, ep, source, 1, Number.POSITIVE_INFINITY);
  const [p50, p99] = percentiles(res.latenciesUs, [50, 99]);
  return { p50Ms: round3(p50 / 1000), p99Ms: round3(p99 / 1000), errors: res.errors };
}

/** Sends requests `from` .. `to` - 1 of `make`, `concurrency` in flight, for at most `budgetMs`. */
export async function loadRange(ctx: Ctx, ep: Endpoint, make: (i: number) => Req, from: number, to: number, budgetMs: number) {
  const source = counter((i) => make(from + i), to - from);
  source.prepare!(Math.min(to - from, 200_000));
  const res = await runLoad(ctx, ep, source, ctx.concurrency, Math.max(budgetMs, 1000));
  if (res.errors) throw new Error(`loading failed: ${res.errors} errors, e.g. ${res.errorSamples[0]}`);
  return { rps: res.requests / res.seconds, loaded: from + res.requests };
}
