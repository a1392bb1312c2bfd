/**
 * The load generator: raw node:http over keep-alive connections, N requests in flight,
 * requests signed before the timed part where the workload allows it. It keeps per request
 * only a start time and a latency slot, so it costs the client far less than the server.
 */
import { Agent, request as httpRequest } from "node:http";
import type { SignedRequest } from "./sigv4.js";

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** Where requests go: one keep-alive agent per target. */
export class Endpoint {
  readonly agent: Agent;
  constructor(
    readonly port: number,
    sockets = 32,
  ) {
    this.agent = new Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets, keepAliveMsecs: 60_000 });
  }
  get host() {
    return `127.0.0.1:${this.port}`;
  }
  close() {
    this.agent.destroy();
  }
}

/** Sends one request; `keepBody` false discards the body without buffering it. */
export function send(ep: Endpoint, req: SignedRequest, keepBody = true): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const r = httpRequest(
      { host: "127.0.0.1", port: ep.port, agent: ep.agent, method: req.method, path: req.url, headers: req.headers },
      (res) => {
        const chunks: Buffer[] = [];
        if (keepBody) res.on("data", (c: Buffer) => chunks.push(c));
        else res.resume();
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks) }),
        );
        res.on("error", reject);
      },
    );
    r.on("error", reject);
    r.end(req.body.length ? req.body : undefined);
  });
}

/** A stream of requests for one workload against one target. */
export interface Source {
  /** The next request, or undefined when none can be issued right now (all busy) or ever. */
  next(): SignedRequest | undefined;
  /** Called with each reply, for workloads whose next request depends on it (ETags). */
  onReply?(req: SignedRequest, reply: Reply): void;
  /** True when next() may be called ahead of time, i.e. requests do not depend on replies. */
  readonly prebuildable: boolean;
  /** Statuses that count as success (default: 2xx). */
  ok?(status: number): boolean;
}

export interface LoadResult {
  requests: number;
  errors: number;
  /** A few error samples: status and the start of the body. */
  errorSamples: string[];
  seconds: number;
  latenciesUs: Float64Array;
  /** Client process CPU time during the run, microseconds. */
  clientCpuUs: number;
  /** How many of the prepared requests were sent (the rest stay for the next run). */
  consumed: number;
}

/**
 * Runs `source` against `ep` with `concurrency` requests in flight for `durationMs` (or until
 * the source runs dry). Requests in `prepared` go first, in order.
 */
export function runLoad(ep: Endpoint, source: Source, prepared: SignedRequest[], concurrency: number, durationMs: number): Promise<LoadResult> {
  const capacity = Math.max(prepared.length * 2, 1 << 16);
  let latencies = new Float64Array(capacity);
  let done = 0;
  let errors = 0;
  const errorSamples: string[] = [];
  let inFlight = 0;
  let cursor = 0;
  let stopped = false;
  const ok = source.ok ?? ((s: number) => s >= 200 && s < 300);
  const needBody = !!source.onReply;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const deadline = t0 + durationMs;

  return new Promise((resolve, reject) => {
    const finish = () => {
      if (inFlight > 0) return;
      const seconds = (performance.now() - t0) / 1000;
      const c = process.cpuUsage(cpu0);
      resolve({ requests: done, errors, errorSamples, seconds, latenciesUs: latencies.subarray(0, done), clientCpuUs: c.user + c.system, consumed: Math.min(cursor, prepared.length) });
    };
    const launch = () => {
      while (!stopped && inFlight < concurrency) {
        if (performance.now() >= deadline) {
          stopped = true;
          break;
        }
        const req = cursor < prepared.length ? prepared[cursor++] : source.next();
        if (!req) {
          if (inFlight === 0) stopped = true;
          break;
        }
        inFlight++;
        const start = performance.now();
        const r = httpRequest(
          { host: "127.0.0.1", port: ep.port, agent: ep.agent, method: req.method, path: req.url, headers: req.headers },
          (res) => {
            const status = res.statusCode ?? 0;
            const good = ok(status);
            const chunks: Buffer[] | undefined = needBody || !good ? [] : undefined;
            if (chunks) res.on("data", (c: Buffer) => chunks.push(c));
            else res.resume();
            res.on("end", () => {
              if (done === latencies.length) {
                const bigger = new Float64Array(latencies.length * 2);
                bigger.set(latencies);
                latencies = bigger;
              }
              latencies[done++] = (performance.now() - start) * 1000;
              inFlight--;
              if (!good) {
                errors++;
                if (errorSamples.length < 5) errorSamples.push(`${status} ${Buffer.concat(chunks!).toString("utf8").slice(0, 300)}`);
              }
              if (source.onReply) source.onReply(req, { status, headers: res.headers, body: Buffer.concat(chunks!) });
              if (stopped) finish();
              else launch();
            });
          },
        );
        r.on("error", (e) => {
          stopped = true;
          reject(e);
        });
        r.end(req.body.length ? req.body : undefined);
      }
      if (stopped) finish();
    };
    launch();
  });
}

/** Percentile of a latency sample (sorts a copy). */
export function percentiles(lat: Float64Array, ps: number[]): number[] {
  const s = Float64Array.from(lat).sort();
  return ps.map((p) => (s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : NaN));
}
