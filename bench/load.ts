/**
 * The load generator: raw node:http over keep-alive connections, N requests in flight,
 * requests signed before the timed part where the workload allows it. It keeps per request
 * only a start time and a latency slot, so it costs the client far less than the server.
 */
import { Agent, request as httpRequest } from "node:http";
import { connect, type Socket } from "node:net";
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
  private conns: Conn[] = [];
  get host() {
    return `127.0.0.1:${this.port}`;
  }
  /** `n` open keep-alive connections for the raw engine, kept from one run to the next. */
  async connections(n: number): Promise<Conn[]> {
    while (this.conns.length < n) this.conns.push(new Conn(this.port));
    const some = this.conns.slice(0, n);
    for (const c of some) if (c.socket.destroyed) c.open();
    await Promise.all(some.map((c) => c.connected()));
    return some;
  }
  dropConnections() {
    for (const c of this.conns) c.socket.destroy();
    this.conns = [];
  }
  close() {
    this.agent.destroy();
    this.dropConnections();
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
  /** Called with each reply, for workloads whose next request depends on one (ETags, renames). */
  onReply?(req: SignedRequest, reply: Reply): void;
  /**
   * Builds, signs and serialises requests ahead, so that the next `n` calls of next() need
   * not (called before each timed run). Absent when requests depend on replies.
   */
  prepare?(n: number): void;
  /** Requests next() had to build on the spot (not prepared): build cost inside a timed run. */
  lazy: number;
  /** Statuses that count as success (default: 2xx). */
  ok?(status: number): boolean;
}

/** A first-in first-out queue without Array.shift's cost. */
export class Queue<T> {
  private items: Array<T | undefined> = [];
  private head = 0;
  get length() {
    return this.items.length - this.head;
  }
  push(x: T) {
    this.items.push(x);
  }
  shift(): T | undefined {
    if (this.head === this.items.length) return undefined;
    const x = this.items[this.head];
    this.items[this.head++] = undefined;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return x;
  }
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
  /** How many requests had to be built and signed inside the timed part. */
  builtDuringRun: number;
}

export type Engine = "raw" | "http";

/**
 * Runs `source` against `ep` with `concurrency` requests in flight for `durationMs` (or until
 * the source runs dry).
 *
 * Engine `raw` (the default) keeps `concurrency` keep-alive sockets and writes each request as
 * bytes serialised before the timed part, reading answers with a minimal HTTP/1.1 parser
 * (status line, Content-Length or chunked, Connection: close). Engine `http` goes through
 * node:http's client and keep-alive Agent instead; it costs the client about as much CPU per
 * request as nubis costs the server, which on a small machine takes CPU from the server.
 */
export function runLoad(ep: Endpoint, source: Source, concurrency: number, durationMs: number, engine: Engine = "raw"): Promise<LoadResult> {
  return engine === "raw" ? runRaw(ep, source, concurrency, durationMs) : runHttp(ep, source, concurrency, durationMs);
}

/** The bookkeeping both engines share: latencies, errors, CPU, the stop rule. */
class Run {
  latencies: Float64Array;
  done = 0;
  errors = 0;
  errorSamples: string[] = [];
  inFlight = 0;
  stopped = false;
  readonly ok: (status: number) => boolean;
  readonly needBody: boolean;
  private readonly cpu0 = process.cpuUsage();
  private readonly t0 = performance.now();
  private readonly deadline: number;
  private readonly lazy0: number;

  constructor(
    readonly source: Source,
    durationMs: number,
    private readonly resolve: (r: LoadResult) => void,
  ) {
    this.latencies = new Float64Array(1 << 16);
    this.lazy0 = source.lazy;
    this.ok = source.ok ?? ((s: number) => s >= 200 && s < 300);
    this.needBody = !!source.onReply;
    this.deadline = this.t0 + durationMs;
  }

  /** The next request to send, or undefined (and the run stops when nothing is in flight). */
  take(): SignedRequest | undefined {
    if (this.stopped) return undefined;
    if (performance.now() >= this.deadline) {
      this.stopped = true;
      return undefined;
    }
    const req = this.source.next();
    if (!req && this.inFlight === 0) this.stopped = true;
    return req;
  }

