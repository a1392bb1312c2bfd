/**
 * The seed UpdateConnectionGroup through the AWS CLI and boto3, inside the life Terraform gives a
 * connection group: create with an anycast list, update with If-Match, wait for Deployed,
 * disable, wait, delete. (The SDK for JavaScript runs the same life in connectionGroups.test.ts.)
 */
import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import { aws, awsCliMissing, boto3, boto3Missing, useServer } from "../harness.js";
import { ANYCAST_LIST_ID, CONNECTION_GROUP_ID, ETAG, reset, ROUTING_ENDPOINT, storeState, until, UUID } from "./fixtures.js";

const server = useServer({ cloudfrontDeployDelayMs: 100 });

beforeEach(() => reset(server().endpoint));

describe("AWS CLI", () => {
  it("creates a list and a group, runs the seed's update-connection-group --no-enabled, refuses a stale ETag, deletes", { skip: awsCliMissing }, async () => {
    const cli = async (...args: string[]) => {
      const out = await aws(server().endpoint, "cloudfront", ...args);
      return out;
    };
    const ok = async (...args: string[]) => {
      const out = await cli(...args);
      assert.equal(out.code, 0, `${args[0]}: ${out.stderr}`);
      return out.stdout.trim() ? out.json() : {};
    };

    const list = await ok("create-anycast-ip-list", "--name", "cli-list", "--ip-count", "3");
    assert.match(list.AnycastIpList.Id, ANYCAST_LIST_ID);
    assert.equal(list.AnycastIpList.Status, "Deploying");
    const listId = list.AnycastIpList.Id;
    await until(() => ok("get-anycast-ip-list", "--id", listId), (l) => l.AnycastIpList.Status === "Deployed");

    // The AWS CLI documentation's create-connection-group example.
    const created = await ok(
      "create-connection-group", "--name", "cg-with-anycast-ip-list", "--no-ipv6-enabled", "--enabled",
      "--anycast-ip-list-id", listId, "--tags", "Items=[{Key=abc,Value=123}]",
    );
    const id = created.ConnectionGroup.Id;
    assert.match(id, CONNECTION_GROUP_ID);
    assert.match(created.ConnectionGroup.RoutingEndpoint, ROUTING_ENDPOINT);
    assert.equal(created.ConnectionGroup.Status, "InProgress");
    assert.deepEqual(created.ConnectionGroup.Tags, { Items: [{ Key: "abc", Value: "123" }] });

    // The seed: update with the ETag from the last read.
    const current = await until(() => ok("get-connection-group", "--identifier", id), (g) => g.ConnectionGroup.Status === "Deployed");
    assert.equal(current.ETag, created.ETag);
    const updated = await ok("update-connection-group", "--id", id, "--if-match", current.ETag, "--no-enabled");
    assert.match(updated.ETag, ETAG);
    assert.notEqual(updated.ETag, current.ETag);
    assert.equal(updated.ConnectionGroup.Enabled, false);
    assert.equal(updated.ConnectionGroup.Status, "InProgress");
    assert.equal(updated.ConnectionGroup.Ipv6Enabled, false);
    assert.equal(updated.ConnectionGroup.AnycastIpListId, listId);

    const before = await storeState(server().store);
    const stale = await cli("update-connection-group", "--id", id, "--if-match", current.ETag, "--enabled");
    assert.notEqual(stale.code, 0);
    assert.match(stale.stderr, /\(PreconditionFailed\) when calling the UpdateConnectionGroup operation/);
    const enabledDelete = await cli("delete-anycast-ip-list", "--id", listId, "--if-match", list.ETag);
    assert.match(enabledDelete.stderr, /CannotDeleteEntityWhileInUse/);
    assert.deepEqual(await storeState(server().store), before, "state unchanged");

    const byName = await ok("get-connection-group", "--identifier", "cg-with-anycast-ip-list");
    assert.equal(byName.ETag, updated.ETag);
    const byEndpoint = await ok("get-connection-group-by-routing-endpoint", "--routing-endpoint", created.ConnectionGroup.RoutingEndpoint);
    assert.equal(byEndpoint.ConnectionGroup.Id, id);
    const listed = await ok("list-connection-groups", "--association-filter", `AnycastIpListId=${listId}`);
    assert.deepEqual(listed.ConnectionGroups.map((g: { Id: string }) => g.Id), [id]);

    const arn = created.ConnectionGroup.Arn;
    await ok("tag-resource", "--resource", arn, "--tags", "Items=[{Key=team,Value=edge}]");
    await ok("untag-resource", "--resource", arn, "--tag-keys", "Items=abc");
    assert.deepEqual((await ok("list-tags-for-resource", "--resource", arn)).Tags.Items, [{ Key: "team", Value: "edge" }]);

    const disabled = await until(() => ok("get-connection-group", "--identifier", id), (g) => g.ConnectionGroup.Status === "Deployed");
    await ok("delete-connection-group", "--id", id, "--if-match", disabled.ETag);
    const gone = await cli("get-connection-group", "--identifier", id);
    assert.match(gone.stderr, /\(EntityNotFound\)/);
    await ok("delete-anycast-ip-list", "--id", listId, "--if-match", list.ETag);
    assert.equal((await ok("list-anycast-ip-lists")).AnycastIpLists.Quantity, 0);
  });

  it("answers a delete of an enabled group with ResourceNotDisabled", { skip: awsCliMissing }, async () => {
    const created = await aws(server().endpoint, "cloudfront", "create-connection-group", "--name", "enabled");
    assert.equal(created.code, 0, created.stderr);
    const { ConnectionGroup, ETag } = created.json();
    const refused = await aws(server().endpoint, "cloudfront", "delete-connection-group", "--id", ConnectionGroup.Id, "--if-match", ETag);
    assert.match(refused.stderr, /\(ResourceNotDisabled\) when calling the DeleteConnectionGroup operation/);
  });
});

