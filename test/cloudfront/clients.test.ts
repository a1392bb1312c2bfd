/**
 * The seed's three-step UpdateKeyGroup through the AWS CLI and boto3: get the key group and its
 * ETag, change Items locally, send the whole config back with If-Match; then a stale ETag is
 * refused with PreconditionFailed. (The SDK for JavaScript runs it in keyGroups.test.ts.)
 */
import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import { GetKeyGroupCommand } from "@aws-sdk/client-cloudfront";
import { aws, awsCliMissing, boto3, boto3Missing, useServer } from "../harness.js";
import { cloudFront, ETAG, reset, rsaPem, snapshot, UUID } from "./fixtures.js";

const server = useServer();

beforeEach(() => reset(server().endpoint));

describe("AWS CLI", () => {
  it("creates keys and a group, updates it the seed's way, and refuses a stale ETag", { skip: awsCliMissing }, async () => {
    const cli = (...args: string[]) => aws(server().endpoint, "cloudfront", ...args);
    const ids: string[] = [];
    for (const name of ["cli-a", "cli-b"]) {
      const created = await cli("create-public-key", "--public-key-config", JSON.stringify({ CallerReference: name, Name: name, EncodedKey: rsaPem() }));
      assert.equal(created.code, 0, created.stderr);
      assert.match(created.json().ETag, ETAG);
      ids.push(created.json().PublicKey.Id);
    }
    const group = await cli("create-key-group", "--key-group-config", JSON.stringify({ Name: "cli-group", Items: [ids[0]], Comment: "from the CLI" }));
    assert.equal(group.code, 0, group.stderr);
    const id = group.json().KeyGroup.Id;
    assert.match(id, UUID);

    // 1. Get the key group and its ETag.
    const got = await cli("get-key-group", "--id", id);
    assert.equal(got.code, 0, got.stderr);
    const { ETag: etag, KeyGroup } = got.json();
    assert.equal(etag, group.json().ETag);
    // 2. Change Items locally. 3. Update with the whole config and If-Match.
    const config = { ...KeyGroup.KeyGroupConfig, Items: [...KeyGroup.KeyGroupConfig.Items, ids[1]] };
    const updated = await cli("update-key-group", "--id", id, "--if-match", etag, "--key-group-config", JSON.stringify(config));
    assert.equal(updated.code, 0, updated.stderr);
    assert.match(updated.json().ETag, ETAG);
    assert.notEqual(updated.json().ETag, etag);
    assert.deepEqual(updated.json().KeyGroup.KeyGroupConfig, { Name: "cli-group", Items: ids, Comment: "from the CLI" });

    const before = await snapshot(cloudFront(server().endpoint));
    const stale = await cli("update-key-group", "--id", id, "--if-match", etag, "--key-group-config", JSON.stringify({ ...config, Items: [ids[1]] }));
    assert.notEqual(stale.code, 0);
    assert.match(stale.stderr, /\(PreconditionFailed\) when calling the UpdateKeyGroup operation/);
    assert.deepEqual(await snapshot(cloudFront(server().endpoint)), before, "state unchanged");

    const config2 = await cli("get-key-group-config", "--id", id);
    assert.equal(config2.json().ETag, updated.json().ETag);
    assert.deepEqual(config2.json().KeyGroupConfig.Items, ids);
  });

  it("answers a missing --if-match with InvalidIfMatchVersion and deletes with the right one", { skip: awsCliMissing }, async () => {
    const cli = (...args: string[]) => aws(server().endpoint, "cloudfront", ...args);
    const created = await cli("create-public-key", "--public-key-config", JSON.stringify({ CallerReference: "d", Name: "d", EncodedKey: rsaPem() }));
    assert.equal(created.code, 0, created.stderr);
    const key = created.json();
    const missing = await cli("delete-public-key", "--id", key.PublicKey.Id);
    assert.match(missing.stderr, /InvalidIfMatchVersion/);
    const deleted = await cli("delete-public-key", "--id", key.PublicKey.Id, "--if-match", key.ETag);
    assert.equal(deleted.code, 0, deleted.stderr);
    // The CLI prints nothing for an empty paginated list (no Items element), so ask for the raw page.
    const list = await cli("list-public-keys", "--no-paginate");
    assert.equal(list.code, 0, list.stderr);
    assert.equal(list.json().PublicKeyList.Quantity, 0);
  });
});

describe("boto3", () => {
  it("runs the seed's three-step update and gets PreconditionFailed for a stale ETag", { skip: boto3Missing }, async () => {
    const script = `
import json, os, boto3
from botocore.exceptions import ClientError
cf = boto3.client("cloudfront", endpoint_url=os.environ["ENDPOINT"], region_name="us-east-1")
keys = ${JSON.stringify([rsaPem(), rsaPem()])}
ids = [cf.create_public_key(PublicKeyConfig={"CallerReference": f"py{i}", "Name": f"py-{i}", "EncodedKey": k})["PublicKey"]["Id"] for i, k in enumerate(keys)]
created = cf.create_key_group(KeyGroupConfig={"Name": "py-group", "Items": [ids[0]]})
group_id = created["KeyGroup"]["Id"]

# 1. Get the current key group with GetKeyGroup.
current = cf.get_key_group(Id=group_id)
etag = current["ETag"]
config = current["KeyGroup"]["KeyGroupConfig"]
# 2. Locally modify the fields: add a public key id.
config["Items"].append(ids[1])
# 3. Call UpdateKeyGroup with the entire key group object.
updated = cf.update_key_group(KeyGroupConfig=config, Id=group_id, IfMatch=etag)

try:
    cf.update_key_group(KeyGroupConfig={"Name": "py-group", "Items": [ids[0]]}, Id=group_id, IfMatch=etag)
    stale = None
except ClientError as e:
    stale = {"code": e.response["Error"]["Code"], "status": e.response["ResponseMetadata"]["HTTPStatusCode"],
             "request_id": e.response["ResponseMetadata"].get("RequestId")}
print(json.dumps({
    "ids": ids, "group_id": group_id, "created_status": created["ResponseMetadata"]["HTTPStatusCode"],
    "etag": etag, "created_etag": created["ETag"], "new_etag": updated["ETag"],
    "items": updated["KeyGroup"]["KeyGroupConfig"]["Items"], "modified": updated["KeyGroup"]["LastModifiedTime"].isoformat(),
    "stale": stale,
    "pages": [p["PublicKeyList"]["Quantity"] for p in cf.get_paginator("list_public_keys").paginate(PaginationConfig={"PageSize": 1})],
}))
`;
    const out = await boto3(server().endpoint, script);
    assert.equal(out.created_status, 201);
    assert.equal(out.etag, out.created_etag);
    assert.match(out.new_etag, ETAG);
    assert.notEqual(out.new_etag, out.etag);
    assert.deepEqual(out.items, out.ids);
    assert.deepEqual(out.stale?.code, "PreconditionFailed");
    assert.equal(out.stale.status, 412);
    assert.match(out.stale.request_id, UUID);
    assert.deepEqual(out.pages, [1, 1], "botocore's paginator follows NextMarker");
    const stored = await cloudFront(server().endpoint).send(new GetKeyGroupCommand({ Id: out.group_id }));
    assert.equal(stored.ETag, out.new_etag);
    assert.deepEqual(stored.KeyGroup!.KeyGroupConfig!.Items, out.ids);
  });
});
