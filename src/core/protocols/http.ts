/**
 * The REST HTTP binding shared by restXml and restJson1: which operation a method + path +
 * query names (from each operation's `http` trait), how its input members are bound to URI
 * labels, query parameters, headers and the payload, and how its output members go back out
 * as headers, status and body. Nothing here knows XML or JSON: the body is read and written
 * through a `BodyCodec` that the protocol module supplies.
 */
import { NormalizedSchema } from "@smithy/core/schema";
import type { HttpRequest, HttpResponse, LoadedService, OperationSchema } from "./protocol.js";
import { requiredCount } from "./protocol.js";

type Segment = { literal: string } | { label: string; greedy: boolean };

interface Route {
  operation: OperationSchema;
  method: string;
  segments: Segment[];
  /** Query literals of the template: `?Operation=Tag` needs that value, `?WithTags` only the key. */
  query: Array<[name: string, value: string | undefined]>;
  /** The literal segments before any greedy label, by position: the cheap test that rejects most routes. */
  literalAt: Array<[index: number, literal: string]>;
}

export interface RouteMatch {
  operation: OperationSchema;
  /** URI label values, percent-decoded. */
  labels: Record<string, string>;
}

function compile(operation: OperationSchema): Route | undefined {
  if (!operation.http) return undefined;
  const [method, uri] = operation.http;
  const [path, queryString = ""] = uri.split("?", 2);
  const segments: Segment[] = path
    .split("/")
    .slice(1)
    .map((s) => {
      const m = /^\{([^}+]+)(\+?)\}$/.exec(s);
      return m ? { label: m[1], greedy: m[2] === "+" } : { literal: s };
    });
  const query = queryString
    .split("&")
    .filter(Boolean)
    .map((pair): [string, string | undefined] => {
      const i = pair.indexOf("=");
      return i < 0 ? [pair, undefined] : [pair.slice(0, i), pair.slice(i + 1)];
    });
  const greedyAt = segments.findIndex((s) => "greedy" in s && s.greedy);
  const literalAt = segments.flatMap((s, i): Array<[number, string]> => ("literal" in s && (greedyAt < 0 || i < greedyAt) ? [[i, s.literal]] : []));
  return { operation, method: method.toUpperCase(), segments, query, literalAt };
}

const literals = (r: Route) => r.segments.filter((s) => "literal" in s).length;

/**
 * Most specific first: more literal path segments, then more query literals, then no greedy
 * label, so `/tagging?Operation=Tag` wins over `/tagging` and `/key-group/{Id}/config` over
 * `/key-group/{Id}`.
 */
function bySpecificity(a: Route, b: Route): number {
  return (
    literals(b) - literals(a) ||
    b.query.length - a.query.length ||
    Number(a.segments.some((s) => "greedy" in s && s.greedy)) - Number(b.segments.some((s) => "greedy" in s && s.greedy)) ||
    b.segments.length - a.segments.length
  );
}

/** The routes of one method and path length, split by the literal at the segment that tells most of them apart. */
interface Shape {
  /** That segment's position. */
  at: number;
  /** By the literal there: the routes with that literal or a label there, most specific first. */
  byLiteral: Map<string, Route[]>;
  /** The routes with a label there: all that a path with another segment there can match. */
  others: Route[];
}

interface Routes {
  /** Every route, most specific first. */
  all: Route[];
  /** The most segments of any template. */
  longest: number;
  /** The routes that can match a method and a path of so many segments, by `${method} ${count}`. */
  byShape: Map<string, Shape>;
}

const routeCache = new WeakMap<LoadedService, Routes>();

const literalOf = (route: Route, at: number) => route.literalAt.find(([i]) => i === at)?.[1];

function shapeOf(candidates: Route[]): Shape {
  let at = 0;
  let most = 0;
  const longest = Math.max(...candidates.map((r) => r.segments.length));
  for (let i = 0; i < longest; i++) {
    const distinct = new Set(candidates.map((r) => literalOf(r, i)).filter((l) => l !== undefined)).size;
    if (distinct > most) [at, most] = [i, distinct];
  }
  const byLiteral = new Map<string, Route[]>();
  for (const route of candidates) {
    const literal = literalOf(route, at);
    if (literal !== undefined && !byLiteral.has(literal)) byLiteral.set(literal, candidates.filter((r) => [literal, undefined].includes(literalOf(r, at))));
  }
  return { at, byLiteral, others: candidates.filter((r) => literalOf(r, at) === undefined) };
}

