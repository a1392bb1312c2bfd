import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { randomUUID } from "node:crypto";
import { rootPrincipal } from "./auth/credentials.js";
import { authenticate, authorize } from "./auth/index.js";
import type { NubisConfig } from "./config.js";
import { AwsError } from "./errors.js";
import { loadProtocol } from "./protocols/index.js";
import { loadService } from "./protocols/loader.js";
import type { HttpRequest, HttpResponse, LoadedService } from "./protocols/protocol.js";
import { credentialScopeOf, serviceOf } from "./routing.js";
import type { Principal, RequestContext, ServiceDefinition } from "./service.js";
import { exportState, parseSnapshot } from "./store/snapshot.js";
import { mutationRefusal } from "../console/admin.js";
import { RequestLog } from "../console/requestLog.js";
import { type Store, StoreUnavailableError } from "./store/store.js";

export const VERSION = "0.1.0";

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new BodyTooLarge());
        req.removeAllListeners("data");
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/** The request dispatcher: routing, protocol decode, handler, protocol encode. */
export class Nubis {
  private readonly loaded = new Map<string, Promise<LoadedService>>();
  readonly started = Date.now();
  /** The last API calls, for the console and GET /_nubis/requests (`--request-log N`). */
  readonly requestLog: RequestLog | undefined;

  constructor(
    readonly config: NubisConfig,
    readonly store: Store,
    readonly services: readonly ServiceDefinition[],
  ) {
    this.requestLog = config.requestLog > 0 ? new RequestLog(config.requestLog) : undefined;
  }

  /** Loads a service's SDK schemas once, on first use. */
  service(def: ServiceDefinition): Promise<LoadedService> {
    let s = this.loaded.get(def.name);
    if (!s) this.loaded.set(def.name, (s = loadService(def)));
    return s;
  }

