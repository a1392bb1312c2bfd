import type { IncomingMessage, ServerResponse } from "node:http";
import { randomUUID } from "node:crypto";
import { rootPrincipal } from "../core/auth/credentials.js";
import { AwsError } from "../core/errors.js";
import type { HttpRequest } from "../core/protocols/protocol.js";
import { credentialScopeOf } from "../core/routing.js";
import type { Nubis } from "../core/server.js";
import { VERSION } from "../core/server.js";
import { type RequestContext, type ResourceKind, type ServiceDefinition, withBehaviour } from "../core/service.js";
import { ADMIN_COOKIE, accessOf, sameToken, type Access } from "./admin.js";
import { consoleAsset } from "./assets.js";
import { detail, matches, summarize, type EntrySummary, type LogFilter } from "./format.js";
import { unpackHeaders, type LogEntry } from "./requestLog.js";
import { CallContext } from "../core/context.js";

/**
 * The console's server side, loaded on the first `/_nubis/console` or `/_nubis/requests`
 * request: static assets, the JSON API the page reads, and the live request stream.
 */

type Res = ServerResponse<IncomingMessage>;

const BASE = "/_nubis/console";

function sendJson(res: Res, status: number, value: unknown) {
  const body = JSON.stringify(value);
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store", "content-length": String(Buffer.byteLength(body)) });
  res.end(body);
}

export async function serveConsole(nubis: Nubis, request: HttpRequest, res: Res): Promise<void> {
  const { path, method } = request;
  const access = accessOf(nubis.config, request.headers);
  if (path === BASE || path === BASE + "/") {
    // Opened as /_nubis/console?token=…: keep the token in a cookie and drop it from the address bar.
    const token = request.query.get("token");
    if (token !== null && nubis.config.adminToken && sameToken(token, nubis.config.adminToken)) {
      res.writeHead(302, {
        location: BASE,
        "set-cookie": `${ADMIN_COOKIE}=${encodeURIComponent(token)}; Path=/_nubis; HttpOnly; SameSite=Strict`,
      });
      res.end();
      return;
    }
    return sendAsset(res, request, "index.html");
  }
  if (method === "GET" && path.startsWith(BASE + "/assets/")) return sendAsset(res, request, path.slice(BASE.length + "/assets/".length));
  if (access === "refused") {
    return sendJson(res, 401, { error: "this nubis requires its admin token (--admin-token): open the console as /_nubis/console?token=…" });
  }
  if (method !== "GET") return sendJson(res, 405, { error: `${method} is not allowed on ${path}` });
  const api = new ConsoleApi(nubis, access);
  try {
    if (path === "/_nubis/requests") return sendJson(res, 200, await api.requests(request.query));
    if (path === BASE + "/api/overview") return sendJson(res, 200, await api.overview());
    if (path === BASE + "/api/resources") return sendJson(res, 200, await api.resources(request.query));
    if (path === BASE + "/api/resource") return sendJson(res, 200, await api.resource(request.query));
    if (path === BASE + "/api/events") return api.events(res);
  } catch (error) {
    // The service's own refusal (NoSuchEntity, NotFoundException…), with its code.
    if (error instanceof AwsError) return sendJson(res, error.status ?? (/NotFound|NoSuch/.test(error.code) ? 404 : 400), { error: error.message, code: error.code });
    if (error instanceof ConsoleError) return sendJson(res, error.status, { error: error.message });
    throw error;
  }
  return sendJson(res, 404, { error: `no console endpoint ${method} ${path}` });
}

async function sendAsset(res: Res, request: HttpRequest, name: string) {
  const asset = await consoleAsset(name);
  if (!asset) return sendJson(res, 404, { error: `no console asset ${name}` });
  const gzip = /\bgzip\b/.test(String(request.headers["accept-encoding"] ?? ""));
  const body = gzip ? asset.gzip : asset.body;
  res.writeHead(200, {
    "content-type": asset.type,
    "content-length": String(body.length),
    "cache-control": "no-cache",
    vary: "accept-encoding",
    // Everything comes from nubis itself: no CDN, fonts or remote scripts.
    "content-security-policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'",
    ...(gzip ? { "content-encoding": "gzip" } : {}),
  });
  res.end(body);
}

class ConsoleError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Pages a filtered table reads per request at most; past them the answer carries a cursor to read on. */
const MAX_FILTER_PAGES = 20;

class ConsoleApi {
  constructor(
    private readonly nubis: Nubis,
    private readonly access: Access,
  ) {}

  private get config() {
    return this.nubis.config;
  }