describe("boto3", () => {
  it("runs the seed's update_connection_group in a Terraform-like life, with the errors botocore sees", { skip: boto3Missing }, async () => {
    const script = `
import json, os, time, boto3
from botocore.exceptions import ClientError, ParamValidationError
cf = boto3.client("cloudfront", endpoint_url=os.environ["ENDPOINT"], region_name="us-east-1")

def wait(read, done):
    for _ in range(400):
        value = read()
        if done(value):
            return value
        time.sleep(0.025)
    raise Exception("not deployed")

def error(call):
    try:
        call()
    except ClientError as e:
        return {"code": e.response["Error"]["Code"], "status": e.response["ResponseMetadata"]["HTTPStatusCode"],
                "request_id": e.response["ResponseMetadata"].get("RequestId")}
    return None

lst = cf.create_anycast_ip_list(Name="py-list", IpCount=21, IpAddressType="dualstack")
list_id = lst["AnycastIpList"]["Id"]
wait(lambda: cf.get_anycast_ip_list(Id=list_id), lambda r: r["AnycastIpList"]["Status"] == "Deployed")

created = cf.create_connection_group(Name="py-group", Ipv6Enabled=True, AnycastIpListId=list_id, Enabled=True)
group_id = created["ConnectionGroup"]["Id"]
got = wait(lambda: cf.get_connection_group(Identifier=group_id), lambda r: r["ConnectionGroup"]["Status"] == "Deployed")

# The seed: Id, IfMatch (required) and the members to change.
updated = cf.update_connection_group(Id=group_id, IfMatch=got["ETag"], Ipv6Enabled=False, Enabled=False)
try:
    cf.update_connection_group(Id=group_id, Enabled=True)
    missing = None
except ParamValidationError as e:
    missing = "ParamValidationError"
stale = error(lambda: cf.update_connection_group(Id=group_id, IfMatch=got["ETag"], Enabled=True))
unknown_list = error(lambda: cf.update_connection_group(Id=group_id, IfMatch=updated["ETag"], AnycastIpListId="aip_000000000000000000000000000"))
early_delete = error(lambda: cf.delete_connection_group(Id=group_id, IfMatch=updated["ETag"]))
done = wait(lambda: cf.get_connection_group(Identifier=group_id), lambda r: r["ConnectionGroup"]["Status"] == "Deployed")
in_use = error(lambda: cf.delete_anycast_ip_list(Id=list_id, IfMatch=lst["ETag"]))
deleted = cf.delete_connection_group(Id=group_id, IfMatch=done["ETag"])
gone = error(lambda: cf.get_connection_group(Identifier=group_id))
cf.delete_anycast_ip_list(Id=list_id, IfMatch=lst["ETag"])
print(json.dumps({
    "list_status": lst["ResponseMetadata"]["HTTPStatusCode"], "ips": len(lst["AnycastIpList"]["AnycastIps"]),
    "created_status": created["ResponseMetadata"]["HTTPStatusCode"], "created_etag": created["ETag"], "got_etag": got["ETag"],
    "updated": {"etag": updated["ETag"], "status": updated["ConnectionGroup"]["Status"], "enabled": updated["ConnectionGroup"]["Enabled"],
                "ipv6": updated["ConnectionGroup"]["Ipv6Enabled"], "list": updated["ConnectionGroup"].get("AnycastIpListId"),
                "modified_after_created": updated["ConnectionGroup"]["LastModifiedTime"] >= updated["ConnectionGroup"]["CreatedTime"]},
    "missing": missing, "stale": stale, "unknown_list": unknown_list, "early_delete": early_delete,
    "done_etag": done["ETag"], "in_use": in_use, "deleted": deleted["ResponseMetadata"]["HTTPStatusCode"], "gone": gone,
}))
`;
    const out = await boto3(server().endpoint, script);
    assert.equal(out.list_status, 202);
    assert.equal(out.ips, 42, "21 IPv4 and 21 IPv6 addresses for dualstack");
    assert.equal(out.created_status, 201);
    assert.equal(out.got_etag, out.created_etag);
    assert.match(out.updated.etag, ETAG);
    assert.notEqual(out.updated.etag, out.got_etag);
    assert.deepEqual({ ...out.updated, etag: undefined }, { etag: undefined, status: "InProgress", enabled: false, ipv6: false, list: out.updated.list, modified_after_created: true });
    assert.match(out.updated.list, ANYCAST_LIST_ID);
    assert.equal(out.missing, "ParamValidationError", "botocore refuses an update without IfMatch before sending it");
    assert.equal(out.stale.code, "PreconditionFailed");
    assert.equal(out.stale.status, 412);
    assert.match(out.stale.request_id, UUID);
    assert.deepEqual(out.unknown_list, { ...out.unknown_list, code: "EntityNotFound", status: 404 });
    assert.deepEqual(out.early_delete, { ...out.early_delete, code: "ResourceNotDisabled", status: 409 });
    assert.equal(out.done_etag, out.updated.etag, "deploying keeps the ETag");
    assert.deepEqual(out.in_use, { ...out.in_use, code: "CannotDeleteEntityWhileInUse", status: 409 });
    assert.equal(out.deleted, 204);
    assert.deepEqual(out.gone, { ...out.gone, code: "EntityNotFound", status: 404 });
  });
});
