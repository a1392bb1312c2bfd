/**
 * Test harness: a real nubis server in this process, and the clients users drive it with.
 * Every test file starts its own server (`port: 0`), so files never share state.
 */
import { execFile, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before } from "node:test";
import { startServer, type RunningServer } from "../src/index.js";
import type { NubisConfig } from "../src/core/config.js";

process.env.AWS_SDK_JS_SUPPRESS_NODE_VERSION_WARNING ??= "1";

export const credentials = { accessKeyId: "test", secretAccessKey: "test" };

/** The store the suite runs on: `NUBIS_TEST_STORE=sqlite npm test` runs it all on SQLite. */
export const testStore = process.env.NUBIS_TEST_STORE === "sqlite" ? "sqlite" : "memory";

/**
 * Starts one server for the calling test file; `server()` returns it inside tests. Under
 * NUBIS_TEST_STORE=sqlite each server gets a fresh data dir, removed afterwards.
 */
export function useServer(options: Partial<NubisConfig> = {}): () => RunningServer {
  let running: RunningServer | undefined;
  let dataDir: string | undefined;
  before(async () => {
    if (testStore === "sqlite" && !options.dataDir) dataDir = mkdtempSync(join(tmpdir(), "nubis-test-"));
    running = await startServer({ port: 0, ...(dataDir ? { dataDir } : {}), ...options });
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
