import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { randomUUID } from "node:crypto";
import { rootPrincipal } from "./auth/credentials.js";
import { authenticate, authorize } from "./auth/index.js";
import { authError } from "./auth/sigv4.js";
import type { NubisConfig } from "./config.js";
import { AwsError } from "./errors.js";
import { loadProtocol } from "./protocols/index.js";
import { loadService } from "./protocols/loader.js";
import { checkDecoded, type HttpRequest, type HttpResponse, type LoadedService, type Protocol } from "./protocols/protocol.js";
import { Validator } from "./validation.js";
import { credentialScopeOf, serviceOf } from "./routing.js";
import { behaviourLoaded, identitySources, type Principal, type ProtocolName, type RequestContext, type ServiceDefinition } from "./service.js";
import { exportState, parseSnapshot } from "./store/snapshot.js";
import { type Store, StoreUnavailableError } from "./store/store.js";
import { CallContext } from "./context.js";
import { mutationRefusal } from "../console/admin.js";
import { RequestLog } from "../console/requestLog.js";
import { mappedStack } from "./stackTrace.js";
import { messageInPartition, partitionOf, respellArns } from "./partition.js";

export const VERSION = "0.1.0";

const escapeXml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

class BodyTooLarge extends Error {}
/** The client went away before its request was read whole: nothing to answer, nothing to log. */
class ClientGone extends Error {}

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
    req.on("error", () => reject(new ClientGone()));
    req.on("aborted", () => reject(new ClientGone()));
  });
}

/**
 * How many Authorization headers a request carries, counted in its raw headers: Node keeps
 * only the first in `req.headers`, and `req.headersDistinct` would copy every header to count one.
 */
function authorizationHeaders(raw: string[]): number {
  let n = 0;
  for (let i = 0; i < raw.length; i += 2) if (raw[i].length === 13 && raw[i].toLowerCase() === "authorization") n++;
  return n;
}

/** What one API call answered, for the log line and the request log. */
export interface Dispatched {
  service: string;
  operation: string;
  http: HttpResponse;
  /** The AWS error code of a failed call. */
  errorCode?: string;
  /** Why authentication failed, for the log (the client gets AWS's message). */
  errorMessage?: string;
  /** The caller's ARN, once known. */
  caller?: string;
}

/**
 * Path and query of a request target, taken apart by hand: `new URL()` throws on targets a
 * client may still send (`//`, an absolute form with a bad port), and nubis answers every
 * request, never an empty 500.
 */
