/**
 * Test harness: a real nubis server in this process, and the clients users drive it with.
 * Every test file starts its own server (`port: 0`), so files never share state.
 */
import { type ChildProcess, execFile, spawn, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { after, before } from "node:test";
import { startServer, type RunningServer } from "../src/index.js";
import type { NubisConfig } from "../src/core/config.js";

process.env.AWS_SDK_JS_SUPPRESS_NODE_VERSION_WARNING ??= "1";
// The same notice, as newer SDK packages (nested-clients, credential-providers) spell the switch.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

export const credentials = { accessKeyId: "test", secretAccessKey: "test" };

/**
 * The store the suite runs on: `NUBIS_TEST_STORE=sqlite npm test` runs it all on SQLite,
 * `NUBIS_TEST_STORE=postgres` on a private PostgreSQL cluster (see postgresCluster).
 */
export const testStore = (["sqlite", "postgres"] as const).find((s) => s === process.env.NUBIS_TEST_STORE) ?? "memory";

/**
 * Starts one server for the calling test file; `server()` returns it inside tests. Under
 * NUBIS_TEST_STORE=sqlite each server gets a fresh data dir, removed afterwards; under
 * NUBIS_TEST_STORE=postgres its own schema in this process's cluster.
 */
export function useServer(options: Partial<NubisConfig> = {}): () => RunningServer {
  let running: RunningServer | undefined;
  let dataDir: string | undefined;
  before(async () => {
    const own = !options.dataDir && !options.databaseUrl;
    if (testStore === "sqlite" && own) dataDir = mkdtempSync(join(tmpdir(), "nubis-test-"));
    const databaseUrl = testStore === "postgres" && own ? (await postgresCluster()).url() : undefined;
    running = await startServer({ port: 0, ...(dataDir ? { dataDir } : {}), ...(databaseUrl ? { databaseUrl } : {}), ...options });
  });
  after(async () => {
    await running?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });
  return () => {
    if (!running) throw new Error("server not started");
    return running;
  };
}

/** SDK client options pointing at the server. */
export const clientConfig = (endpoint: string, region = "us-east-1", creds = credentials) => ({
  endpoint,
  region,
  credentials: creds,
  maxAttempts: 1,
});

/** Resolves to the error a promise rejects with (fails when it resolves). */
export async function failure(promise: Promise<unknown>): Promise<Error & { name: string; $metadata: { httpStatusCode?: number; requestId?: string } }> {
  try {
    await promise;
  } catch (error) {
    return error as never;
  }
  throw new Error("expected the call to fail, it succeeded");
}

const has = (cmd: string, args: string[]) => spawnSync(cmd, args, { stdio: "ignore" }).status === 0;

/** Why the AWS CLI tests skip, or false when the CLI is there. */
export const awsCliMissing: string | false = has("aws", ["--version"]) ? false : "the AWS CLI (aws) is not installed on this machine";
export const boto3Missing: string | false = has("python3", ["-c", "import boto3"]) ? false : "python3 with boto3 is not installed on this machine";

const cliEnv = (endpoint: string) => ({
  ...process.env,
  AWS_ACCESS_KEY_ID: "test",
  AWS_SECRET_ACCESS_KEY: "test",
  AWS_DEFAULT_REGION: "us-east-1",
  AWS_ENDPOINT_URL: endpoint,
  AWS_CONFIG_FILE: "/dev/null",
  AWS_SHARED_CREDENTIALS_FILE: "/dev/null",
  AWS_PAGER: "",
});

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  json(): any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** Runs `aws --endpoint-url <endpoint> ...args --output json`. */
export function aws(endpoint: string, ...args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile("aws", ["--endpoint-url", endpoint, "--output", "json", ...args], { env: cliEnv(endpoint) }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr, json: () => JSON.parse(stdout) });
    });
  });
}

/** Runs a python3 script with boto3; `ENDPOINT` is set in its environment. Resolves to its stdout parsed as JSON. */
export function boto3(endpoint: string, script: string): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  return new Promise((resolve, reject) => {
    const child = execFile("python3", ["-"], { env: { ...cliEnv(endpoint), ENDPOINT: endpoint } }, (error, stdout, stderr) => {
      if (error) reject(new Error(`python3 failed: ${stderr || error.message}`));
      else resolve(JSON.parse(stdout));
    });
    child.stdin!.end(script);
  });
}

/** The newest Debian PostgreSQL binaries (/usr/lib/postgresql/N/bin), or undefined. */
export function postgresBin(): string | undefined {
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root) ? readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)) : [];
  const found = versions.map((v) => join(root, v, "bin")).find((d) => existsSync(join(d, "initdb")) && existsSync(join(d, "pg_ctl")));
  return found;
}