/**
 * The routes a request of `method` with path segments `parts` may match, most specific first:
 * those of its method with as many segments, or with a greedy label, and the literal its path
 * has at the segment that tells them apart (`key-group` in `/2020-05-31/key-group/{Id}`).
 * Services with hundreds of operations (QuickSight) would otherwise try dozens of templates
 * on every request.
 */
function routesOf(service: LoadedService, method: string, parts: Array<string | undefined>): Route[] {
  let routes = routeCache.get(service);
  if (!routes) {
    const all = [...service.operations.values()].map(compile).filter((r): r is Route => !!r);
    all.sort(bySpecificity);
    routes = { all, longest: Math.max(0, ...all.map((r) => r.segments.length)), byShape: new Map() };
    routeCache.set(service, routes);
  }
  // Paths longer than every template can only match greedy labels: they share one list.
  const segments = parts.length;
  const key = `${method} ${Math.min(segments, routes.longest + 1)}`;
  let shape = routes.byShape.get(key);
  if (!shape) {
    const greedy = (r: Route) => r.segments.some((s) => "greedy" in s && s.greedy);
    const candidates = routes.all.filter((r) => r.method === method && (r.segments.length === segments || greedy(r)));
    // Only methods some route has are kept: unknown methods grow nothing.
    if (!candidates.length) return candidates;
    routes.byShape.set(key, (shape = shapeOf(candidates)));
  }
  const literal = parts[shape.at];
  return (literal !== undefined && shape.byLiteral.get(literal)) || shape.others;
}

// Most segments hold no escape: decodeURIComponent and its try cost more than the test.
const decode = (s: string): string | undefined => {
  if (!s.includes("%")) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
};

/** `parts` are the path's segments, each percent-decoded once (undefined: a broken escape). */
function matchPath(route: Route, parts: Array<string | undefined>): Record<string, string> | undefined {
  const labels: Record<string, string> = {};
  const { segments } = route;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i];
    if ("literal" in seg) {
      if (parts[i] !== seg.literal) return undefined;
      continue;
    }
    if (seg.greedy) {
      // An escape never spans a `/`: decoding each segment and joining equals decoding the whole.
      const rest = parts.slice(i);
      if (rest.includes(undefined)) return undefined;
      const value = rest.join("/");
      if (!value) return undefined;
      labels[seg.label] = value;
      return labels;
    }
    const value = parts[i];
    if (!value) return undefined;
    labels[seg.label] = value;
  }
  return parts.length === segments.length ? labels : undefined;
}

/** The route's literal segments are the path's: tested before matchPath builds the labels. */
function literalsMatch(route: Route, parts: Array<string | undefined>): boolean {
  for (const [i, literal] of route.literalAt) if (parts[i] !== literal) return false;
  return true;
}

/** The operation a REST request calls, or undefined when no template matches. */
export function matchRoute(req: HttpRequest, service: LoadedService): RouteMatch | undefined {
  // No template ends in `/`: a trailing slash is an empty label (`/key-group/`), never the
  // list operation at `/key-group`.
  const parts = req.path.split("/").slice(1).map(decode);
  for (const route of routesOf(service, req.method.toUpperCase(), parts)) {
    if (!literalsMatch(route, parts)) continue;
    if (!route.query.every(([name, value]) => (value === undefined ? req.query.has(name) : req.query.get(name) === value))) continue;
    const labels = matchPath(route, parts);
    if (labels) return { operation: route.operation, labels };
  }
  return undefined;
}

/** How a protocol reads and writes bodies; the binding decides which members go there. */
export interface BodyCodec {
  /** The `httpPayload` member when it is a structure, union or document. */
  readPayload(member: NormalizedSchema, body: Buffer): unknown;
  /** The members bound to nothing else, read from the body (restJson1's JSON object). */
  readBody(input: NormalizedSchema, body: Buffer, members: ReadonlySet<string>): Record<string, unknown>;
  writePayload(member: NormalizedSchema, value: unknown): { body: string | Buffer; contentType: string };
  /** Writes the unbound members; undefined for an empty body. */
  writeBody(output: NormalizedSchema, value: Record<string, unknown>, members: ReadonlySet<string>): { body: string | Buffer; contentType: string } | undefined;
}

