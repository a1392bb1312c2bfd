export type AuthMode = "none" | "signature" | "iam";

/** An account root's access key pair, checked under `--auth signature|iam`. */
export interface RootCredential {
  account: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export interface NubisConfig {
  port: number;
  host: string;
  /** SQLite data directory; state stays in memory when absent. */
  dataDir?: string;
  /** A snapshot file (GET /_nubis/state) to start from. */
  initState?: string;
  /** Load `initState` even when the store already holds state (replacing it). */
  initStateForce?: boolean;
  /** `postgres://user:password@host:port/db[?schema=NAME]`: state shared by every nubis on that database. */
  databaseUrl?: string;
  /** PostgreSQL schema holding nubis's tables (overrides `?schema=`; default `public`). */
  databaseSchema?: string;
  /** PostgreSQL connections per process (default 10). */
  databasePool?: number;
  auth: AuthMode;
  /** Root key pairs; when empty, `test`/`test` is the default account's root (see auth/credentials). */
  rootCredentials?: RootCredential[];
  defaultAccount: string;
  defaultRegion: string;
  /** Overrides of service quotas, by `<service>.<QuotaName>` (e.g. `iam.GroupsPerAccount`). */
  quotas: Record<string, number>;
  /** One log line per request. */
  log: boolean;
  /** Largest request body accepted, in bytes. */
  maxBodyBytes: number;
  /**
   * How long a CloudFront change (connection group, anycast IP list) stays InProgress/Deploying
   * before it reads as Deployed, in milliseconds. Short so clients that poll (Terraform) finish fast.
   */
  cloudfrontDeployDelayMs: number;
  /** How many API calls the request log keeps in memory for the console and `GET /_nubis/requests` (0: no log). */
  requestLog: number;
  /** Required by the console and the state-changing internal endpoints when set (`--admin-token`). */
  adminToken?: string;
  /**
   * How long a QuickSight change (subscription, namespace, asset create/update) reads as in
   * progress (CREATION_IN_PROGRESS, CREATING, ...) before it reads as done, in milliseconds.
   * 0: the first read after the change already sees it done.
   */
  quicksightDelayMs: number;
  /**
   * JWKS URL by OIDC issuer (`https://token.example.com`): STS AssumeRoleWithWebIdentity checks
   * token signatures against these keys. Issuers not listed are not signature-checked (nubis
   * makes no network calls to identity providers).
   */
  oidcJwks?: Record<string, string>;
  /**
   * An S3-compatible endpoint (`http://[KEY:SECRET@]host:port`) from which objects services
   * need are read (a CloudFront trust store's CA bundle); without it such reads fail as unreadable.
   */
  s3Endpoint?: string;
}

export const defaultConfig = (): NubisConfig => ({
  port: 4566,
  // This machine only: the internal endpoints reset and replace state without credentials.
  host: "127.0.0.1",
  auth: "none",
  defaultAccount: "000000000000",
  defaultRegion: "us-east-1",
  quotas: {},
  log: false,
  maxBodyBytes: 10 * 1024 * 1024,
  cloudfrontDeployDelayMs: 300,
  requestLog: 1000,
  quicksightDelayMs: 0,
});

/** Parses `iam.GroupsPerAccount=500,cloudfront.KeyGroupsPerAccount=50` (commas or repeated flags). */
export function parseQuotas(specs: string[]): Record<string, number> {
  const quotas: Record<string, number> = {};
  for (const spec of specs.flatMap((s) => s.split(",")).map((s) => s.trim()).filter(Boolean)) {
    const m = /^([a-z0-9]+\.[A-Za-z0-9]+)=(\d+)$/.exec(spec);
    if (!m) throw new Error(`invalid quota '${spec}': expected <service>.<QuotaName>=<number>`);
    quotas[m[1]] = Number(m[2]);
  }
  return quotas;
}

/** A misspelt `--quota` name would be ignored in silence: refuse it, listing the names there are. */
export function checkQuotaNames(quotas: Record<string, number>, services: ReadonlyArray<{ name: string; quotas?: Record<string, number> }>) {
  const known = services.flatMap((s) => Object.keys(s.quotas ?? {}).map((q) => `${s.name}.${q}`));
  const unknown = Object.keys(quotas).filter((q) => !known.includes(q));
  if (unknown.length) throw new Error(`unknown quota ${unknown.map((q) => `'${q}'`).join(", ")}: the quotas are ${known.join(", ")}`);
}
