import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { MemoryStore } from "../../src/core/store/memory.js";
import { PostgresStore } from "../../src/core/store/postgres.js";
import { SqliteStore } from "../../src/core/store/sqlite.js";
import { type Store, StoreNotEmptyError } from "../../src/core/store/store.js";
import { postgresCluster, postgresMissing } from "../harness.js";

/** The Store contract every backend must keep; services rely on nothing else. */
const backends: Array<[string, () => Promise<{ store: Store; done: () => void }>, string | false]> = [
  ["memory", async () => ({ store: new MemoryStore(), done: () => {} }), false],
  [
    "sqlite",
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "nubis-store-"));
      const store = new SqliteStore(dir);
      return { store, done: () => rmSync(dir, { recursive: true, force: true }) };
    },
    false,
  ],
  [
    "postgres",
    async () => ({ store: await PostgresStore.open({ url: (await postgresCluster()).url() }), done: () => {} }),
    postgresMissing,
  ],
];

for (const [name, open, skip] of backends) {
  describe(`${name} store`, { skip }, () => {
    it("scans in key order under a prefix, after a cursor, and counts by prefix", async () => {
      const { store, done } = await open();
      await store.transaction(async (tx) => {
        for (const k of ["a/3", "a/1", "b/1", "a/2", "a/10"]) await tx.put("t.x", k, { k });
        await tx.put("t.x", "a/1", { k: "a/1", v: 2 }); // an update is not a second row
      });
      await store.transaction(async (tx) => {
        assert.deepEqual((await tx.scan("t.x", { prefix: "a/", limit: 10 })).map(([k]) => k), ["a/1", "a/10", "a/2", "a/3"]);
        assert.deepEqual((await tx.scan("t.x", { prefix: "a/", after: "a/10", limit: 2 })).map(([k]) => k), ["a/2", "a/3"]);
        assert.deepEqual(await tx.get("t.x", "a/1"), { k: "a/1", v: 2 });
        assert.equal(await tx.count("t.x", "a/"), 4);
        assert.equal(await tx.count("t.x", "b/"), 1);
        assert.equal(await tx.count("t.other", "a/"), 0);
        assert.equal(await tx.delete("t.x", "a/2"), true);
        assert.equal(await tx.delete("t.x", "a/2"), false);
        assert.equal(await tx.count("t.x", "a/"), 3);
      });
      await store.close();
      done();
    });

    it("rolls back every write of a transaction that throws, counts included", async () => {
      const { store, done } = await open();
      await store.transaction(async (tx) => tx.put("t.x", "a/1", 1));
      assert.equal(await store.transaction(async (tx) => tx.count("t.x", "a/")), 1);
      await assert.rejects(
        store.transaction(async (tx) => {
          await tx.put("t.x", "a/2", 2);
          await tx.put("t.x", "a/1", 99);
          await tx.delete("t.x", "a/1");
          assert.equal(await tx.count("t.x", "a/"), 1);
          throw new Error("boom");
        }),
        /boom/,
      );
      await store.transaction(async (tx) => {
        assert.equal(await tx.get("t.x", "a/1"), 1);
        assert.equal(await tx.get("t.x", "a/2"), undefined);
        assert.equal(await tx.count("t.x", "a/"), 1);
      });
      await store.close();
      done();
    });

    it("runs transactions one at a time (serializable read-modify-write)", async () => {
      const { store, done } = await open();
      await Promise.all(
        Array.from({ length: 50 }, () =>
          store.transaction(async (tx) => {
            const n = (await tx.get<number>("t.x", "n")) ?? 0;
            await new Promise((r) => setImmediate(r));
            await tx.put("t.x", "n", n + 1);
          }),
        ),
      );
      assert.equal(await store.transaction((tx) => tx.get("t.x", "n")), 50);
      await store.close();
      done();
    });

    it("resets one service's tables, dumps and loads the whole state", async () => {
      const { store, done } = await open();
      await store.transaction(async (tx) => {
        await tx.put("iam.groups", "a/x", 1);
        await tx.put("kms.keys", "a/k", 2);
      });
      await store.reset("iam");
      assert.deepEqual(await store.dump(), { "kms.keys": [["a/k", 2]] });
      await store.load({ "iam.users": [["a/u", { n: 1 }]] });
      assert.deepEqual(await store.dump(), { "iam.users": [["a/u", { n: 1 }]] });
      assert.equal(await store.transaction((tx) => tx.count("iam.users", "a/")), 1);
      await store.close();
      done();
    });
    it("load with ifEmpty refuses a store that holds state and changes nothing", async () => {
      const { store, done } = await open();
      await store.load({ "iam.users": [["a/u", 1]] }, { ifEmpty: true });
      await assert.rejects(store.load({ "iam.groups": [["a/g", 2]] }, { ifEmpty: true }), StoreNotEmptyError);
      assert.deepEqual(await store.dump(), { "iam.users": [["a/u", 1]] });
      await store.close();
      done();
    });

    it("keeps values byte for byte (key order inside objects, unicode) and scans to the end of a prefix", async () => {
      const { store, done } = await open();
      const value = { z: 1, a: [null, "é😀\u0000", { y: true, b: 1.5 }] };
      await store.transaction(async (tx) => {
        await tx.put("t.x", "a/\uffff", value);
        await tx.put("t.x", "a/~", 1);
        await tx.put("t.x", "a0", 2);
      });
      const rows = await store.transaction((tx) => tx.scan("t.x", { prefix: "a/", limit: 10 }));
      assert.deepEqual(rows.map(([k]) => k), ["a/~", "a/\uffff"]);
      assert.equal(JSON.stringify(rows[1][1]), JSON.stringify(value));
      await store.close();
      done();
    });
  });
}

// The memory store keeps sorted keys in chunks that split as they grow: scans, counts and
// cursors across chunk borders must read as one sorted list does, after inserts and removals.
it("memory store: scans and counts over tens of thousands of keys read as one sorted list", async () => {
  const store = new MemoryStore();
  const reference = new Set<string>();
  let seed = 7;
  const random = () => (seed = (seed * 48271) % 2147483647);
  await store.transaction(async (tx) => {
    for (let i = 0; i < 20_000; i++) {
      const k = `${["a", "b", "c"][random() % 3]}/${random() % 50_000}`;
      await tx.put("t.big", k, i);
      reference.add(k);
    }
    for (const k of [...reference].filter((_, i) => i % 3 === 0)) {
      assert.equal(await tx.delete("t.big", k), true);
      reference.delete(k);
    }
  });
  const sorted = [...reference].sort();
  await store.transaction(async (tx) => {
    for (const prefix of ["a/", "b/", "c/", "b/1", "d/", ""]) {
      const expected = sorted.filter((k) => k.startsWith(prefix));
      assert.equal(await tx.count("t.big", prefix), expected.length, `count ${prefix}`);
      const paged: string[] = [];
      for (let after: string | undefined; ; ) {
        const page = await tx.scan("t.big", { prefix, after, limit: 997 });
        paged.push(...page.map(([k]) => k));
        if (page.length < 997) break;
        after = page[page.length - 1][0];
      }
      assert.deepEqual(paged, expected, `scan ${prefix}`);
    }
  });
  assert.deepEqual(Object.keys(await store.dump()), ["t.big"]);
  assert.equal((await store.dump())["t.big"].length, sorted.length);
});
