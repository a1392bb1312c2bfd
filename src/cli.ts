#!/usr/bin/env node
import { parseArgs } from "node:util";
import { parseRootCredentials } from "./core/auth/credentials.js";
import { type AuthMode, defaultConfig, type NubisConfig, parseQuotas } from "./core/config.js";
import { VERSION } from "./core/server.js";
import { services } from "./services/index.js";
import { startServer } from "./index.js";

const HELP = `nubis ${VERSION}: a local emulator of AWS control planes

Usage: nubis [options]

Options (each also read from an environment variable):
  --port N               port to listen on (PORT, default 4566)
  --host ADDR            address to bind (NUBIS_HOST, default 127.0.0.1: this machine only;
                         0.0.0.0 for a container or a shared host, since the internal
                         endpoints reset and replace state without credentials)
  --data-dir DIR         keep state in SQLite under DIR (NUBIS_DATA_DIR; default: in memory)
  --init-state FILE      start from a state snapshot (NUBIS_INIT_STATE); refused when the store
                         already holds state, unless --init-state-force (NUBIS_INIT_STATE_FORCE=1)
  --database-url URL     keep state in PostgreSQL, shared by every nubis on it (NUBIS_DATABASE_URL,
                         postgres://user:password@host:port/db[?schema=NAME])
  --database-schema NAME PostgreSQL schema for nubis's tables (NUBIS_DATABASE_SCHEMA, default public)
  --database-pool N      PostgreSQL connections per process (NUBIS_DATABASE_POOL, default 10)
  --auth MODE            none | signature | iam (NUBIS_AUTH, default none)
  --root-credentials ACCOUNT:KEY:SECRET
                         root access keys checked by --auth signature|iam, repeatable
                         (NUBIS_ROOT_CREDENTIALS, comma-separated; default: test/test for the
                         default account, and any 12-digit key id with secret test)
  --default-account ID   account of unknown access keys (NUBIS_DEFAULT_ACCOUNT, default 000000000000)
  --default-region NAME  region of unsigned requests (NUBIS_DEFAULT_REGION, default us-east-1)
  --quota S.NAME=N       override a service quota, repeatable (NUBIS_QUOTAS, comma-separated)
  --oidc-jwks ISSUER=URL the JWKS URL of an OIDC issuer: web identity tokens it signs are
                         signature-checked, repeatable (NUBIS_OIDC_JWKS, comma-separated)
  --cloudfront-deploy-delay MS
                         CloudFront InProgress -> Deployed delay (NUBIS_CLOUDFRONT_DEPLOY_DELAY_MS, default 300)
  --quicksight-delay MS  how long QuickSight creates and updates read as in progress
                         (NUBIS_QUICKSIGHT_DELAY_MS, default 0: done on the next read)
  --request-log N        API calls kept for the console and GET /_nubis/requests
                         (NUBIS_REQUEST_LOG, default 1000; 0: none)
  --admin-token TOKEN    required by the console, reset and POST state (NUBIS_ADMIN_TOKEN)
  --s3-endpoint URL      S3-compatible server objects are read from, e.g. CloudFront trust store
                         CA bundles (NUBIS_S3_ENDPOINT, http://[KEY:SECRET@]host:port)
  --quiet                no per-request log lines (NUBIS_LOG=0 or false)
  --help, --version
`;

/** `--oidc-jwks ISSUER=URL`: the JWKS URL by issuer (split at the first `=`, as a URL's query may hold more). */
function parseOidcJwks(specs: string[]): Record<string, string> | undefined {
  if (!specs.length) return undefined;
  const jwks: Record<string, string> = {};
  for (const spec of specs.flatMap((s) => s.split(",")).filter(Boolean)) {
    const at = spec.indexOf("=");
    const [issuer, url] = [spec.slice(0, at), spec.slice(at + 1)];
    if (at < 0 || !/^https?:\/\/\S+$/.test(issuer) || !URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
      throw new Error(`invalid --oidc-jwks '${spec}': expected ISSUER=URL, both http(s) URLs`);
    }
    jwks[issuer.replace(/\/$/, "")] = url;
  }
  return jwks;
}

/** A delay option: whole milliseconds, 0 or more. */
function milliseconds(spec: string | undefined, fallback: number, what: string): number {
  const ms = Number(spec ?? fallback);
  if (!Number.isInteger(ms) || ms < 0) throw new Error(`invalid ${what} '${spec}': expected milliseconds (0 or more)`);
  return ms;
}

/** An http(s) URL, checked at start so a typo is not found at the first trust store. */
function s3EndpointOf(spec: string | undefined): string | undefined {
  if (spec === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(spec);
  } catch {
    throw new Error(`invalid --s3-endpoint '${spec}': expected http://host:port`);
  }
  if (!["http:", "https:"].includes(url.protocol)) throw new Error(`invalid --s3-endpoint '${spec}': expected http://host:port`);
  return spec;
}

