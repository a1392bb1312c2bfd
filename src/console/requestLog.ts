import type { HttpRequest, HttpResponse } from "../core/protocols/protocol.js";

/**
 * What the request log keeps of one API call: references to the request and response as the
 * server already holds them. Nothing is copied, parsed or redacted here; that happens in
 * console/format.ts when someone reads the log, so a request costs one small object.
 */
export interface LogEntry {
  seq: number;
  /** Epoch milliseconds when the request arrived. */
  time: number;
  request: HttpRequest;
  service: string;
  operation: string;
  response: HttpResponse;
  durationMs: number;
  /** Original sizes of bodies cut to KEPT_BODY_BYTES. */
  cut?: { request?: number; response?: number };
}

/** Bodies larger than this are kept only up to it (a copy, so the full buffer can be freed). */
export const KEPT_BODY_BYTES = 256 * 1024;

function keepSmall(entry: LogEntry) {
  const { request, response } = entry;
  entry.cut = {};
  if (request.body.length > KEPT_BODY_BYTES) {
    entry.cut.request = request.body.length;
    entry.request = { ...request, body: Buffer.from(request.body.subarray(0, KEPT_BODY_BYTES)) };
  }
  if (response.body.length > KEPT_BODY_BYTES) {
    const body = Buffer.isBuffer(response.body) ? response.body : Buffer.from(response.body);
    entry.cut.response = body.length;
    entry.response = { ...response, body: Buffer.from(body.subarray(0, KEPT_BODY_BYTES)) };
  }
}

/** The last `capacity` API calls (`--request-log N`), in a ring, and who listens for new ones. */
export class RequestLog {
  private readonly ring: Array<LogEntry | undefined>;
  private next = 0;
  private seq = 0;
  private readonly listeners = new Set<(entry: LogEntry) => void>();

  constructor(readonly capacity: number) {
    this.ring = new Array(capacity);
  }

  add(request: HttpRequest, service: string, operation: string, response: HttpResponse, durationMs: number) {
    const entry: LogEntry = { seq: ++this.seq, time: Date.now() - durationMs, request, service, operation, response, durationMs };
    if (request.body.length > KEPT_BODY_BYTES || response.body.length > KEPT_BODY_BYTES) keepSmall(entry);
    this.ring[this.next] = entry;
    this.next = (this.next + 1) % this.capacity;
    for (const listener of this.listeners) listener(entry);
  }

  /** Oldest first. */
  entries(): LogEntry[] {
    const out: LogEntry[] = [];
    for (let i = 0; i < this.capacity; i++) {
      const e = this.ring[(this.next + i) % this.capacity];
      if (e) out.push(e);
    }
    return out;
  }

  find(seq: number): LogEntry | undefined {
    return this.ring.find((e) => e?.seq === seq);
  }

  subscribe(listener: (entry: LogEntry) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  clear() {
    this.ring.fill(undefined);
  }
}