export function requestTarget(target: string): { path: string; search: string } {
  let rest = target;
  // The absolute form (`http://host/...`) is rare: only a target not starting with `/` is matched.
  const absolute = rest.startsWith("/") ? null : /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?#]*/.exec(rest);
  if (absolute) rest = rest.slice(absolute[0].length);
  const hash = rest.indexOf("#");
  if (hash >= 0) rest = rest.slice(0, hash);
  const q = rest.indexOf("?");
  const path = q < 0 ? rest : rest.slice(0, q);
  return { path: path.startsWith("/") ? path : `/${path}`, search: q < 0 ? "" : rest.slice(q) };
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

  /** Services whose schemas and protocol have loaded: later calls find them without awaiting a promise. */
  private readonly ready = new Map<string, { service: LoadedService; protocol: Protocol }>();

  private async load(def: ServiceDefinition): Promise<{ service: LoadedService; protocol: Protocol }> {
    const [service, protocol] = await Promise.all([this.service(def), loadProtocol(def.protocol)]);
    this.ready.set(def.name, { service, protocol });
    return { service, protocol };
  }

  /** Its schemas and its behaviour (withBehaviour), both loaded once, on the service's first call. */
  service(def: ServiceDefinition): Promise<LoadedService> {
    let s = this.loaded.get(def.name);
    if (!s) this.loaded.set(def.name, (s = loadService(def)));
    return s;
  }

  listen(): Promise<Server> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((error) => {
        console.error("nubis: unexpected failure", mappedStack(error));
        if (!res.headersSent) res.writeHead(500).end();
      });
    });
    server.keepAliveTimeout = 65_000;
    return new Promise((resolve, reject) => {
      server.once("error", (error: NodeJS.ErrnoException) => {
        if (error.code === "EADDRINUSE") {
          reject(new Error(`port ${this.config.port} on ${this.config.host} is already in use: stop what holds it, or choose another with --port N (PORT)`));
        } else if (error.code === "EADDRNOTAVAIL" || error.code === "EACCES") {
          reject(new Error(`cannot listen on ${this.config.host}:${this.config.port} (${error.code}): choose another --host or --port`));
        } else reject(error);
      });
      server.listen(this.config.port, this.config.host, () => resolve(server));
    });
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const t0 = performance.now();
    const { path, search } = requestTarget(req.url ?? "/");
    let query: URLSearchParams | undefined;
    const request: HttpRequest = {
      method: req.method ?? "GET",
      path,
      // Parsed on first use: the query protocols read the form (form.ts), not URLSearchParams.
      get query() {
        return (query ??= new URLSearchParams(search));
      },
      rawQuery: search,
      headers: req.headers,
      body: Buffer.alloc(0),
      sourceIp: req.socket.remoteAddress,
      form: undefined,
      route: undefined,
    };
    try {
      request.body = await readBody(req, this.config.maxBodyBytes);
    } catch (error) {
      if (error instanceof ClientGone) return;
      if (!(error instanceof BodyTooLarge)) throw error;
      // Answered in the protocol of the service the headers name, before the rest is read.
      const tooLarge = new AwsError("RequestEntityTooLarge", `Request body is larger than ${this.config.maxBodyBytes} bytes, the most nubis accepts`, 413);
      const response = await this.refuse(request, tooLarge);
      response.http.headers.connection = "close";
      this.send(res, response.http);
      this.logLine(response, t0);
      return;
    }
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
    // Node keeps the first of several Authorization headers: which one signed is ambiguous.
    const signatures = authorizationHeaders(req.rawHeaders);
    const response =
      signatures > 1 && this.config.auth !== "none"
        ? await this.refuse(request, (protocol) => authError(protocol, "incomplete", "Only one Authorization header is allowed"))
        : await this.dispatch(request);
    this.send(res, response.http);
    this.requestLog?.add(request, response.service, response.operation, response.http, performance.now() - t0);
    this.logLine(response, t0);
  }

  /** `time service operation status [code] caller ms [why]`: one line per API call. */
  private logLine(response: Dispatched, t0: number) {
    if (!this.config.log) return;
    const ms = `${(performance.now() - t0).toFixed(1)}ms`;
    const fields = [new Date().toISOString(), response.service, response.operation, response.http.status, response.errorCode ?? "-", response.caller ?? "-", ms];
    if (response.errorMessage) fields.push(`(${response.errorMessage})`);
    console.log(fields.join(" "));
  }

  /** The answer to a request refused before it reached an operation, in its service's protocol (that may spell the error). */
  private async refuse(request: HttpRequest, refusal: AwsError | ((protocol: ProtocolName) => AwsError)): Promise<Dispatched> {
    const requestId = randomUUID();
    const def = serviceOf(request, this.services, credentialScopeOf(request));
    if (!def) return this.unknownService(request, requestId);
    const error = typeof refusal === "function" ? refusal(def.protocol) : refusal;
    const [service, protocol] = await Promise.all([this.service(def), loadProtocol(def.protocol)]);
    const http = protocol.encodeError(service, error, error.status ?? 400, requestId);
    return { service: def.name, operation: "-", http, errorCode: error.code };
  }

  /**
   * A request for a service nubis does not serve (`aws s3 ls`): a coded error that names what
   * nubis saw and what it serves, as XML for clients that sent no JSON, else as JSON.
   */
  private unknownService(request: HttpRequest, requestId: string): Dispatched {
    const scope = credentialScopeOf(request);
    const seen = [
      scope && `signing name '${scope.service}'`,
      request.headers["x-amz-target"] && `target '${String(request.headers["x-amz-target"])}'`,
      request.headers.host && `host '${String(request.headers.host)}'`,
      `path '${request.path}'`,
    ].filter(Boolean);
    const message = `nubis does not serve this request (${seen.join(", ")}); it serves ${this.services.map((s) => `${s.title} (${s.signingName})`).join(", ")}`;
    const code = "UnknownService";
    const json = !!request.headers["x-amz-target"] || String(request.headers["content-type"] ?? "").includes("json");
    const body = json
      ? JSON.stringify({ __type: code, message })
      : `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${escapeXml(message)}</Message><RequestId>${requestId}</RequestId></Error>`;
    const http = {
      status: 400,
      headers: { "content-type": json ? "application/json" : "application/xml", "x-amzn-requestid": requestId, "x-amz-request-id": requestId },
      body,
    };
    return { service: "-", operation: "-", http, errorCode: code };
  }

  private send(res: ServerResponse, http: HttpResponse) {
    // Encoded once: the request log keeps the same bytes.
    if (typeof http.body === "string") http.body = Buffer.from(http.body);
    res.writeHead(http.status, { ...http.headers, "content-length": String(http.body.length) });
    // HEAD answers the headers a GET would, without the body.
    res.end(res.req?.method === "HEAD" ? undefined : http.body);
  }

  /** Runs one API call; always answers in the service's protocol, never throws. */
  async dispatch(request: HttpRequest): Promise<Dispatched> {
    const requestId = randomUUID();
    const scope = credentialScopeOf(request);
    const def = serviceOf(request, this.services, scope);
    if (!def) return this.unknownService(request, requestId);
    const { service, protocol } = this.ready.get(def.name) ?? (await this.load(def));
    let operation = "-";
    let caller: string | undefined;
    const partition = partitionOf(this.regionOf(scope));
    try {
      const now = new Date();
      // --auth signature|iam: who signed, before anything of the request is read.
      const principal =
        this.config.auth === "none" ? undefined : await authenticate(request, service, this.config, this.store, this.services, now);
      operation = protocol.operationOf(request, service);
      const schema = service.operations.get(operation)!;
      const decoded = protocol.decodeInput(request, service, schema);
      const input = partition === "aws" ? decoded : respellArns(decoded, partition, "aws");
      if (def.handlers[operation]) {
        const problems = new Validator(def.validationErrorCode);
        checkDecoded(schema.input, input, "", def.fractionalNumbers ?? false, problems);
        problems.check();
      }
      const handler = def.handlers[operation];
      if (!handler) {
        throw new AwsError("NotImplemented", `nubis does not implement ${def.title} ${operation} yet`, 501);
      }
      const ctx = await this.context(def, operation, requestId, scope, principal, now);
      caller = ctx.principal.arn;
      if (/^AKIA/.test(ctx.accessKeyId)) await this.recordUse(def, ctx);
      if (this.config.auth === "iam") await authorize(input, ctx, service, this.store, this.services, request.sourceIp);
      const answer = await handler(input, ctx);
      const output = partition === "aws" ? answer : respellArns(answer, "aws", partition);
      return { service: def.name, operation, http: protocol.encodeOutput(service, schema, output, requestId), caller };
    } catch (error) {
      let awsError: AwsError;
      if (error instanceof AwsError) {
        awsError = partition === "aws" ? error : new AwsError(error.code, messageInPartition(error.message, partition), error.status, error.fields);
      }
      // The state database is down or too contended: a 5xx the SDKs retry, not a crash report.
      else if (error instanceof StoreUnavailableError) awsError = new AwsError(def.internalErrorCode, error.message, 503);
      else {
        console.error(`nubis: ${def.name} ${operation} failed`, mappedStack(error));
        awsError = new AwsError(def.internalErrorCode, "We encountered an internal error. Please try again.", 500);
      }
      const status = awsError.status ?? service.errorStatus(awsError.code) ?? 400;
      const http = protocol.encodeError(service, awsError, status, requestId);
      // Authentication failures say why in the log: the answer alone rarely tells.
      const errorMessage = !caller && (status === 401 || status === 403 || (status === 400 && /Signature|Token|Client/.test(awsError.code))) ? awsError.message : undefined;
      return { service: def.name, operation, http, errorCode: awsError.code, errorMessage, caller };
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
    return new CallContext(def, this.store, this.config, requestId, operation, principal, this.regionOf(scope), accessKeyId, now);
  }

  /** The region a request acts in: the one it is signed for (a global service's `aws-global` is the default region). */
  private regionOf(scope: ReturnType<typeof credentialScopeOf>): string {
    return scope?.region && scope.region !== "aws-global" ? scope.region : this.config.defaultRegion;
  }

  /** A request signed with an issued key counts as its last use (whatever it answers next). */
  private async recordUse(def: ServiceDefinition, ctx: RequestContext) {
    const use = { service: def.signingName, region: ctx.region, now: ctx.now };
    for (const identity of await identitySources(this.services)) {
      if (identity.used) await this.store.transaction((tx) => identity.used!(tx, ctx.accessKeyId, use));
    }
  }

  /**
   * DESIGN "Conventions": a 12-digit key id is an account id; a key issued by nubis IAM acts
   * as its user; any other key is the default account's root.
   */
  /** Also read by the console, to name the account of a logged request. */
  async principalOf(accessKeyId: string): Promise<Principal> {
    // A configured root key acts in its own account in every auth mode.
    const root = this.config.rootCredentials?.find((c) => c.accessKeyId === accessKeyId);
    if (root) return rootPrincipal(root.account);
    if (/^\d{12}$/.test(accessKeyId)) return rootPrincipal(accessKeyId);
    // AKIA: IAM access keys; ASIA: STS temporary credentials.
    if (/^A[KS]IA[A-Z2-7]{16}$/.test(accessKeyId)) {
      for (const identity of await identitySources(this.services)) {
        const found = await this.store.transaction((tx) => identity.accessKey(tx, accessKeyId));
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
    if (path === "/_nubis/health" && (method === "GET" || method === "HEAD")) {
      return json(200, {
        status: "running",
        version: VERSION,
        uptimeSeconds: Math.round((Date.now() - this.started) / 1000),
        store: this.store.kind,
        services: Object.fromEntries(
          // A readiness probe must not load every service: counts are given for services loaded so far.
          this.services.map((s) => [
            s.name,
            behaviourLoaded(s) ? { protocol: s.protocol, loaded: true, operationsImplemented: Object.keys(s.handlers).length } : { protocol: s.protocol, loaded: false },
          ]),
        ),
      });
    }
    // The snapshot holds every secret key: with an admin token, reading it needs the token too.
    const guarded = method === "POST" || (method === "GET" && path === "/_nubis/state" && this.config.adminToken);
    if ((path === "/_nubis/reset" || path === "/moto-api/reset" || path === "/_nubis/state") && guarded) {
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
        snapshot = parseSnapshot(request.body.toString("utf8"), this.services);
      } catch (error) {
        return json(400, { error: `state document refused, nothing changed: ${(error as Error).message}` });
      }
      await this.store.load(snapshot.tables);
      return json(200, { loaded: Object.keys(snapshot.tables).length });
    }
    return json(404, { error: `no internal endpoint ${method} ${path}` });
  }
}