  private service(name: string | null): ServiceDefinition {
    const def = this.nubis.services.find((s) => s.name === name);
    if (!def) throw new ConsoleError(400, `unknown service '${name}'`);
    return def;
  }

  private async kind(def: ServiceDefinition, name: string | null): Promise<ResourceKind> {
    const kind = (await resourceKinds(def)).find((k) => k.name === name);
    if (!kind) throw new ConsoleError(400, `${def.name} has no resource kind '${name}'`);
    return kind;
  }

  /** A root caller of the browsed account and region, so each kind runs the service's own handlers. */
  private context(def: ServiceDefinition, query: URLSearchParams): RequestContext {
    const account = query.get("account") || this.config.defaultAccount;
    if (!/^\d{12}$/.test(account)) throw new ConsoleError(400, `invalid account '${account}'`);
    const region = (!def.global && query.get("region")) || this.config.defaultRegion;
    return new CallContext(def, this.nubis.store, this.config, randomUUID(), "console", rootPrincipal(account), region, "", new Date());
  }

  async overview() {
    const services = await Promise.all(
      this.nubis.services.map(async (def) => ({
        name: def.name,
        title: def.title,
        protocol: def.protocol,
        global: def.global,
        operations: Object.keys((await withBehaviour(def)).handlers).sort(),
        kinds: (await resourceKinds(def)).map((k) => ({ name: k.name, title: k.title, columns: k.columns })),
      })),
    );
    return {
      version: VERSION,
      store: storeOf(this.nubis),
      auth: this.config.auth,
      access: this.access,
      adminToken: !!this.config.adminToken,
      uptimeSeconds: Math.round((Date.now() - this.nubis.started) / 1000),
      defaultAccount: this.config.defaultAccount,
      defaultRegion: this.config.defaultRegion,
      requestLog: this.nubis.requestLog?.capacity ?? 0,
      services,
      scopes: await this.scopes(),
    };
  }

  /**
   * The accounts (and regions) that hold state, per service: a skip scan over each declared
   * table, one short scan per account or region found, whatever the number of rows.
   */
  private async scopes() {
    const found = new Map<string, { account: string; region?: string; services: Set<string> }>();
    for (const def of this.nubis.services) {
      for (const kind of await resourceKinds(def)) {
        await this.nubis.store.transaction(async (tx) => {
          let after: string | undefined;
          for (let i = 0; i < 1000; i++) {
            const [row] = await tx.scan(kind.table, { prefix: "", after, limit: 1 });
            if (!row) break;
            const parts = row[0].split("/");
            const account = parts[0];
            const region = def.global || kind.accountKeyed ? undefined : parts[1];
            const id = region ? `${account}/${region}` : account;
            const scope = found.get(id) ?? { account, region, services: new Set<string>() };
            scope.services.add(def.name);
            found.set(id, scope);
            after = (region ? `${account}/${region}/` : `${account}/`) + "\uffff";
          }
        });
      }
    }
    return [...found.values()]
      .map((s) => ({ account: s.account, ...(s.region ? { region: s.region } : {}), services: [...s.services].sort() }))
      .sort((a, b) => `${a.account}/${a.region ?? ""}`.localeCompare(`${b.account}/${b.region ?? ""}`));
  }

  /** One page of a resource table; with `filter`, pages on until a page's worth matches. */
  async resources(query: URLSearchParams) {
    const def = this.service(query.get("service"));
    const kind = await this.kind(def, query.get("kind"));
    const ctx = this.context(def, query);
    const filter = (query.get("filter") ?? "").trim().toLowerCase();
    let cursor = query.get("cursor") || undefined;
    const rows: Awaited<ReturnType<ResourceKind["list"]>>["rows"] = [];
    let pageSize = 0;
    for (let pages = 0; pages < (filter ? MAX_FILTER_PAGES : 1); pages++) {
      const page = await kind.list(ctx, cursor);
      pageSize = Math.max(pageSize, page.rows.length);
      for (const row of page.rows) {
        const text = [row.id, ...Object.values(row.columns).map((v) => String(v ?? ""))].join(" ").toLowerCase();
        if (!filter || text.includes(filter)) rows.push(row);
      }
      cursor = page.next;
      if (!cursor || rows.length >= pageSize) break;
    }
    return { service: def.name, kind: kind.name, account: ctx.account, region: def.global ? undefined : ctx.region, columns: kind.columns, rows, next: cursor };
  }

  async resource(query: URLSearchParams) {
    const def = this.service(query.get("service"));
    const kind = await this.kind(def, query.get("kind"));
    const id = query.get("id");
    if (!id) throw new ConsoleError(400, "id is required");
    const ctx = this.context(def, query);
    const resource = await kind.get(ctx, id);
    const links = kind.links ? await kind.links(ctx, id, resource) : [];
    return { service: def.name, kind: kind.name, title: kind.title, id, account: ctx.account, region: def.global ? undefined : ctx.region, resource, links };
  }