/** A value of the wrong type in a label, query parameter or header. */
export class BindingError extends Error {
  constructor(
    readonly member: string,
    readonly value: string,
    readonly expected: string,
  ) {
    super(`Value '${value}' at '${member}' failed to satisfy constraint: Member must be ${expected}`);
  }
}

function header(req: HttpRequest, name: string): string | undefined {
  const v = req.headers[name.toLowerCase()];
  return Array.isArray(v) ? v.join(", ") : v;
}

/** A scalar from its string form in a URI, query or header. */
function scalar(ns: NormalizedSchema, raw: string, member: string, location: "header" | "query" | "label"): unknown {
  if (ns.isBooleanSchema()) {
    if (raw === "true" || raw === "false") return raw === "true";
    throw new BindingError(member, raw, "a boolean");
  }
  if (ns.isNumericSchema()) {
    const n = Number(raw);
    if (raw.trim() === "" || !Number.isFinite(n)) throw new BindingError(member, raw, "a number");
    return n;
  }
  if (ns.isTimestampSchema()) {
    const t = /^-?\d+(\.\d+)?$/.test(raw) ? new Date(Number(raw) * 1000) : new Date(raw);
    if (Number.isNaN(t.getTime())) throw new BindingError(member, raw, "a timestamp");
    return t;
  }
  if (ns.isBlobSchema()) return Buffer.from(raw, "base64");
  // A header string with a mediaType (e.g. a JSON value) travels base64-encoded.
  if (location === "header" && ns.getMergedTraits().mediaType) return Buffer.from(raw, "base64").toString("utf8");
  return raw;
}

/** `Protocol.operationOf` for REST protocols: the matched route is kept on the request for `decodeInput`. */
export function operationByRoute(req: HttpRequest, service: LoadedService, unknown: () => Error): string {
  const match = matchRoute(req, service);
  if (!match) throw unknown();
  req.route = match;
  return match.operation.name;
}

/** The route `operationByRoute` matched for this request. */
export const routeOf = (req: HttpRequest, operation: OperationSchema): RouteMatch => req.route ?? { operation, labels: {} };

/**
 * The operation's input from a matched request: labels, query, headers and payload by the
 * input schema's http traits, every other member from the body through `codec`.
 */
export function decodeHttpInput(req: HttpRequest, match: RouteMatch, codec: BodyCodec): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  const ns = NormalizedSchema.of(match.operation.input as never);
  if (ns.isUnitSchema()) return input;
  const bound = new Set<string>();
  const bodyMembers = new Set<string>();
  let queryParams: [string, NormalizedSchema] | undefined;
  for (const [name, member] of ns.structIterator()) {
    const t = member.getMergedTraits();
    if (t.httpLabel) {
      bound.add(name);
      const raw = match.labels[name];
      if (raw !== undefined) input[name] = scalar(member, raw, name, "label");
    } else if (t.httpQuery) {
      bound.add(name);
      const key = t.httpQuery as string;
      if (member.isListSchema()) {
        const all = req.query.getAll(key);
        if (all.length) input[name] = all.map((v) => scalar(member.getValueSchema(), v, name, "query"));
      } else {
        const raw = req.query.get(key);
        if (raw !== null) input[name] = scalar(member, raw, name, "query");
      }
    } else if (t.httpQueryParams) {
      queryParams = [name, member];
    } else if (t.httpHeader) {
      bound.add(name);
      const raw = header(req, t.httpHeader as string);
      if (raw === undefined) continue;
      input[name] = member.isListSchema()
        ? raw.split(",").map((v) => scalar(member.getValueSchema(), v.trim(), name, "header"))
        : scalar(member, raw, name, "header");
    } else if (t.httpPrefixHeaders !== undefined) {
      bound.add(name);
      const prefix = String(t.httpPrefixHeaders).toLowerCase();
      const map: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) {
        if (k.startsWith(prefix) && v !== undefined) map[k.slice(prefix.length)] = Array.isArray(v) ? v.join(", ") : v;
      }
      if (Object.keys(map).length) input[name] = map;
    } else if (t.httpPayload) {
      bound.add(name);
      if (!req.body.length) continue;
      if (member.isBlobSchema()) input[name] = req.body;
      else if (member.isStringSchema()) input[name] = req.body.toString("utf8");
      else input[name] = codec.readPayload(member, req.body);
    } else {
      bodyMembers.add(name);
    }
  }
  if (queryParams) {
    // httpQueryParams takes every query parameter no other member is bound to.
    const taken = new Set<string>();
    for (const [, member] of ns.structIterator()) {
      const q = member.getMergedTraits().httpQuery;
      if (q) taken.add(q as string);
    }
    const map: Record<string, string> = {};
    for (const [k, v] of req.query) if (!taken.has(k) && !(k in map)) map[k] = v;
    if (Object.keys(map).length) input[queryParams[0]] = map;
  }
  if (bodyMembers.size && req.body.length) Object.assign(input, codec.readBody(ns, req.body, bodyMembers));
  return input;
}

