/**
 * KMS and CloudFront check the rows of their own tables in a snapshot, as IAM, STS and
 * QuickSight do (snapshotRows.test.ts): a rich state exported and posted back is accepted
 * unchanged; one corrupted row of any table is refused naming table, row and reason, and
 * nothing changes.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { DescribeKeyCommand, KMSClient, ListAliasesCommand } from "@aws-sdk/client-kms";
import { CloudFrontClient, ListDistributionsCommand } from "@aws-sdk/client-cloudfront";
import { cloudfront as cloudfrontDefinition } from "../../src/services/cloudfront/definition.js";
import { kms as kmsDefinition } from "../../src/services/kms/definition.js";
import { clientConfig, useServer } from "../harness.js";
import { richCloudFront, richKms } from "./snapshotRowsFixtures.js";

type Tables = Record<string, Array<[string, unknown]>>;
const doc = (tables: Record<string, unknown>) => JSON.stringify({ format: "nubis-state", version: 1, exportedAt: "2026-01-01T00:00:00.000Z", tables });
const state = async (endpoint: string) => (await (await fetch(`${endpoint}/_nubis/state`)).json()) as { tables: Tables };
const post = (endpoint: string, body: string) => fetch(`${endpoint}/_nubis/state`, { method: "POST", body });
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
const ours = /^(kms|cloudfront)\./;
const SERVICES = [kmsDefinition, cloudfrontDefinition];

const refusedWith = async (endpoint: string, tables: Record<string, unknown>, reason: RegExp) => {
  const before = await state(endpoint);
  const res = await post(endpoint, doc(tables));
  assert.equal(res.status, 400);
  const { error } = (await res.json()) as { error: string };
  assert.match(error, /^state document refused, nothing changed: /);
  assert.match(error, reason);
  assert.deepEqual((await state(endpoint)).tables, before.tables, "nothing changed");
};

describe("a rich state of KMS and CloudFront", () => {
  const server = useServer({ cloudfrontDeployDelayMs: 0 });
  let rich: Tables = {};
  before(async () => {
    await richKms(server().endpoint);
    await richCloudFront(server().endpoint);
    rich = (await state(server().endpoint)).tables;
  });

  it("holds a row in every table the two services declare, and every table they write is declared", () => {
    for (const def of SERVICES) {
      for (const family of Object.keys(def.tables!)) assert.ok(rich[`${def.name}.${family}`]?.length, `${def.name}.${family} has rows`);
    }
    for (const table of Object.keys(rich).filter((t) => ours.test(t))) {
      const [service, family] = table.split(".");
      assert.ok(Object.hasOwn(SERVICES.find((d) => d.name === service)!.tables!, family), `${table} is declared`);
    }
  });

  it("is accepted back whole, and reads the same after", async () => {
    const { endpoint } = server();
    const res = await post(endpoint, doc(rich));
    assert.equal(res.status, 200, await res.text());
    assert.deepEqual((await state(endpoint)).tables, rich);
    const kms = new KMSClient(clientConfig(endpoint));
    assert.ok((await kms.send(new ListAliasesCommand({}))).Aliases!.some((a) => a.AliasName === "alias/rows"));
    assert.equal((await kms.send(new DescribeKeyCommand({ KeyId: "alias/rows" }))).KeyMetadata!.KeyState, "Enabled");
    const cf = new CloudFrontClient(clientConfig(endpoint));
    assert.equal((await cf.send(new ListDistributionsCommand({}))).DistributionList!.Items!.length, 3);
  });

  it("is refused when any one row of any table has the wrong shape, naming table, row and reason", async () => {
    const { endpoint } = server();
    for (const [table, rows] of Object.entries(rich).filter(([t]) => ours.test(t))) {
      const [key, value] = rows[rows.length - 1];
      // A record or list becomes a number, a scalar a record: neither is what the service writes.
      const wrong = typeof value === "object" ? 5 : {};
      const corrupted = { ...rich, [table]: [...rows.slice(0, -1), [key, wrong]] };
      const why = typeof value === "object" ? /the value must be (a record|an object|a list), not number/ : /the value must be an? (string|number), not object/;
      await refusedWith(endpoint, corrupted, new RegExp(`table "${escape(table)}", row ${rows.length} \\(key "${escape(JSON.stringify(key).slice(1, 81).replace(/"$/, ""))}[^)]*\\): ${why.source}`));
    }
  });

  it("is refused when a record lacks a member or holds one of the wrong type", async () => {
    const { endpoint } = server();
    const [[key, k]] = rich["kms.keys"] as Array<[string, Record<string, unknown>]>;
    const { KeyState: _, ...noState } = k;
    await refusedWith(endpoint, { "kms.keys": [[key, noState]] }, new RegExp(`table "kms\\.keys", row 1 \\(key "${escape(key)}"\\): the record lacks KeyState`));
    await refusedWith(endpoint, { "kms.keys": [[key, { ...k, CreationDate: "2026-01-01" }]] }, /table "kms\.keys", row 1 .*: CreationDate must be a number, not string/);
    await refusedWith(endpoint, { "kms.keys": [[key, { ...k, Materials: [{ Id: "m" }] }]] }, /table "kms\.keys", row 1 .*: Materials\[0\] lacks Digest/);
    const [[dkey, d]] = rich["cloudfront.distributions"] as Array<[string, Record<string, unknown>]>;
    const { ETag: _e, ...noETag } = d;
    await refusedWith(endpoint, { "cloudfront.distributions": [[dkey, noETag]] }, /table "cloudfront\.distributions", row 1 .*: the record lacks ETag/);
    await refusedWith(endpoint, { "cloudfront.distributions": [[dkey, { ...d, Config: "x" }]] }, /table "cloudfront\.distributions", row 1 .*: Config must be an object, not string/);
    const [[tkey]] = rich["cloudfront.tags"];
    await refusedWith(endpoint, { "cloudfront.tags": [[tkey, [{ Value: "v" }]]] }, /table "cloudfront\.tags", row 1 .*: the value\[0\] lacks Key|\[0\] lacks Key/);
  });

  it("is refused when a key is not of the table's form", async () => {
    const { endpoint } = server();
    const [[key, k]] = rich["kms.keys"];
    const keyId = key.split("/").pop()!;
    await refusedWith(endpoint, { "kms.keys": [[`000000000000/${keyId}`, k]] }, /table "kms\.keys", row 1 \(key "000000000000\/[^"]*"\): the key is not of the form \{account\}\/\{region\}\/\*/);
    const [[, a]] = rich["kms.aliases"];
    await refusedWith(endpoint, { "kms.aliases": [["000000000000/us-east-1/rows", a]] }, /table "kms\.aliases", row 1 .*: the key is not of the form \{account\}\/\{region\}\/alias\/\*\*/);
    const [[, d]] = rich["cloudfront.distributions"];
    await refusedWith(endpoint, { "cloudfront.distributions": [["000000000000/us-east-1/E1", d]] }, /table "cloudfront\.distributions", row 1 .*: the key is not of the form \{account\}\/\*/);
    await refusedWith(endpoint, { "cloudfront.nonsense": [] }, /table "cloudfront\.nonsense": cloudfront keeps no such table/);
  });
});
