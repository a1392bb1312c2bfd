/**
 * The `nubis` command as a new user meets it (issue 11): safe defaults, one-line messages for
 * mistakes, log lines that say what happened, and options that behave as the README says.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { CreateOpenIDConnectProviderCommand, CreateRoleCommand, IAMClient, GetGroupCommand } from "@aws-sdk/client-iam";
import { AssumeRoleWithWebIdentityCommand } from "@aws-sdk/client-sts";
import { generateKeyPairSync, sign } from "node:crypto";
import { createServer as createHttpServer } from "node:http";
import { clientConfig, failure } from "../harness.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const CLI = ["--import", "tsx", "src/cli.ts"];

/** Runs the command to its end (for refusals at start-up). */
const refuse = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, [...CLI, ...args], { cwd: ROOT, encoding: "utf8", env: { ...process.env, ...env }, timeout: 60_000 });

/** Starts the command; resolves once it listens, with its endpoint and everything it printed. */
async function start(args: string[], env: Record<string, string> = {}): Promise<{ child: ChildProcess; endpoint: string; out: () => string }> {
  const child = spawn(process.execPath, [...CLI, "--port", "0", ...args], { cwd: ROOT, env: { ...process.env, ...env } });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const endpoint = await new Promise<string>((resolve, reject) => {
    child.stdout!.on("data", () => {
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.on("exit", (code) => reject(new Error(`nubis exited with ${code}: ${out}`)));
  });
  return { child, endpoint, out: () => out };
}

const oneLine = (text: string) => text.trim().split("\n").length === 1;

describe("start-up refusals are one line that says what to do", () => {
  it("refuses a misspelt quota name, listing the real ones", () => {
    const r = refuse(["--quota", "iam.groupsperaccount=5"]);
    assert.notEqual(r.status, 0);
    assert.ok(oneLine(r.stderr), r.stderr);
    assert.match(r.stderr, /unknown quota 'iam.groupsperaccount'.*iam\.GroupsPerAccount/);
  });

  for (const args of [["--cloudfront-deploy-delay", "-5"], ["--cloudfront-deploy-delay=-5"]]) {
    it(`refuses ${args.join(" ")}`, () => {
      const r = refuse(args);
      assert.equal(r.status, 2);
      assert.ok(oneLine(r.stderr), r.stderr);
      assert.match(r.stderr, /cloudfront-deploy-delay|CloudFront deploy delay/);
    });
  }

  for (const spec of ["https://issuer.example", "token.example=https://x/jwks", "https://issuer.example=ftp://x/jwks"]) {
    it(`refuses --oidc-jwks ${spec}`, () => {
      const r = refuse(["--oidc-jwks", spec]);
      assert.equal(r.status, 2);
      assert.ok(oneLine(r.stderr), r.stderr);
      assert.match(r.stderr, /invalid --oidc-jwks .*ISSUER=URL/);
    });
  }

  it("says what to do when the port is in use", async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", () => resolve()));
    const port = (holder.address() as { port: number }).port;
    try {
      const r = refuse(["--port", String(port)]);
      assert.equal(r.status, 1);
      assert.ok(oneLine(r.stderr), r.stderr);
      assert.match(r.stderr, new RegExp(`port ${port} on 127.0.0.1 is already in use.*--port`));
    } finally {
      holder.close();
    }
  });
});

describe("running", () => {
  it("binds 127.0.0.1 by default and logs time, service, operation, status, code, caller and ms", async () => {
    const { child, endpoint, out } = await start([]);
    try {
      assert.match(endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
      const error = await failure(new IAMClient(clientConfig(endpoint)).send(new GetGroupCommand({ GroupName: "nobody" })));
      assert.match(error.name, /^NoSuchEntity(Exception)?$/);
      await new Promise((r) => setTimeout(r, 200));
      assert.match(out(), /^\d{4}-\d\d-\d\dT[\d:.]+Z iam GetGroup 404 NoSuchEntity arn:aws:iam::000000000000:root [\d.]+ms$/m);
    } finally {
      child.kill();
    }
  });

  it("NUBIS_LOG=false silences the per-request lines", async () => {
    const { child, endpoint, out } = await start([], { NUBIS_LOG: "false" });
    try {
      await new STSClient(clientConfig(endpoint)).send(new GetCallerIdentityCommand({}));
      await new Promise((r) => setTimeout(r, 200));
      assert.doesNotMatch(out(), /GetCallerIdentity/);
    } finally {
      child.kill();
    }
  });

  it("--root-credentials on the command line wins over NUBIS_ROOT_CREDENTIALS, and a configured key acts in its account", async () => {
    const { child, endpoint } = await start(["--quiet", "--root-credentials", "222222222222:FLAGKEY:flag-secret"], { NUBIS_ROOT_CREDENTIALS: "111111111111:ENVKEY:env-secret" });
    try {
      const whoAmI = (accessKeyId: string, secretAccessKey: string) =>
        new STSClient(clientConfig(endpoint, "us-east-1", { accessKeyId, secretAccessKey })).send(new GetCallerIdentityCommand({}));
      assert.equal((await whoAmI("FLAGKEY", "flag-secret")).Account, "222222222222");
      // The environment's pair is not configured: an unknown key is the default account's root.
      assert.equal((await whoAmI("ENVKEY", "env-secret")).Account, "000000000000");
    } finally {
      child.kill();
    }
  });

  it("--oidc-jwks ISSUER=URL: web identity tokens of that issuer are checked against its keys", async () => {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const jwks = createHttpServer((_req, res) => res.end(JSON.stringify({ keys: [{ ...publicKey.export({ format: "jwk" }), kid: "k1", alg: "RS256" }] })));
    await new Promise<void>((resolve) => jwks.listen(0, "127.0.0.1", () => resolve()));
    const issuer = "https://token.cli.test";
    const { child, endpoint } = await start(["--quiet", "--oidc-jwks", `${issuer}=http://127.0.0.1:${(jwks.address() as { port: number }).port}/jwks`]);
    try {
      const root = { accessKeyId: "test", secretAccessKey: "test" };
      const iam = new IAMClient(clientConfig(endpoint, "us-east-1", root));
      const { OpenIDConnectProviderArn } = await iam.send(new CreateOpenIDConnectProviderCommand({ Url: issuer, ClientIDList: ["sts.amazonaws.com"] }));
      const trust = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Federated: OpenIDConnectProviderArn }, Action: "sts:AssumeRoleWithWebIdentity" }] };
      const { Role } = await iam.send(new CreateRoleCommand({ RoleName: "ci", AssumeRolePolicyDocument: JSON.stringify(trust) }));
      const b64 = (v: object) => Buffer.from(JSON.stringify(v)).toString("base64url");
      const token = (key = privateKey) => {
        const now = Math.floor(Date.now() / 1000);
        const signed = `${b64({ alg: "RS256", typ: "JWT", kid: "k1" })}.${b64({ iss: issuer, aud: "sts.amazonaws.com", sub: "ci", iat: now, exp: now + 600 })}`;
        return `${signed}.${sign("sha256", Buffer.from(signed), key).toString("base64url")}`;
      };
      const sts = new STSClient(clientConfig(endpoint, "us-east-1", root));
      const assume = (WebIdentityToken: string) => sts.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: Role!.Arn, RoleSessionName: "ci", WebIdentityToken }));
      assert.match((await assume(token())).AssumedRoleUser!.Arn!, /assumed-role\/ci\/ci$/);
      const e = await failure(assume(token(generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey)));
      assert.equal(e.name, "InvalidIdentityTokenException");
    } finally {
      child.kill();
      jwks.close();
    }
  });
});