  async requests(query: URLSearchParams) {
    const log = this.nubis.requestLog;
    if (!log) return { capacity: 0, entries: [] };
    const seq = query.get("seq");
    if (seq) {
      const entry = log.find(Number(seq));
      if (!entry) throw new ConsoleError(404, `request ${seq} is no longer in the log (it keeps the last ${log.capacity})`);
      return detail(entry, await this.summary(entry));
    }
    const filter: LogFilter = {
      service: query.get("service") || undefined,
      operation: query.get("operation") || undefined,
      status: query.get("status") || undefined,
      account: query.get("account") || undefined,
      text: query.get("text") || undefined,
    };
    const after = Number(query.get("after") ?? 0);
    const withDetail = query.get("detail") === "1" || query.get("detail") === "true";
    const limit = Math.max(1, Math.min(Number(query.get("limit") ?? log.capacity) || log.capacity, log.capacity));
    const out: unknown[] = [];
    for (const entry of log.entries()) {
      if (entry.seq <= after) continue;
      const summary = await this.summary(entry);
      if (!matches(entry, summary, filter)) continue;
      out.push(withDetail ? detail(entry, summary) : summary);
    }
    return { capacity: log.capacity, entries: out.slice(-limit) };
  }

  /** Server-sent events: one `request` event per API call, as it is answered. */
  events(res: Res) {
    const log = this.nubis.requestLog;
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-store", connection: "keep-alive" });
    res.write(`retry: 1000\n: nubis request log (${log?.capacity ?? 0} kept)\n\n`);
    if (!log) return;
    // Entries are formatted after the answer is sent, in batches, never on the request's path.
    let queue: LogEntry[] = [];
    const flush = async () => {
      const batch = queue;
      queue = [];
      for (const entry of batch) res.write(`event: request\nid: ${entry.seq}\ndata: ${JSON.stringify(await this.summary(entry))}\n\n`);
    };
    const unsubscribe = log.subscribe((entry) => {
      if (queue.push(entry) === 1) setImmediate(() => void flush().catch(() => undefined));
    });
    const heartbeat = setInterval(() => res.write(": keep-alive\n\n"), 15_000).unref();
    res.on("close", () => {
      unsubscribe();
      clearInterval(heartbeat);
    });
  }

  /** The entry's summary, with the account its access key belongs to (looked up once per key). */
  private async summary(entry: LogEntry): Promise<EntrySummary> {
    const request = { headers: unpackHeaders(entry).request, query: new URLSearchParams(entry.rawQuery ?? "") } as HttpRequest;
    const scope = credentialScopeOf(request);
    return summarize(entry, await accountOf(this.nubis, scope?.accessKeyId), scope);
  }
}

const kindsOf = new WeakMap<ServiceDefinition, Promise<ResourceKind[]>>();

function resourceKinds(def: ServiceDefinition): Promise<ResourceKind[]> {
  let kinds = kindsOf.get(def);
  if (!kinds) kindsOf.set(def, (kinds = def.resources ? def.resources() : Promise.resolve([])));
  return kinds;
}

const keyAccounts = new WeakMap<Nubis, Map<string, string>>();

/** The account the dispatcher gives the request's access key (Nubis.principalOf), looked up once per key. */
async function accountOf(nubis: Nubis, accessKeyId: string | undefined): Promise<string> {
  if (!accessKeyId) return nubis.config.defaultAccount;
  let cache = keyAccounts.get(nubis);
  if (!cache) keyAccounts.set(nubis, (cache = new Map()));
  const known = cache.get(accessKeyId);
  if (known) return known;
  const account = (await nubis.principalOf(accessKeyId)).account;
  if (cache.size > 10_000) cache.clear();
  cache.set(accessKeyId, account);
  return account;
}

/** Memory, the SQLite file, or the PostgreSQL host (never its password). */
function storeOf(nubis: Nubis): { kind: string; location?: string } {
  const { kind } = nubis.store;
  const config = nubis.config as typeof nubis.config & { databaseUrl?: string };
  if (kind === "sqlite" && config.dataDir) return { kind, location: `${config.dataDir.replace(/\/$/, "")}/nubis.db` };
  if (kind === "postgres" && config.databaseUrl) {
    try {
      const url = new URL(config.databaseUrl);
      return { kind, location: `${url.hostname}${url.port ? ":" + url.port : ""}${url.pathname}` };
    } catch {
      return { kind };
    }
  }
  return { kind };
}