  record(req: SignedRequest, start: number, status: number, body: Buffer | undefined, headers: () => Reply["headers"]) {
    if (this.done === this.latencies.length) {
      const bigger = new Float64Array(this.latencies.length * 2);
      bigger.set(this.latencies);
      this.latencies = bigger;
    }
    this.latencies[this.done++] = (performance.now() - start) * 1000;
    this.inFlight--;
    if (!this.ok(status)) {
      this.errors++;
      if (this.errorSamples.length < 5) this.errorSamples.push(`${req.op ?? ""} ${status} ${body?.toString("utf8").slice(0, 300) ?? ""}`);
    }
    if (this.source.onReply) this.source.onReply(req, { status, headers: headers(), body: body ?? Buffer.alloc(0) });
  }

  finish() {
    if (this.inFlight > 0) return;
    const seconds = (performance.now() - this.t0) / 1000;
    const c = process.cpuUsage(this.cpu0);
    this.resolve({
      requests: this.done,
      errors: this.errors,
      errorSamples: this.errorSamples,
      seconds,
      latenciesUs: this.latencies.subarray(0, this.done),
      clientCpuUs: c.user + c.system,
      builtDuringRun: this.source.lazy - this.lazy0,
    });
  }
}

function runHttp(ep: Endpoint, source: Source, concurrency: number, durationMs: number): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const run = new Run(source, durationMs, resolve);
    const launch = () => {
      while (run.inFlight < concurrency) {
        const req = run.take();
        if (!req) break;
        run.inFlight++;
        const start = performance.now();
        const r = httpRequest(
          { host: "127.0.0.1", port: ep.port, agent: ep.agent, method: req.method, path: req.url, headers: req.headers },
          (res) => {
            const status = res.statusCode ?? 0;
            const chunks: Buffer[] | undefined = run.needBody || !run.ok(status) ? [] : undefined;
            if (chunks) res.on("data", (c: Buffer) => chunks.push(c));
            else res.resume();
            res.on("end", () => {
              run.record(req, start, status, chunks && Buffer.concat(chunks), () => res.headers);
              if (run.stopped) run.finish();
              else launch();
            });
          },
        );
        r.on("error", (e) => {
          run.stopped = true;
          reject(e);
        });
        r.end(req.body.length ? req.body : undefined);
      }
      if (run.stopped) run.finish();
    };
    launch();
  });
}

/** The request as bytes on the wire: request line, headers, body. */
export function wire(req: SignedRequest): Buffer {
  if (req.wire) return req.wire;
  let head = `${req.method} ${req.url} HTTP/1.1\r\n`;
  for (const [k, v] of Object.entries(req.headers)) head += `${k}: ${v}\r\n`;
  if (!("content-length" in req.headers) && req.body.length) head += `content-length: ${req.body.length}\r\n`;
  head += "\r\n";
  req.wire = req.body.length ? Buffer.concat([Buffer.from(head, "latin1"), req.body]) : Buffer.from(head, "latin1");
  return req.wire;
}

const CRLFCRLF = Buffer.from("\r\n\r\n");

type OnDone = (c: Conn, status: number, body: Buffer, head: string) => void;
type OnFail = (e: Error) => void;

/**
 * One keep-alive connection of the raw engine, with its response parser. Connections stay open
 * from one run to the next (as an SDK's agent keeps them); a server that closes after each
 * answer (moto's werkzeug sends `Connection: close`) costs a reconnect per request, as it does
 * with any client.
 */
export class Conn {
  socket!: Socket;
  buf: Buffer | undefined;
  req: SignedRequest | undefined;
  start = 0;
  onDone: OnDone = () => {};
  onFail: OnFail = () => {};
  // Parser state of the current response.
  headerEnd = -1;
  head = "";
  status = 0;
  /** Body length, or -1 for chunked, -2 for "until the server closes". */
  length = 0;
  close = false;

  constructor(private readonly port: number) {
    this.open();
  }

  connected(): Promise<void> {
    const s = this.socket;
    if (!s.connecting) return Promise.resolve();
    return new Promise((resolve, reject) => {
      s.once("connect", () => resolve());
      s.once("error", reject);
    });
  }