function configFrom(argv: string[], env: NodeJS.ProcessEnv): NubisConfig {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: "string" },
      host: { type: "string" },
      "data-dir": { type: "string" },
      "init-state": { type: "string" },
      "init-state-force": { type: "boolean" },
      "database-url": { type: "string" },
      "oidc-jwks": { type: "string", multiple: true },
      "database-schema": { type: "string" },
      "database-pool": { type: "string" },
      auth: { type: "string" },
      "root-credentials": { type: "string", multiple: true },
      "default-account": { type: "string" },
      "default-region": { type: "string" },
      quota: { type: "string", multiple: true },
      "cloudfront-deploy-delay": { type: "string" },
      "quicksight-delay": { type: "string" },
      "request-log": { type: "string" },
      "admin-token": { type: "string" },
      "s3-endpoint": { type: "string" },
      quiet: { type: "boolean" },
      help: { type: "boolean" },
      version: { type: "boolean" },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    process.exit(0);
  }
  if (values.version) {
    process.stdout.write(`${VERSION}\n`);
    process.exit(0);
  }
  const config = defaultConfig();
  const port = Number(values.port ?? env.PORT ?? config.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid port '${values.port ?? env.PORT}'`);
  const auth = (values.auth ?? env.NUBIS_AUTH ?? "none") as AuthMode;
  if (!["none", "signature", "iam"].includes(auth)) throw new Error(`invalid --auth '${auth}': expected none, signature or iam`);
  const account = values["default-account"] ?? env.NUBIS_DEFAULT_ACCOUNT ?? config.defaultAccount;
  if (!/^\d{12}$/.test(account)) throw new Error(`invalid default account '${account}': expected 12 digits`);
  const cloudfrontDeployDelayMs = milliseconds(values["cloudfront-deploy-delay"] ?? (env.NUBIS_CLOUDFRONT_DEPLOY_DELAY_MS || undefined), config.cloudfrontDeployDelayMs, "CloudFront deploy delay");
  const quicksightDelayMs = milliseconds(values["quicksight-delay"] ?? (env.NUBIS_QUICKSIGHT_DELAY_MS || undefined), config.quicksightDelayMs, "QuickSight delay");
  const requestLogSpec = values["request-log"] ?? (env.NUBIS_REQUEST_LOG || undefined);
  const requestLog = Number(requestLogSpec ?? config.requestLog);
  if (!Number.isInteger(requestLog) || requestLog < 0) throw new Error(`invalid --request-log '${requestLogSpec}': expected a number of requests (0 or more)`);
  const poolSpec = values["database-pool"] ?? (env.NUBIS_DATABASE_POOL || undefined);
  const databasePool = poolSpec === undefined ? undefined : Number(poolSpec);
  if (databasePool !== undefined && (!Number.isInteger(databasePool) || databasePool < 1)) {
    throw new Error(`invalid --database-pool '${poolSpec}': expected a number of connections (1 or more)`);
  }
  return {
    ...config,
    initStateForce: values["init-state-force"] || ["1", "true"].includes(env.NUBIS_INIT_STATE_FORCE ?? ""),
    databaseUrl: values["database-url"] ?? (env.NUBIS_DATABASE_URL || undefined),
    databaseSchema: values["database-schema"] ?? (env.NUBIS_DATABASE_SCHEMA || undefined),
    databasePool,
    requestLog,
    adminToken: values["admin-token"] ?? (env.NUBIS_ADMIN_TOKEN || undefined),
    port,
    host: values.host ?? env.NUBIS_HOST ?? config.host,
    dataDir: values["data-dir"] ?? env.NUBIS_DATA_DIR ?? undefined,
    initState: values["init-state"] ?? env.NUBIS_INIT_STATE ?? undefined,
    auth,
    // The flag wins over the environment, as for every option.
    rootCredentials: parseRootCredentials(values["root-credentials"] ?? (env.NUBIS_ROOT_CREDENTIALS ? [env.NUBIS_ROOT_CREDENTIALS] : [])),
    defaultAccount: account,
    defaultRegion: values["default-region"] ?? env.NUBIS_DEFAULT_REGION ?? config.defaultRegion,
    oidcJwks: parseOidcJwks([...(env.NUBIS_OIDC_JWKS ? [env.NUBIS_OIDC_JWKS] : []), ...(values["oidc-jwks"] ?? [])]),
    quotas: parseQuotas([...(env.NUBIS_QUOTAS ? [env.NUBIS_QUOTAS] : []), ...(values.quota ?? [])]),
    log: !(values.quiet || ["0", "false", "off", "no"].includes((env.NUBIS_LOG ?? "").toLowerCase())),
    cloudfrontDeployDelayMs,
    quicksightDelayMs,
    s3Endpoint: s3EndpointOf(values["s3-endpoint"] ?? (env.NUBIS_S3_ENDPOINT || undefined)),
  };
}

async function main() {
  let config: NubisConfig;
  try {
    config = configFrom(process.argv.slice(2), process.env);
  } catch (error) {
    process.stderr.write(`nubis: ${(error as Error).message.replace(/\s*\n\s*/g, " ")} (nubis --help lists the options)\n`);
    process.exit(2);
  }
  const server = await startServer(config);
  console.log(
    `nubis ${VERSION} listening on ${server.endpoint} (${services.map((s) => s.name).join(", ")}; state: ${server.store.kind}; console: ${server.endpoint}/_nubis/console)`,
  );
  const stop = async () => {
    await server.close();
    process.exit(0);
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((error) => {
  process.stderr.write(`nubis: ${(error as Error).message}\n`);
  process.exit(1);
});