/** Why PostgreSQL tests skip (`.ci/run` installs the package, so CI never skips), or false. */
export const postgresMissing: string | false = postgresBin()
  ? false
  : "PostgreSQL binaries are not installed (/usr/lib/postgresql/*/bin; apt-get install postgresql)";

export interface PostgresCluster {
  port: number;
  /** A fresh schema of the cluster's `postgres` database (or the given one), as a --database-url. */
  url(schema?: string): string;
  /** pg_ctl stop (fast) / start on the same port and data: a database restart, without blocking this process. */
  stop(): Promise<void>;
  start(): Promise<void>;
}

let cluster: Promise<PostgresCluster> | undefined;
let schemas = 0;

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });

/**
 * ONE private cluster per test process: initdb into a temporary folder, pg_ctl start on a free
 * port, stopped and removed when the process exits. initdb refuses root, so as root the
 * cluster runs as the `postgres` user (created by Debian's package) or `nobody`.
 */
export function postgresCluster(): Promise<PostgresCluster> {
  return (cluster ??= startCluster());
}

async function startCluster(): Promise<PostgresCluster> {
  const bin = postgresBin();
  if (!bin) throw new Error(postgresMissing as string);
  const dir = mkdtempSync(join(tmpdir(), "nubis-pg-"));
  let as: string[] = [];
  if (process.getuid?.() === 0) {
    const user = ["postgres", "nobody"].find((u) => spawnSync("id", ["-u", u], { stdio: "ignore" }).status === 0);
    if (!user) throw new Error("running as root, and neither a postgres nor a nobody user exists to run PostgreSQL as");
    const uid = Number(spawnSync("id", ["-u", user], { encoding: "utf8" }).stdout);
    const gid = Number(spawnSync("id", ["-g", user], { encoding: "utf8" }).stdout);
    chownSync(dir, uid, gid);
    as = ["runuser", "-u", user, "--"];
  }
  const spawnAs = (cmd: string, args: string[]) => {
    const [exe, ...pre] = [...as, join(bin, cmd)];
    return spawnSync(exe, [...pre, ...args], { encoding: "utf8" });
  };
  const run = (cmd: string, args: string[]) => {
    const r = spawnAs(cmd, args);
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed: ${r.stderr || r.stdout}`);
  };
  const runAsync = (cmd: string, args: string[]) =>
    new Promise<void>((resolve, reject) => {
      const [exe, ...pre] = [...as, join(bin, cmd)];
      execFile(exe, [...pre, ...args], (error, stdout, stderr) =>
        error ? reject(new Error(`${cmd} ${args.join(" ")} failed: ${stderr || stdout}`)) : resolve(),
      );
    });
  const data = join(dir, "data");
  run("initdb", ["-D", data, "-U", "nubis", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"]);
  const port = await freePort();
  // fsync off: a test cluster need not survive an OS crash; commits stay synchronous, so a
  // PostgreSQL restart (stop fast or immediate) keeps every acknowledged write.
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=300`;
  const startArgs = ["-D", data, "-l", join(dir, "log"), "-w", "-o", options, "start"];
  run("pg_ctl", startArgs);
  process.once("exit", () => {
    spawnAs("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
    rmSync(dir, { recursive: true, force: true });
  });
  // And when this process dies without its exit handlers (a killed test run): a watchdog.
  const stopCmd = [...as, join(bin, "pg_ctl"), "-D", data, "-m", "immediate", "-w", "stop"].map((a) => `'${a}'`).join(" ");
  spawn("sh", ["-c", `while kill -0 ${process.pid} 2>/dev/null; do sleep 2; done; ${stopCmd} >/dev/null 2>&1; rm -rf '${dir}'`], {
    detached: true,
    stdio: "ignore",
  }).unref();
  return {
    port,
    url: (schema = `t${process.pid}_${++schemas}`) => `postgres://nubis@127.0.0.1:${port}/postgres?schema=${schema}`,
    stop: () => runAsync("pg_ctl", ["-D", data, "-m", "fast", "-w", "stop"]),
    start: () => runAsync("pg_ctl", startArgs),
  };
}

const CLI = fileURLToPath(new URL("../src/cli.ts", import.meta.url));

/** Starts the real CLI in a child process (`--port 0 --quiet`); resolves once it printed its endpoint. */
export function spawnNubis(args: string[], env: Record<string, string> = {}): Promise<{ child: ChildProcess; endpoint: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", CLI, "--port", "0", "--quiet", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...env },
  });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve({ child, endpoint: m[1] });
    });
    child.stderr!.on("data", (d) => (out += d));
    child.on("exit", (code) => reject(new Error(`nubis exited (${code}): ${out}`)));
  });
}