  open() {
    this.buf = undefined;
    this.headerEnd = -1;
    this.close = false;
    const s = connect({ host: "127.0.0.1", port: this.port });
    s.setNoDelay(true);
    s.on("data", (chunk: Buffer) => this.data(chunk));
    s.on("error", (e) => {
      if (this.req) this.onFail(e);
    });
    s.on("close", () => {
      if (this.socket !== s) return;
      if (this.req && this.headerEnd >= 0 && this.length === -2) this.complete(this.buf!.subarray(this.headerEnd));
      else if (this.req) this.onFail(new Error(`connection closed before the answer to ${this.req.op ?? this.req.url} was complete`));
    });
    this.socket = s;
  }

  send(req: SignedRequest) {
    if (this.socket.destroyed || this.close) this.open();
    this.req = req;
    this.start = performance.now();
    this.socket.write(wire(req));
  }

  private data(chunk: Buffer) {
    this.buf = this.buf ? Buffer.concat([this.buf, chunk]) : chunk;
    const buf = this.buf;
    if (this.headerEnd < 0) {
      const i = buf.indexOf(CRLFCRLF);
      if (i < 0) return;
      this.headerEnd = i + 4;
      this.head = buf.toString("latin1", 0, i);
      this.status = Number(this.head.slice(9, 12));
      const cl = /\r\ncontent-length:[ \t]*(\d+)/i.exec(this.head);
      this.length = cl ? Number(cl[1]) : /\r\ntransfer-encoding:[ \t]*chunked/i.test(this.head) ? -1 : -2;
      this.close = /\r\nconnection:[ \t]*close/i.test(this.head) || this.head.startsWith("HTTP/1.0");
      if (this.status === 204 || this.status === 304) this.length = 0;
    }
    if (this.length >= 0) {
      const end = this.headerEnd + this.length;
      if (buf.length >= end) this.complete(buf.subarray(this.headerEnd, end));
    } else if (this.length === -1) {
      const body = dechunk(buf, this.headerEnd);
      if (body) this.complete(body);
    }
  }

  private complete(body: Buffer) {
    const head = this.head;
    const status = this.status;
    this.buf = undefined;
    this.headerEnd = -1;
    if (this.close) this.socket.destroy();
    this.onDone(this, status, body, head);
  }
}

/** A chunked body starting at `from`, once complete. */
function dechunk(buf: Buffer, from: number): Buffer | undefined {
  const parts: Buffer[] = [];
  let i = from;
  for (;;) {
    const eol = buf.indexOf("\r\n", i);
    if (eol < 0) return undefined;
    const size = parseInt(buf.toString("latin1", i, eol), 16);
    if (size === 0) {
      return buf.length < eol + 4 ? undefined : Buffer.concat(parts);
    }
    if (buf.length < eol + 2 + size + 2) return undefined;
    parts.push(buf.subarray(eol + 2, eol + 2 + size));
    i = eol + 2 + size + 2;
  }
}

const headersOf = (head: string): Reply["headers"] => {
  const out: Reply["headers"] = {};
  for (const line of head.split("\r\n").slice(1)) {
    const c = line.indexOf(":");
    if (c > 0) out[line.slice(0, c).trim().toLowerCase()] = line.slice(c + 1).trim();
  }
  return out;
};

async function runRaw(ep: Endpoint, source: Source, concurrency: number, durationMs: number): Promise<LoadResult> {
  const conns = await ep.connections(concurrency);
  return new Promise((resolve, reject) => {
    let failed = false;
    const run = new Run(source, durationMs, resolve);
    const idle: Conn[] = [...conns];
    const pump = () => {
      while (idle.length) {
        const req = run.take();
        if (!req) break;
        run.inFlight++;
        idle.pop()!.send(req);
      }
      if (run.stopped) run.finish();
    };
    const onDone: OnDone = (c, status, body, head) => {
      const req = c.req!;
      c.req = undefined;
      run.record(req, c.start, status, body, () => headersOf(head));
      idle.push(c);
      pump();
    };
    const onFail: OnFail = (e) => {
      if (failed) return;
      failed = true;
      run.stopped = true;
      for (const c of conns) {
        c.req = undefined;
        c.socket.destroy();
      }
      ep.dropConnections();
      reject(e);
    };
    for (const c of conns) {
      c.onDone = onDone;
      c.onFail = onFail;
    }
    pump();
  });
}

/** Percentile of a latency sample (sorts a copy). */
export function percentiles(lat: Float64Array, ps: number[]): number[] {
  const s = Float64Array.from(lat).sort();
  return ps.map((p) => (s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] : NaN));
}
