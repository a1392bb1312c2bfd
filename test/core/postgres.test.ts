/**
 * The PostgreSQL store's life: schema created on first start, older migrated, newer or foreign
 * refused untouched, options refused clearly, shared state through the internal endpoints.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { CreateGroupCommand, GetGroupCommand, IAMClient, ListGroupsCommand } from "@aws-sdk/client-iam";
import { POSTGRES_FORMAT, PostgresStore } from "../../src/core/store/postgres.js";
import { StoreUnavailableError } from "../../src/core/store/store.js";
import { startServer } from "../../src/index.js";
import { clientConfig, failure, postgresCluster, postgresMissing } from "../harness.js";

const iam = (endpoint: string) => new IAMClient(clientConfig(endpoint));
const CLI = fileURLToPath(new URL("../../src/cli.ts", import.meta.url));

describe("PostgreSQL store (--database-url)", { skip: postgresMissing }, () => {
  let base = "";
  let db: pg.Client;
  let n = 0;
  const dirs: string[] = [];
  before(async () => {
    base = (await postgresCluster()).url("public").replace(/\?.*$/, "");
    db = new pg.Client({ connectionString: base });
    await db.connect();
  });
  after(async () => {
    await db.end();
    dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
  });
  const fresh = () => `life${++n}`;
  const urlOf = (schema: string) => `${base}?schema=${schema}`;
  /** Every table and row of a schema: equal before and after a refusal means untouched. */
  const contents = async (schema: string) => {
    const tables = (await db.query("SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1", [schema])).rows;
    const out: Record<string, unknown> = {};
    for (const { table_name } of tables) out[table_name] = (await db.query(`SELECT * FROM "${schema}"."${table_name}" ORDER BY 1`)).rows;
    return out;
  };

  it("creates its schema on first start and keeps state across a restart", async () => {
    const schema = fresh();
    let s = await startServer({ port: 0, databaseUrl: urlOf(schema) });
    assert.equal(s.store.kind, "postgres");
    const created = (await iam(s.endpoint).send(new CreateGroupCommand({ GroupName: "kept" }))).Group!;
    await s.close();
    const meta = await db.query(`SELECT key, value FROM "${schema}".nubis_meta ORDER BY key`);
    assert.deepEqual(meta.rows, [
      { key: "application", value: "nubis" },
      { key: "format", value: String(POSTGRES_FORMAT) },
    ]);
    // --database-schema names the same schema as ?schema=.
    s = await startServer({ port: 0, databaseUrl: base, databaseSchema: schema });
    assert.deepEqual((await iam(s.endpoint).send(new GetGroupCommand({ GroupName: "kept" }))).Group, created);
    await s.close();
  });

  it("migrates an older (format 0) schema", async () => {
    const schema = fresh();
    await db.query(`CREATE SCHEMA ${schema}`);
    await db.query(`CREATE TABLE ${schema}.nubis_meta (key text PRIMARY KEY, value text NOT NULL)`);
    await db.query(`INSERT INTO ${schema}.nubis_meta VALUES ('application', 'nubis'), ('format', '0')`);
    const s = await startServer({ port: 0, databaseUrl: urlOf(schema) });
    await iam(s.endpoint).send(new CreateGroupCommand({ GroupName: "after-migration" }));
    await s.close();
    assert.equal((await db.query(`SELECT value FROM ${schema}.nubis_meta WHERE key = 'format'`)).rows[0].value, String(POSTGRES_FORMAT));
  });

  it("refuses a schema written by a newer format and leaves it untouched", async () => {
    const schema = fresh();
    await db.query(`CREATE SCHEMA ${schema}`);
    await db.query(`CREATE TABLE ${schema}.nubis_meta (key text PRIMARY KEY, value text NOT NULL)`);
    await db.query(`INSERT INTO ${schema}.nubis_meta VALUES ('application', 'nubis'), ('format', '99')`);
    await db.query(`CREATE TABLE ${schema}.nubis_rows (tbl text, key text, value text, extra int)`);
    await db.query(`INSERT INTO ${schema}.nubis_rows VALUES ('iam.groups', 'k', '{}', 1)`);
    const before = await contents(schema);
    await assert.rejects(startServer({ port: 0, databaseUrl: urlOf(schema) }), /was written by a newer nubis \(format 99; this one reads up to 1\); it was left untouched/);
    assert.deepEqual(await contents(schema), before);
  });

  it("refuses someone else's tables of the same names and leaves them untouched", async () => {
    for (const [table, ddl] of [
      ["nubis_rows", "(tbl text, key text, value text)"],
      ["nubis_meta", "(key text PRIMARY KEY, value text)"],
      ["nubis_meta", "(id int, name text)"],
    ]) {
      const schema = fresh();
      await db.query(`CREATE SCHEMA ${schema}`);
      await db.query(`CREATE TABLE ${schema}.${table} ${ddl}`);
      if (ddl.startsWith("(key")) await db.query(`INSERT INTO ${schema}.${table} VALUES ('format', '1')`);
      const before = await contents(schema);
      await assert.rejects(
        startServer({ port: 0, databaseUrl: urlOf(schema) }),
        new RegExp(`schema ${schema} of .* holds a table ${table} that nubis did not create; it was left untouched`),
      );
      assert.deepEqual(await contents(schema), before);
    }
  });

  it("refuses --data-dir with --database-url", async () => {
    await assert.rejects(
      startServer({ port: 0, databaseUrl: urlOf(fresh()), dataDir: "/tmp/x" }),
      /--data-dir \(SQLite\) and --database-url \(PostgreSQL\) name two different stores: give one of them/,
    );
  });

  it("a database that is down at start gives a one-line error naming the URL without its password", async () => {
    const url = "postgres://alice:s3cret@127.0.0.1:1/state?schema=x";
    const error = await startServer({ port: 0, databaseUrl: url }).then(
      () => assert.fail("started"),
      (e: Error) => e,
    );
    assert.match(error.message, /^cannot use PostgreSQL at postgres:\/\/alice@127\.0\.0\.1:1\/state\?schema=x: /);
    assert.doesNotMatch(error.message, /s3cret|\n/);
    // The CLI prints that one line and exits 1.
    const cli = spawnSync(process.execPath, ["--import", "tsx", CLI, "--port", "0", "--database-url", url], { encoding: "utf8" });
    assert.equal(cli.status, 1);
    assert.match(cli.stderr, /^nubis: cannot use PostgreSQL at postgres:\/\/alice@127\.0\.0\.1:1\/state\?schema=x: [^\n]+\n$/);
  });

  it("--init-state is refused on a shared state that is not empty, unless --init-state-force", async () => {
    const url = urlOf(fresh());
    const dir = mkdtempSync(join(tmpdir(), "nubis-pg-init-"));
    dirs.push(dir);
    const seed = await startServer({ port: 0 });
    await iam(seed.endpoint).send(new CreateGroupCommand({ GroupName: "seeded" }));
    const file = join(dir, "state.json");
    writeFileSync(file, await (await fetch(`${seed.endpoint}/_nubis/state`)).text());
    await seed.close();

    // The first replica starts from the snapshot and works on it.
    const first = await startServer({ port: 0, databaseUrl: url, initState: file });
    await iam(first.endpoint).send(new CreateGroupCommand({ GroupName: "work" }));
    // A second replica with the same --init-state must not wipe that work.
    await assert.rejects(
      startServer({ port: 0, databaseUrl: url, initState: file }),
      /--init-state .*state\.json refused: the store \(postgres\) already holds state; nothing changed \(--init-state-force replaces it\)/,
    );
    const names = async () => (await iam(first.endpoint).send(new ListGroupsCommand({}))).Groups!.map((g) => g.GroupName).sort();
    assert.deepEqual(await names(), ["seeded", "work"]);
    const forced = await startServer({ port: 0, databaseUrl: url, initState: file, initStateForce: true });
    assert.deepEqual(await names(), ["seeded"]);
    await forced.close();
    await first.close();
  });

  it("/_nubis/reset and /_nubis/state on one process act on the state every process serves", async () => {
    const url = urlOf(fresh());
    const [a, b] = [await startServer({ port: 0, databaseUrl: url }), await startServer({ port: 0, databaseUrl: url })];
    await iam(a.endpoint).send(new CreateGroupCommand({ GroupName: "shared" }));
    const state = await (await fetch(`${b.endpoint}/_nubis/state`)).json();
    assert.deepEqual(
      state.tables["iam.groups"].map(([, v]: [string, { name?: string; GroupName?: string }]) => v.name ?? v.GroupName),
      ["shared"],
    );
    assert.equal((await fetch(`${b.endpoint}/_nubis/reset`, { method: "POST" })).status, 200);
    assert.equal((await failure(iam(a.endpoint).send(new GetGroupCommand({ GroupName: "shared" })))).name, "NoSuchEntityException");
    assert.equal((await fetch(`${a.endpoint}/_nubis/state`, { method: "POST", body: JSON.stringify(state) })).status, 200);
    await iam(b.endpoint).send(new GetGroupCommand({ GroupName: "shared" }));
    await a.close();
    await b.close();
  });

  it("scans a page and counts on the primary key index, at any depth", async () => {
    const schema = fresh();
    const s = await startServer({ port: 0, databaseUrl: urlOf(schema) });
    const rows = (account: string, n: number) => Array.from({ length: n }, (_, i) => [`${account}/${String(i).padStart(6, "0")}`, { i }] as [string, unknown]);
    await s.store.load({ "iam.groups": [...rows("000000000000", 20_000), ...rows("111111111111", 10)] });
    await db.query(`ANALYZE ${schema}.nubis_rows`);
    const plan = async (sql: string) => (await db.query(`EXPLAIN ${sql}`)).rows.map((r) => r["QUERY PLAN"]).join("\n");
    const page = await plan(
      `SELECT key, value FROM ${schema}.nubis_rows WHERE tbl = 'iam.groups' AND key >= '000000000000/' AND key > '000000000000/019000' AND key < '000000000000/\u{10ffff}' ORDER BY key LIMIT 100`,
    );
    assert.match(page, /Index Scan using nubis_rows_pkey/);
    assert.doesNotMatch(page, /Sort|Seq Scan/);
    // A quota check counts one account's rows, not the table's.
    const count = await plan(`SELECT count(*) FROM ${schema}.nubis_rows WHERE tbl = 'iam.groups' AND key >= '111111111111/' AND key < '111111111111/\u{10ffff}'`);
    assert.match(count, /Index (Only )?Scan using nubis_rows_pkey/);
    assert.doesNotMatch(count, /Seq Scan/);
    await s.close();
  });

  it("a transaction that still cannot commit after its retries is StoreUnavailableError (the service's 503), and changes nothing", async () => {
    const store = await PostgresStore.open({ url: urlOf(fresh()), maxAttempts: 1 });
    await store.transaction((tx) => tx.put("t.x", "n", 0));
    let inside = 0;
    let release!: () => void;
    const both = new Promise<void>((r) => (release = r));
    // Two read-modify-writes of one row, held open until both have read: one must lose.
    const bump = () =>
      store.transaction(async (tx) => {
        const n = (await tx.get<number>("t.x", "n"))!;
        if (++inside === 2) release();
        await both;
        await tx.put("t.x", "n", n + 1);
      });
    const results = await Promise.allSettled([bump(), bump()]);
    assert.deepEqual(results.map((r) => r.status).sort(), ["fulfilled", "rejected"]);
    const lost = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    assert.ok(lost.reason instanceof StoreUnavailableError);
    assert.match(lost.reason.message, /could not commit after 1 attempts \(concurrent updates\); retry/);
    assert.equal(await store.transaction((tx) => tx.get("t.x", "n")), 1);
    await store.close();
  });
});
