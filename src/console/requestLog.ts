import type { IncomingHttpHeaders } from "node:http";
import type { HttpRequest, HttpResponse } from "../core/protocols/protocol.js";

/**
 * What the request log keeps of one API call. Headers and bodies are kept as Buffers, whose
 * bytes live outside the JavaScript heap: a thousand entries kept as header objects and body
 * strings would be copied by every young-generation GC until promoted (measured: +15% CPU per
 * request); packed, an entry is a few small objects. Parsing, redaction and pretty-printing
 * happen in console/format.ts, only when someone reads the log.
 */
export interface LogEntry {
  seq: number;
  /** Epoch milliseconds when the request arrived. */
  time: number;
  method: string;
  /** Raw path and query string, as sent. */
  path: string;
  rawQuery?: string;
  service: string;
  operation: string;
  status: number;
  durationMs: number;
  /** `name: value` lines of the request headers, an empty line, then the response's. */
  headers: Buffer;
  requestBody: Buffer;
  responseBody: Buffer;
  /** Original sizes of bodies cut to KEPT_BODY_BYTES. */
  cut?: { request?: number; response?: number };
}

/** Bodies larger than this are kept only up to it (a copy, so the full buffer can be freed): the log holds at most capacity × 2 × 64 KiB of bodies. */
export const KEPT_BODY_BYTES = 64 * 1024;

function packHeaders(request: IncomingHttpHeaders, response: Record<string, string>): Buffer {
  let text = "";
  for (const name in request) {
    const value = request[name];
    if (value !== undefined) text += `${name}: ${Array.isArray(value) ? value.join(", ") : value}\n`;
  }
  text += "\n";
  for (const name in response) text += `${name}: ${response[name]}\n`;
  return Buffer.from(text);
}

/** The request's and the response's headers of an entry, as objects. */
export function unpackHeaders(entry: LogEntry): { request: Record<string, string>; response: Record<string, string> } {
  const [request = "", response = ""] = entry.headers.toString().split("\n\n");
  const parse = (text: string) => {
    const out: Record<string, string> = {};
    for (const line of text.split("\n")) {
      const colon = line.indexOf(": ");
      if (colon > 0) out[line.slice(0, colon)] = line.slice(colon + 2);
    }
    return out;
  };
  return { request: parse(request), response: parse(response) };
}

function kept(body: Buffer, entry: LogEntry, which: "request" | "response"): Buffer {
  if (body.length <= KEPT_BODY_BYTES) return body;
  (entry.cut ??= {})[which] = body.length;
  return Buffer.from(body.subarray(0, KEPT_BODY_BYTES));
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
    const entry: LogEntry = {
      seq: ++this.seq,
      time: Date.now() - durationMs,
      method: request.method,
      path: request.path,
      rawQuery: request.rawQuery,
      service,
      operation,
      status: response.status,
      durationMs,
      headers: packHeaders(request.headers, response.headers),
      requestBody: request.body,
      responseBody: typeof response.body === "string" ? Buffer.from(response.body) : response.body,
    };
    entry.requestBody = kept(entry.requestBody, entry, "request");
    entry.responseBody = kept(entry.responseBody, entry, "response");
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
}