  listen(): Promise<Server> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((error) => {
        console.error("nubis: unexpected failure", error);
        if (!res.headersSent) res.writeHead(500).end();
      });
    });
    server.keepAliveTimeout = 65_000;
    return new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.config.port, this.config.host, () => resolve(server));
    });
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const t0 = performance.now();
    const url = new URL(req.url ?? "/", "http://localhost");
    let body: Buffer;
    try {
      body = await readBody(req, this.config.maxBodyBytes);
    } catch (error) {
      if (!(error instanceof BodyTooLarge)) throw error;
      res.writeHead(413, { "content-type": "text/plain", connection: "close" }).end("Request body too large");
      return;
    }
    const request: HttpRequest = {
      method: req.method ?? "GET",
      path: url.pathname,
      query: url.searchParams,
      rawQuery: url.search,
      headers: req.headers,
      body,
      sourceIp: req.socket.remoteAddress,
    };
    // The console's code loads on its first request only: it costs the API nothing until opened.
    if (request.path.startsWith("/_nubis/console") || request.path === "/_nubis/requests") {
      return (await import("../console/server.js")).serveConsole(this, request, res);
    }
    if (request.path.startsWith("/_nubis/") || request.path.startsWith("/moto-api/")) {
      return this.send(
        res,
        await this.internal(request).catch((error) => {
          if (!(error instanceof StoreUnavailableError)) throw error;
          return { status: 503, headers: { "content-type": "application/json" }, body: JSON.stringify({ error: error.message }) };
        }),
      );
    }
    const response = await this.dispatch(request);
    this.send(res, response.http);
    this.requestLog?.add(request, response.service, response.operation, response.http, performance.now() - t0);
    if (this.config.log) {
      const ms = (performance.now() - t0).toFixed(1);
      console.log(`${response.service} ${response.operation} ${response.http.status} ${ms}ms`);
    }
  }

  private send(res: ServerResponse, http: HttpResponse) {
    res.writeHead(http.status, { ...http.headers, "content-length": String(Buffer.byteLength(http.body)) });
    res.end(http.body);
  }

  /** Runs one API call; always answers in the service's protocol, never throws. */
  async dispatch(request: HttpRequest): Promise<{ service: string; operation: string; http: HttpResponse }> {
    const requestId = randomUUID();
    const scope = credentialScopeOf(request);
    const def = serviceOf(request, this.services, scope);
    if (!def) {
      const http = {
        status: 400,
        headers: { "content-type": "application/json", "x-amzn-requestid": requestId },
        body: JSON.stringify({
          __type: "UnknownService",
          message: "nubis could not tell which AWS service this request is for (no SigV4 scope, X-Amz-Target, Host or path it knows)",
        }),
      };
      return { service: "-", operation: "-", http };
    }
    const [service, protocol] = await Promise.all([this.service(def), loadProtocol(def.protocol)]);
    let operation = "-";
    try {
      const now = new Date();
      // --auth signature|iam: who signed, before anything of the request is read.
      const principal =
        this.config.auth === "none" ? undefined : await authenticate(request, service, this.config, this.store, this.services, now);
      operation = protocol.operationOf(request, service);
      const schema = service.operations.get(operation)!;
      const input = protocol.decodeInput(request, service, schema);
      const handler = def.handlers[operation];
      if (!handler) {
        throw new AwsError("NotImplemented", `nubis does not implement ${def.title} ${operation} yet`, 501);
      }
      const ctx = await this.context(def, operation, requestId, scope, principal, now);
      if (/^AKIA/.test(ctx.accessKeyId)) await this.recordUse(def, ctx);
      if (this.config.auth === "iam") await authorize(input, ctx, service, this.store, this.services, request.sourceIp);
      const output = await handler(input, ctx);
      return { service: def.name, operation, http: protocol.encodeOutput(service, schema, output, requestId) };
    } catch (error) {
      let awsError: AwsError;
      if (error instanceof AwsError) awsError = error;
      // The state database is down or too contended: a 5xx the SDKs retry, not a crash report.
      else if (error instanceof StoreUnavailableError) awsError = new AwsError(def.internalErrorCode, error.message, 503);
      else {
        console.error(`nubis: ${def.name} ${operation} failed`, error);
        awsError = new AwsError(def.internalErrorCode, "We encountered an internal error. Please try again.", 500);
      }
      const status = awsError.status ?? service.errorStatus(awsError.code) ?? 400;
      return { service: def.name, operation, http: protocol.encodeError(service, awsError, status, requestId) };
    }
  }

  private async context(
    def: ServiceDefinition,
    operation: string,
    requestId: string,
    scope: ReturnType<typeof credentialScopeOf>,
    verified: Principal | undefined,
    now: Date,
  ): Promise<RequestContext> {
    const accessKeyId = scope?.accessKeyId ?? "";
    const principal = verified ?? (await this.principalOf(accessKeyId));
    const store = this.store;
    const { quotas } = this.config;
    return {
      requestId,
      service: def.name,
      operation,
      account: principal.account,
      region: scope?.region && scope.region !== "aws-global" ? scope.region : this.config.defaultRegion,
      principal,
      accessKeyId,
      now,
      config: this.config,
      quota: (name) => quotas[`${def.name}.${name}`] ?? def.quotas?.[name] ?? Number.POSITIVE_INFINITY,
      transaction: (work) => store.transaction(work),
    };
  }

  /** A request signed with an issued key counts as its last use (whatever it answers next). */
  private async recordUse(def: ServiceDefinition, ctx: RequestContext) {
    const use = { service: def.signingName, region: ctx.region, now: ctx.now };
    for (const s of this.services) {
      if (s.identity?.used) await this.store.transaction((tx) => s.identity!.used!(tx, ctx.accessKeyId, use));
    }
  }

  /**
   * DESIGN "Conventions": a 12-digit key id is an account id; a key issued by nubis IAM acts
   * as its user; any other key is the default account's root.
   */
  private async principalOf(accessKeyId: string): Promise<Principal> {
    if (/^\d{12}$/.test(accessKeyId)) return rootPrincipal(accessKeyId);
    // AKIA: IAM access keys; ASIA: STS temporary credentials.
    if (/^A[KS]IA[A-Z2-7]{16}$/.test(accessKeyId)) {
      for (const def of this.services) {
        if (!def.identity) continue;
        const found = await this.store.transaction((tx) => def.identity!.accessKey(tx, accessKeyId));
        if (found) return found.principal;
      }
    }
    return rootPrincipal(this.config.defaultAccount);
  }

  private async internal(request: HttpRequest): Promise<HttpResponse> {
    const json = (status: number, value: unknown): HttpResponse => ({
      status,
      headers: { "content-type": "application/json" },
      body: JSON.stringify(value),
    });
    const { method, path } = request;
    if (path === "/_nubis/health" && method === "GET") {
      return json(200, {
        status: "running",
        version: VERSION,
        uptimeSeconds: Math.round((Date.now() - this.started) / 1000),
        store: this.store.kind,
        services: Object.fromEntries(
          this.services.map((s) => [s.name, { protocol: s.protocol, operationsImplemented: Object.keys(s.handlers).length }]),
        ),
      });
    }
    if ((path === "/_nubis/reset" || path === "/moto-api/reset" || path === "/_nubis/state") && method === "POST") {
      const refused = mutationRefusal(this.config, request.headers);
      if (refused) return json(403, { error: refused });
    }
    if ((path === "/_nubis/reset" || path === "/moto-api/reset") && method === "POST") {
      const service = request.query.get("service") ?? undefined;
      if (service && !this.services.some((s) => s.name === service)) return json(400, { error: `unknown service '${service}'` });
      await this.store.reset(service);
      return json(200, { reset: service ?? "all" });
    }
    if (path === "/_nubis/state" && method === "GET") return json(200, await exportState(this.store));
    if (path === "/_nubis/state" && method === "POST") {
      let snapshot;
      try {
        snapshot = parseSnapshot(request.body.toString("utf8"));
      } catch (error) {
        return json(400, { error: `state document refused, nothing changed: ${(error as Error).message}` });
      }
      await this.store.load(snapshot.tables);
      return json(200, { loaded: Object.keys(snapshot.tables).length });
    }
    return json(404, { error: `no internal endpoint ${method} ${path}` });
  }
}
