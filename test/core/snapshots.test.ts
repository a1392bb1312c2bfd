/**
 * Snapshots are checked whole before anything changes (POST /_nubis/state and --init-state);
 * --init-state never overwrites a store that holds state unless forced; nubis's SQLite files
 * are marked, and anything else is refused untouched.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { CreateGroupCommand, CreateUserCommand, GetGroupCommand, IAMClient, ListGroupsCommand, ListUsersCommand } from "@aws-sdk/client-iam";
import { parseSnapshot } from "../../src/core/store/snapshot.js";
import { SQLITE_APPLICATION_ID } from "../../src/core/store/sqlite.js";
import { startServer } from "../../src/index.js";
import { clientConfig, spawnNubis, useServer } from "../harness.js";

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), "nubis-snap-"));
  dirs.push(d);
  return d;
};
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const iam = (endpoint: string) => new IAMClient(clientConfig(endpoint));
const sha = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");
const CLI = fileURLToPath(new URL("../../src/cli.ts", import.meta.url));
const doc = (tables: Record<string, unknown>) => JSON.stringify({ format: "nubis-state", version: 1, exportedAt: "2026-01-01T00:00:00.000Z", tables });

/** Bad snapshots and the reason each must be refused with. */
const bad: Array<[string, Record<string, unknown>, RegExp]> = [
  ["a null row value (then ListUsers would fail)", { "iam.users": [["000000000000/x", null]] }, /table "iam\.users", row 1 \(key "000000000000\/x"\): the value is null/],
  ["a table of a service nubis does not serve", { "s3.buckets": [["000000000000/b", {}]] }, /table "s3\.buckets": unknown service "s3"/],
  ["an invalid table name", { "iam users": [] }, /invalid table name "iam users"/],
  ["a row that is not a pair", { "iam.users": [["000000000000/a", { UserName: "a", UserId: "AIDAAAAAAAAAAAAAAAAAA", Path: "/", CreateDate: "2026-01-01T00:00:00Z" }], ["000000000000/b"]] }, /table "iam\.users", row 2: not a \[key, value\] pair/],
  ["a key that is not a string", { "iam.users": [[7, {}]] }, /table "iam\.users", row 1: not a \[key, value\] pair/],
  ["an empty key", { "iam.users": [["", {}]] }, /row 1 \(key ""\): a key must be a non-empty string/],
  ["a key with NUL", { "iam.users": [["000000000000/a\u0000b", {}]] }, /row 1 \(key "000000000000\/a\\u0000b"\): a key must be a non-empty string without NUL/],
  ["a key twice", { "iam.groups": [["000000000000/g", { GroupName: "g", GroupId: "AGPAAAAAAAAAAAAAAAAAA", Path: "/", CreateDate: "2026-01-01T00:00:00Z" }], ["000000000000/g", {}]] }, /table "iam\.groups", row 2 \(key "000000000000\/g"\): the key appears twice/],
  ["rows that are not a list", { "iam.groups": {} }, /table "iam\.groups" must be a list of \[key, value\] rows/],
];

describe("POST /_nubis/state checks the whole document before anything changes", () => {
  const server = useServer();
  for (const [what, tables, reason] of bad) {
    it(`refuses ${what}, naming table, row and reason`, async () => {
      const { endpoint } = server();
      await iam(endpoint).send(new CreateGroupCommand({ GroupName: `stays-${bad.findIndex((b) => b[0] === what)}` }));
      const before = await (await fetch(`${endpoint}/_nubis/state`)).json();
      // A valid table first: the refusal must not have applied it.
      const res = await fetch(`${endpoint}/_nubis/state`, { method: "POST", body: doc({ "iam.groups": [], ...tables }) });
      assert.equal(res.status, 400);
      const { error } = await res.json();
      assert.match(error, /^state document refused, nothing changed: /);
      assert.match(error, reason);
      assert.deepEqual((await (await fetch(`${endpoint}/_nubis/state`)).json()).tables, before.tables);
      await iam(endpoint).send(new ListUsersCommand({}));
    });
  }
});