/**
 * Paths of required members missing from `value`, recursively, in the dotted form AWS
 * names them (`KeyGroupConfig.Items`).
 */
export function missingRequired(schema: unknown, value: unknown, path = ""): string[] {
  const ns = NormalizedSchema.of(schema as never);
  const out: string[] = [];
  if (value === undefined || value === null) return out;
  if (ns.isStructSchema() && typeof value === "object") {
    const required = requiredCount(ns);
    let i = 0;
    for (const [name, member] of ns.structIterator()) {
      const v = (value as Record<string, unknown>)[name];
      const p = path ? `${path}.${name}` : name;
      if (i < required && (v === undefined || v === null)) out.push(p);
      else out.push(...missingRequired(member, v, p));
      i++;
    }
  } else if (ns.isListSchema() && Array.isArray(value)) {
    value.forEach((item, n) => out.push(...missingRequired(ns.getValueSchema(), item, `${path}.${n + 1}.member`)));
  } else if (ns.isMapSchema() && typeof value === "object") {
    for (const [k, v] of Object.entries(value as object)) out.push(...missingRequired(ns.getValueSchema(), v, `${path}.${k}`));
  }
  return out;
}

function headerValue(ns: NormalizedSchema, value: unknown): string {
  if (value instanceof Date) {
    const format = ns.getMergedTraits().timestampFormat;
    if (format === "date-time") return value.toISOString();
    if (format === "epoch-seconds") return String(value.getTime() / 1000);
    return value.toUTCString();
  }
  if (Array.isArray(value)) return value.map((v) => headerValue(ns.getValueSchema(), v)).join(", ");
  if (ns.isStringSchema() && ns.getMergedTraits().mediaType) return Buffer.from(String(value)).toString("base64");
  return String(value);
}

/**
 * The HTTP response for an operation's output: status from the `http` trait (or an
 * `httpResponseCode` member), header members as headers, and the payload member or the
 * remaining members as the body.
 */
export function encodeHttpOutput(operation: OperationSchema, output: unknown, codec: BodyCodec): HttpResponse {
  let status = operation.http?.[2] ?? 200;
  const headers: Record<string, string> = {};
  const ns = NormalizedSchema.of(operation.output as never);
  const value = (output ?? {}) as Record<string, unknown>;
  if (ns.isUnitSchema()) return { status, headers, body: "" };
  let body: { body: string | Buffer; contentType: string } | undefined;
  const bodyMembers = new Set<string>();
  const bodyValue: Record<string, unknown> = {};
  for (const [name, member] of ns.structIterator()) {
    const t = member.getMergedTraits();
    const v = value[name];
    if (t.httpHeader) {
      if (v !== undefined && v !== null) headers[String(t.httpHeader).toLowerCase()] = headerValue(member, v);
    } else if (t.httpPrefixHeaders !== undefined) {
      for (const [k, hv] of Object.entries((v ?? {}) as Record<string, unknown>)) headers[`${t.httpPrefixHeaders}${k}`.toLowerCase()] = String(hv);
    } else if (t.httpResponseCode) {
      if (typeof v === "number") status = v;
    } else if (t.httpPayload) {
      if (v === undefined || v === null) continue;
      if (member.isBlobSchema() || member.isStringSchema()) {
        body = { body: typeof v === "string" ? v : Buffer.from(v as Uint8Array), contentType: (t.mediaType as string) ?? (member.isBlobSchema() ? "application/octet-stream" : "text/plain") };
      } else {
        body = codec.writePayload(member, v);
      }
    } else {
      bodyMembers.add(name);
      if (v !== undefined) bodyValue[name] = v;
    }
  }
  if (!body && bodyMembers.size) body = codec.writeBody(ns, bodyValue, bodyMembers);
  if (status === 204 || status === 304 || !body) return { status, headers, body: "" };
  headers["content-type"] = body.contentType;
  return { status, headers, body: body.body };
}
