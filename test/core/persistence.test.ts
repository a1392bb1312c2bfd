import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { AddUserToGroupCommand, CreateGroupCommand, CreateUserCommand, GetGroupCommand, IAMClient, UpdateGroupCommand } from "@aws-sdk/client-iam";
import { GetKeyGroupCommand, UpdateKeyGroupCommand } from "@aws-sdk/client-cloudfront";
import { CreateKeyCommand, KMSClient } from "@aws-sdk/client-kms";
import { DescribeKeyRegistrationCommand, QuickSightClient, UpdateKeyRegistrationCommand } from "@aws-sdk/client-quicksight";
import { startServer } from "../../src/index.js";
import { SQLITE_APPLICATION_ID } from "../../src/core/store/sqlite.js";
import { cloudFront, createGroup, createKey } from "../cloudfront/fixtures.js";
import { clientConfig } from "../harness.js";

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), "nubis-persist-"));
  dirs.push(d);
  return d;
};
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const iam = (endpoint: string) => new IAMClient(clientConfig(endpoint));
const sha = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");
const CLI = fileURLToPath(new URL("../../src/cli.ts", import.meta.url));

/** Starts the real CLI in a child process; resolves once it printed its endpoint. */
function spawnNubis(args: string[]): Promise<{ child: ChildProcess; endpoint: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", CLI, "--port", "0", "--quiet", ...args], { stdio: ["ignore", "pipe", "pipe"] });
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

describe("SQLite store (--data-dir)", () => {
  it("keeps ids, dates and members across a restart", async () => {
    const dataDir = tempDir();
    let s = await startServer({ port: 0, dataDir });
    const created = (await iam(s.endpoint).send(new CreateGroupCommand({ GroupName: "keep" }))).Group!;
    await iam(s.endpoint).send(new CreateUserCommand({ UserName: "u1" }));
    await iam(s.endpoint).send(new AddUserToGroupCommand({ GroupName: "keep", UserName: "u1" }));
    await s.close();
    s = await startServer({ port: 0, dataDir });
    const got = await iam(s.endpoint).send(new GetGroupCommand({ GroupName: "keep" }));
    assert.deepEqual(got.Group, created);
    assert.deepEqual(got.Users!.map((u) => u.UserName), ["u1"]);
    assert.equal(s.store.kind, "sqlite");
    await s.close();
  });

  it("refuses a second nubis on the same data dir, with a clear message", async () => {
    const dataDir = tempDir();
    const s = await startServer({ port: 0, dataDir });
    await assert.rejects(startServer({ port: 0, dataDir }), /data dir .* is in use by another nubis \(pid \d+/);
    await s.close();
    // The lock is released on close.
    await (await startServer({ port: 0, dataDir })).close();
  });

  it("refuses a data dir written by a newer format and leaves it untouched", async () => {
    const dataDir = tempDir();
    const file = join(dataDir, "nubis.db");
    const db = new Database(file);
    db.pragma(`application_id = ${SQLITE_APPLICATION_ID}`);
    db.pragma("user_version = 99");
    db.close();
    const before = sha(file);
    await assert.rejects(startServer({ port: 0, dataDir }), new RegExp(`${file.replace(/[.]/g, "\\.")} was written by a newer nubis \\(format 99`));
    assert.equal(sha(file), before);
  });

  it("migrates an older (format 0) file", async () => {
    const dataDir = tempDir();
    new Database(join(dataDir, "nubis.db")).close();
    const s = await startServer({ port: 0, dataDir });
    await iam(s.endpoint).send(new CreateGroupCommand({ GroupName: "after-migration" }));
    await s.close();
    const db = new Database(join(dataDir, "nubis.db"));
    assert.equal(db.pragma("user_version", { simple: true }), 1);
    assert.equal(db.pragma("application_id", { simple: true }), SQLITE_APPLICATION_ID);
    db.close();
  });

  it("names a corrupt database file and overwrites nothing", async () => {
    const dataDir = tempDir();
    const file = join(dataDir, "nubis.db");
    writeFileSync(file, "this is not a database".repeat(100));
    const before = sha(file);
    await assert.rejects(startServer({ port: 0, dataDir }), (e: Error) => e.message.includes(file) && /not a database/.test(e.message));
    assert.equal(sha(file), before);
  });

  it("acknowledged means durable: kill -9 under a concurrent write load loses no acknowledged write and shows no half-applied one", async () => {
    const dataDir = tempDir();
    let { child, endpoint } = await spawnNubis(["--data-dir", dataDir, "--quota", "iam.GroupsPerAccount=100000", "--quota", "iam.GroupsPerUser=100000"]);
    const client = iam(endpoint);
    const users = ["m1", "m2", "m3"];
    for (const u of users) await client.send(new CreateUserCommand({ UserName: u }));

    const acknowledged = { created: new Set<number>(), members: new Map<number, number>(), renamed: new Set<number>() };
    let next = 0;
    let killed = false;
    const untilKilled = async (step: () => Promise<void>) => {
      while (!killed) {
        try {
          await step();
        } catch (error) {
          if (!killed) throw error; // an AWS error answer: the load itself is wrong
          return; // the server is gone
        }
      }
    };
    // IAM: create a group, add members, rename it.
    const iamWorker = () =>
      untilKilled(async () => {
        const i = next++;
        await client.send(new CreateGroupCommand({ GroupName: `g${i}` }));
        acknowledged.created.add(i);
        for (const u of users) {
          await client.send(new AddUserToGroupCommand({ GroupName: `g${i}`, UserName: u }));
          acknowledged.members.set(i, (acknowledged.members.get(i) ?? 0) + 1);
        }
        await client.send(new UpdateGroupCommand({ GroupName: `g${i}`, NewGroupName: `r${i}` }));
        acknowledged.renamed.add(i);
      });
    // CloudFront: a chain of UpdateKeyGroup calls, each with the ETag the previous one returned.
    const cf = cloudFront(endpoint);
    const key = await createKey(cf);
    const group = await createGroup(cf, [key.id], "durable");
    const etags = new Map<string, string>([[group.etag, ""]]);
    let lastComment = -1;
    let etag = group.etag;
    const keyGroupWorker = () =>
      untilKilled(async () => {
        const comment = lastComment + 1;
        const out = await cf.send(
          new UpdateKeyGroupCommand({ Id: group.id, IfMatch: etag, KeyGroupConfig: { Name: "durable", Items: [key.id], Comment: String(comment) } }),
        );
        etag = out.ETag!;
        etags.set(etag, String(comment));
        lastComment = comment;
      });
    // QuickSight: replace the registered set, alternating between two keys.
    const kms = new KMSClient(clientConfig(endpoint));
    const kmsKeys = [
      (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.Arn!,
      (await kms.send(new CreateKeyCommand({}))).KeyMetadata!.Arn!,
    ];
    const qs = new QuickSightClient(clientConfig(endpoint));
    let registered: string | undefined;
    let round = 0;
    const registrationWorker = () =>
      untilKilled(async () => {
        const arn = kmsKeys[round++ % 2];
        await qs.send(new UpdateKeyRegistrationCommand({ AwsAccountId: "000000000000", KeyRegistration: [{ KeyArn: arn, DefaultKey: true }] }));
        registered = arn;
      });
    const workers = [...Array.from({ length: 14 }, iamWorker), keyGroupWorker(), registrationWorker()];
    // Kill in the middle of the load, once enough has been acknowledged to make the check meaningful.
    const started = Date.now();
    while ((acknowledged.renamed.size < 50 || lastComment < 20) && Date.now() - started < 20_000) await new Promise((r) => setTimeout(r, 50));
    child.kill("SIGKILL");
    killed = true;
    await Promise.all(workers);
    assert.ok(acknowledged.renamed.size > 10 && lastComment > 5 && registered, `the load ran (${acknowledged.renamed.size} renames, ${lastComment + 1} key group updates acknowledged)`);

    ({ child, endpoint } = await spawnNubis(["--data-dir", dataDir]));
    try {
      const after = iam(endpoint);
      for (const i of acknowledged.created) {
        const name = acknowledged.renamed.has(i) ? `r${i}` : undefined;
        let group;
        if (name) group = await after.send(new GetGroupCommand({ GroupName: name }));
        else {
          // The rename may have landed without its answer reaching us: either name, never both.
          const old = await after.send(new GetGroupCommand({ GroupName: `g${i}` })).catch(() => undefined);
          const renamed = await after.send(new GetGroupCommand({ GroupName: `r${i}` })).catch(() => undefined);
          assert.ok(!!old !== !!renamed, `group ${i} exists under exactly one name`);
          group = old ?? renamed;
        }
        const members = group!.Users!.length;
        assert.ok(members >= (acknowledged.members.get(i) ?? 0), `group ${i} lost an acknowledged member`);
        if (acknowledged.renamed.has(i)) assert.equal(members, users.length, `renamed group ${i} has all its members`);
      }
      // The key group is at the last acknowledged update or one past it (in flight), and its ETag is the one issued with that content.
      const kg = await cloudFront(endpoint).send(new GetKeyGroupCommand({ Id: group.id }));
      const comment = Number(kg.KeyGroup!.KeyGroupConfig!.Comment);
      assert.ok(comment === lastComment || comment === lastComment + 1, `key group at update ${comment}, last acknowledged ${lastComment}`);
      if (etags.has(kg.ETag!)) assert.equal(etags.get(kg.ETag!), String(comment), "ETag matches content");
      else assert.equal(comment, lastComment + 1, "an unknown ETag can only be the in-flight update's");
      // The registration is the last acknowledged set or the one in flight.
      const reg = await new QuickSightClient(clientConfig(endpoint)).send(new DescribeKeyRegistrationCommand({ AwsAccountId: "000000000000" }));
      assert.equal(reg.KeyRegistration!.length, 1);
      assert.ok(kmsKeys.includes(reg.KeyRegistration![0].KeyArn!), "one whole registration, never a mix");
    } finally {
      child.kill("SIGKILL");
      client.destroy();
    }
  });
});

describe("state snapshots", () => {
  it("export, reset, import gives back identical answers", async () => {
    const s = await startServer({ port: 0 });
    const c = iam(s.endpoint);
    await c.send(new CreateGroupCommand({ GroupName: "snap", Path: "/a/" }));
    await c.send(new CreateUserCommand({ UserName: "snap-user" }));
    await c.send(new AddUserToGroupCommand({ GroupName: "snap", UserName: "snap-user" }));
    const before = await c.send(new GetGroupCommand({ GroupName: "snap" }));
    const state = await (await fetch(`${s.endpoint}/_nubis/state`)).text();
    assert.equal(JSON.parse(state).format, "nubis-state");

    await fetch(`${s.endpoint}/_nubis/reset`, { method: "POST" });
    await assert.rejects(c.send(new GetGroupCommand({ GroupName: "snap" })), { name: "NoSuchEntityException" });

    const loaded = await fetch(`${s.endpoint}/_nubis/state`, { method: "POST", body: state });
    assert.equal(loaded.status, 200);
    const after = await c.send(new GetGroupCommand({ GroupName: "snap" }));
    assert.deepEqual({ ...after, $metadata: undefined }, { ...before, $metadata: undefined });
    assert.equal(await (await fetch(`${s.endpoint}/_nubis/state`)).text().then((t) => JSON.parse(t).tables).then(JSON.stringify), JSON.stringify(JSON.parse(state).tables));
    await s.close();
  });

  it("refuses a malformed snapshot and changes nothing", async () => {
    const s = await startServer({ port: 0 });
    await iam(s.endpoint).send(new CreateGroupCommand({ GroupName: "stays" }));
    for (const bad of ["{not json", JSON.stringify({ format: "other" }), JSON.stringify({ format: "nubis-state", version: 99, tables: {} })]) {
      const res = await fetch(`${s.endpoint}/_nubis/state`, { method: "POST", body: bad });
      assert.equal(res.status, 400);
      assert.match((await res.json()).error, /state document refused, nothing changed/);
    }
    await iam(s.endpoint).send(new GetGroupCommand({ GroupName: "stays" }));
    await s.close();
  });

  it("--init-state starts from a snapshot file, and a bad file is named", async () => {
    const dir = tempDir();
    const source = await startServer({ port: 0 });
    await iam(source.endpoint).send(new CreateGroupCommand({ GroupName: "seeded" }));
    const file = join(dir, "state.json");
    writeFileSync(file, await (await fetch(`${source.endpoint}/_nubis/state`)).text());
    await source.close();

    const s = await startServer({ port: 0, initState: file });
    await iam(s.endpoint).send(new GetGroupCommand({ GroupName: "seeded" }));
    await s.close();

    const bad = join(dir, "bad.json");
    writeFileSync(bad, "[]");
    await assert.rejects(startServer({ port: 0, initState: bad }), new RegExp(`state file ${bad.replace(/[.]/g, "\\.")} refused`));
  });
});