describe("a service's own checks of its rows", () => {
  const services = [{ name: "iam", tables: { users: (key: string, value: unknown) => (/^\d{12}\//.test(key) ? (typeof value === "object" ? undefined : "not a user record") : "the key does not start with an account id") } }];
  it("refuses a table the service does not keep, a wrong key format and a row of the wrong shape", () => {
    assert.throws(() => parseSnapshot(doc({ "iam.nonsense": [] }), services), /table "iam\.nonsense": iam keeps no such table/);
    assert.throws(() => parseSnapshot(doc({ "iam.users": [["x", {}]] }), services), /table "iam\.users", row 1 \(key "x"\): the key does not start with an account id/);
    assert.throws(() => parseSnapshot(doc({ "iam.users": [["000000000000/u", 5]] }), services), /row 1 \(key "000000000000\/u"\): not a user record/);
    assert.equal(Object.keys(parseSnapshot(doc({ "iam.users": [["000000000000/u", {}]] }), services).tables).length, 1);
  });
});

describe("--init-state", () => {
  it("refuses a bad snapshot naming the file, table, row and reason, before opening the store", async () => {
    const dir = tempDir();
    const file = join(dir, "bad.json");
    writeFileSync(file, doc({ "iam.users": [["000000000000/x", null]] }));
    await assert.rejects(
      startServer({ port: 0, initState: file }),
      new RegExp(`state file ${file.replace(/[.]/g, "\\.")} refused: table "iam\\.users", row 1 \\(key "000000000000/x"\\): the value is null`),
    );
  });

  it("with a --data-dir that holds state is refused unless --init-state-force", async () => {
    const dataDir = tempDir();
    const seed = await startServer({ port: 0 });
    await iam(seed.endpoint).send(new CreateGroupCommand({ GroupName: "from-snapshot" }));
    const file = join(tempDir(), "state.json");
    writeFileSync(file, await (await fetch(`${seed.endpoint}/_nubis/state`)).text());
    await seed.close();

    let s = await startServer({ port: 0, dataDir });
    await iam(s.endpoint).send(new CreateUserCommand({ UserName: "work" }));
    await s.close();
    const db = join(dataDir, "nubis.db");
    await assert.rejects(
      startServer({ port: 0, dataDir, initState: file }),
      /--init-state .*state\.json refused: the store \(sqlite\) already holds state; nothing changed \(--init-state-force replaces it\)/,
    );
    s = await startServer({ port: 0, dataDir });
    assert.deepEqual((await iam(s.endpoint).send(new ListUsersCommand({}))).Users!.map((u) => u.UserName), ["work"]);
    assert.deepEqual((await iam(s.endpoint).send(new ListGroupsCommand({}))).Groups, []);
    await s.close();
    assert.ok(sha(db));

    s = await startServer({ port: 0, dataDir, initState: file, initStateForce: true });
    await iam(s.endpoint).send(new GetGroupCommand({ GroupName: "from-snapshot" }));
    assert.deepEqual((await iam(s.endpoint).send(new ListUsersCommand({}))).Users, []);
    await s.close();
    // An empty data dir takes the snapshot without forcing.
    s = await startServer({ port: 0, dataDir: tempDir(), initState: file });
    await iam(s.endpoint).send(new GetGroupCommand({ GroupName: "from-snapshot" }));
    await s.close();
  });

  it("the CLI flag and NUBIS_INIT_STATE_FORCE force it", async () => {
    const dataDir = tempDir();
    const s = await startServer({ port: 0, dataDir });
    await iam(s.endpoint).send(new CreateUserCommand({ UserName: "work" }));
    await s.close();
    const file = join(tempDir(), "empty.json");
    writeFileSync(file, doc({}));
    const run = (args: string[], env: Record<string, string> = {}) =>
      spawnSync(process.execPath, ["--import", "tsx", CLI, "--port", "0", "--quiet", "--data-dir", dataDir, "--init-state", file, ...args], {
        encoding: "utf8",
        env: { ...process.env, ...env },
      });
    const refused = run([]);
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /^nubis: --init-state .* refused: the store \(sqlite\) already holds state; nothing changed \(--init-state-force replaces it\)\n$/);
    // Forced, it starts on the snapshot's (empty) state.
    for (const [args, env] of [[["--init-state-force"], {}], [[], { NUBIS_INIT_STATE_FORCE: "1" }]] as const) {
      const { child, endpoint } = await spawnNubis(["--data-dir", dataDir, "--init-state", file, ...args], env);
      try {
        assert.deepEqual((await iam(endpoint).send(new ListUsersCommand({}))).Users, []);
      } finally {
        await new Promise((resolve) => child.once("exit", resolve).kill("SIGTERM"));
      }
    }
  });
});

describe("SQLite files are marked (PRAGMA application_id)", () => {
  it("refuses another program's nubis.db and leaves it untouched", async () => {
    const dataDir = tempDir();
    const file = join(dataDir, "nubis.db");
    const db = new Database(file);
    db.exec("CREATE TABLE rows (id INTEGER PRIMARY KEY, note TEXT); INSERT INTO rows (note) VALUES ('theirs')");
    db.close();
    const before = sha(file);
    await assert.rejects(
      startServer({ port: 0, dataDir }),
      new RegExp(`^Error: ${file.replace(/[.]/g, "\\.")} is not a nubis database \\(application_id 0, tables: rows\\); it was left untouched$`),
    );
    assert.equal(sha(file), before);
    // Another program's mark too, even with our layout.
    const other = tempDir();
    const db2 = new Database(join(other, "nubis.db"));
    db2.exec("CREATE TABLE rows (tbl TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (tbl, key)) WITHOUT ROWID");
    db2.pragma("application_id = 1234");
    db2.pragma("user_version = 1");
    db2.close();
    await assert.rejects(startServer({ port: 0, dataDir: other }), /is not a nubis database \(application_id 1234, tables: rows\)/);
  });

  it("marks a new file, and adopts an unmarked one of nubis's own layout", async () => {
    const dataDir = tempDir();
    await (await startServer({ port: 0, dataDir })).close();
    const db = new Database(join(dataDir, "nubis.db"));
    assert.equal(db.pragma("application_id", { simple: true }), SQLITE_APPLICATION_ID);
    // As nubis wrote it before the mark: format 1, our one table, no application_id.
    db.pragma("application_id = 0");
    db.prepare("INSERT INTO rows (tbl, key, value) VALUES ('iam.x', 'k', '1')").run();
    db.close();
    await (await startServer({ port: 0, dataDir })).close();
    const again = new Database(join(dataDir, "nubis.db"));
    assert.equal(again.pragma("application_id", { simple: true }), SQLITE_APPLICATION_ID);
    assert.equal((again.prepare("SELECT count(*) AS n FROM rows").get() as { n: number }).n, 1);
    again.close();
  });

  it("--data-dir naming a file gives a one-line error", async () => {
    const file = join(tempDir(), "not-a-dir");
    writeFileSync(file, "x");
    await assert.rejects(startServer({ port: 0, dataDir: file }), new RegExp(`^Error: --data-dir ${file} is a file, not a directory$`));
    const cli = spawnSync(process.execPath, ["--import", "tsx", CLI, "--port", "0", "--data-dir", file], { encoding: "utf8" });
    assert.equal(cli.status, 1);
    assert.equal(cli.stderr, `nubis: --data-dir ${file} is a file, not a directory\n`);
    assert.equal(readFileSync(file, "utf8"), "x");
  });
});
