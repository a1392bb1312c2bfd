/**
 * The deployment lifecycle is derived from stored times, not from timers: a status survives a
 * restart of the SQLite store, and the delay comes from `--cloudfront-deploy-delay` or
 * NUBIS_CLOUDFRONT_DEPLOY_DELAY_MS.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { CreateConnectionGroupCommand, GetConnectionGroupCommand, UpdateConnectionGroupCommand } from "@aws-sdk/client-cloudfront";
import { startServer } from "../../src/index.js";
import { cloudFront, until } from "./fixtures.js";

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), "nubis-cf-deploy-"));
  dirs.push(d);
  return d;
};
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const status = async (endpoint: string, id: string) => {
  const got = await cloudFront(endpoint).send(new GetConnectionGroupCommand({ Identifier: id }));
  return { status: got.ConnectionGroup!.Status, etag: got.ETag };
};

describe("deployment status across a restart (SQLite)", () => {
  it("a change made before the restart becomes Deployed after it, with no timer and the same ETag", async () => {
    const dataDir = tempDir();
    let s = await startServer({ port: 0, dataDir, cloudfrontDeployDelayMs: 300 });
    const created = await cloudFront(s.endpoint).send(new CreateConnectionGroupCommand({ Name: "survivor" }));
    const id = created.ConnectionGroup!.Id!;
    await s.close();
    s = await startServer({ port: 0, dataDir, cloudfrontDeployDelayMs: 300 });
    const done = await until(() => status(s.endpoint, id), (r) => r.status === "Deployed");
    assert.equal(done.etag, created.ETag);
    await s.close();
  });

  it("a deployment keeps the delay it started with; the next change uses the new one", async () => {
    const dataDir = tempDir();
    let s = await startServer({ port: 0, dataDir, cloudfrontDeployDelayMs: 3_600_000 });
    const created = await cloudFront(s.endpoint).send(new CreateConnectionGroupCommand({ Name: "slow" }));
    const id = created.ConnectionGroup!.Id!;
    await s.close();
    s = await startServer({ port: 0, dataDir, cloudfrontDeployDelayMs: 0 });
    assert.equal((await status(s.endpoint, id)).status, "InProgress");
    const updated = await cloudFront(s.endpoint).send(new UpdateConnectionGroupCommand({ Id: id, IfMatch: created.ETag, Enabled: false }));
    assert.equal(updated.ConnectionGroup!.Status, "InProgress");
    assert.deepEqual(await status(s.endpoint, id), { status: "Deployed", etag: updated.ETag });
    await s.close();
  });
});

const CLI = fileURLToPath(new URL("../../src/cli.ts", import.meta.url));

/** Runs the real CLI; resolves with its endpoint once listening, or with its exit code and output. */
function spawnNubis(args: string[], env: Record<string, string> = {}): Promise<{ child?: ChildProcess; endpoint?: string; code?: number; output: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", CLI, "--port", "0", "--quiet", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...env },
  });
  return new Promise((resolve) => {
    let out = "";
    child.stdout!.on("data", (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve({ child, endpoint: m[1], output: out });
    });
    child.stderr!.on("data", (d) => (out += d));
    child.on("exit", (code) => resolve({ code: code ?? -1, output: out }));
  });
}

describe("--cloudfront-deploy-delay / NUBIS_CLOUDFRONT_DEPLOY_DELAY_MS", () => {
  for (const [how, args, env] of [
    ["the flag", ["--cloudfront-deploy-delay", "0"], {}],
    ["the environment variable", [], { NUBIS_CLOUDFRONT_DEPLOY_DELAY_MS: "0" }],
  ] as const) {
    it(`sets the delay through ${how}: 0 reads Deployed right after the create`, async () => {
      const run = await spawnNubis([...args], env);
      assert.ok(run.endpoint, run.output);
      try {
        const created = await cloudFront(run.endpoint).send(new CreateConnectionGroupCommand({ Name: "instant" }));
        assert.equal(created.ConnectionGroup!.Status, "InProgress");
        assert.equal((await status(run.endpoint, created.ConnectionGroup!.Id!)).status, "Deployed");
      } finally {
        run.child!.kill();
      }
    });
  }

  it("refuses a negative or non-numeric delay", async () => {
    for (const value of ["-1", "soon", "1.5"]) {
      const run = await spawnNubis([`--cloudfront-deploy-delay=${value}`]);
      if (run.child) run.child.kill();
      assert.equal(run.code, 2, run.output);
      assert.match(run.output, /invalid CloudFront deploy delay/);
    }
  });
});
