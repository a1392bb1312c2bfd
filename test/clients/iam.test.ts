import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { aws, awsCliMissing, boto3, boto3Missing, useServer } from "../harness.js";

const server = useServer();

describe("IAM through the AWS CLI", { skip: awsCliMissing }, () => {
  it("renames a group that keeps its members and policies (the issue's 'done when')", async () => {
    const e = server().endpoint;
    const created = (await aws(e, "iam", "create-group", "--group-name", "A")).json().Group;
    assert.equal((await aws(e, "iam", "create-user", "--user-name", "cli-ana")).code, 0);
    assert.equal((await aws(e, "iam", "add-user-to-group", "--group-name", "A", "--user-name", "cli-ana")).code, 0);
    const doc = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}';
    assert.equal((await aws(e, "iam", "put-group-policy", "--group-name", "A", "--policy-name", "read", "--policy-document", doc)).code, 0);

    const renamed = await aws(e, "iam", "update-group", "--group-name", "A", "--new-group-name", "B");
    assert.equal(renamed.code, 0, renamed.stderr);

    const group = (await aws(e, "iam", "get-group", "--group-name", "B")).json();
    assert.equal(group.Group.GroupId, created.GroupId);
    assert.equal(group.Group.Arn, "arn:aws:iam::000000000000:group/B");
    assert.deepEqual(group.Users.map((u: { UserName: string }) => u.UserName), ["cli-ana"]);
    assert.deepEqual((await aws(e, "iam", "list-group-policies", "--group-name", "B")).json().PolicyNames, ["read"]);

    const gone = await aws(e, "iam", "get-group", "--group-name", "A");
    assert.notEqual(gone.code, 0);
    assert.match(gone.stderr, /\(NoSuchEntity\).*The group with name A cannot be found\./);
  });

  it("reports EntityAlreadyExists for a name taken in another case, and changes nothing", async () => {
    const e = server().endpoint;
    await aws(e, "iam", "create-group", "--group-name", "cli-x");
    await aws(e, "iam", "create-group", "--group-name", "cli-y");
    const clash = await aws(e, "iam", "update-group", "--group-name", "cli-x", "--new-group-name", "CLI-Y");
    assert.notEqual(clash.code, 0);
    assert.match(clash.stderr, /\(EntityAlreadyExists\)/);
    assert.equal((await aws(e, "iam", "get-group", "--group-name", "cli-x")).code, 0);
  });

  it("answers sts get-caller-identity with the default account", async () => {
    const id = (await aws(server().endpoint, "sts", "get-caller-identity")).json();
    assert.equal(id.Account, "000000000000");
    assert.equal(id.Arn, "arn:aws:iam::000000000000:root");
  });
});

describe("IAM through boto3", { skip: boto3Missing }, () => {
  it("renames a group, keeps its members and policies, paginates, and maps errors", async () => {
    const out = await boto3(
      server().endpoint,
      `
import json, os, boto3
from botocore.exceptions import ClientError
iam = boto3.client("iam", endpoint_url=os.environ["ENDPOINT"], region_name="us-east-1")
g = iam.create_group(GroupName="py-team", Path="/eng/")["Group"]
iam.create_user(UserName="py-bob")
iam.add_user_to_group(GroupName="py-team", UserName="py-bob")
doc = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
iam.put_group_policy(GroupName="py-team", PolicyName="s3", PolicyDocument=json.dumps(doc))
iam.update_group(GroupName="py-team", NewGroupName="py-squad", NewPath="/ops/")
got = iam.get_group(GroupName="py-squad")
policy = iam.get_group_policy(GroupName="py-squad", PolicyName="s3")
for i in range(7):
    iam.create_group(GroupName="py-page-%d" % i)
pages = [p["Groups"] for p in iam.get_paginator("list_groups").paginate(PaginationConfig={"PageSize": 3})]
try:
    iam.get_group(GroupName="py-team")
    err = None
except ClientError as e:
    err = {"code": e.response["Error"]["Code"], "status": e.response["ResponseMetadata"]["HTTPStatusCode"], "message": e.response["Error"]["Message"]}
print(json.dumps({
  "sameId": got["Group"]["GroupId"] == g["GroupId"],
  "arn": got["Group"]["Arn"],
  "users": [u["UserName"] for u in got["Users"]],
  "document": policy["PolicyDocument"],
  "pageSizes": [len(p) for p in pages],
  "names": [x["GroupName"] for p in pages for x in p],
  "error": err,
}))
`,
    );
    assert.equal(out.sameId, true);
    assert.equal(out.arn, "arn:aws:iam::000000000000:group/ops/py-squad");
    assert.deepEqual(out.users, ["py-bob"]);
    // boto3 decodes the URL-encoded document into a dict.
    assert.deepEqual(out.document, { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "*" }] });
    const names: string[] = out.names;
    assert.equal(new Set(names).size, names.length, "no group listed twice");
    assert.ok(names.includes("py-squad") && names.filter((n) => n.startsWith("py-page-")).length === 7);
    assert.ok(out.pageSizes.every((n: number) => n <= 3));
    assert.deepEqual(out.error, { code: "NoSuchEntity", status: 404, message: "The group with name py-team cannot be found." });
  });
});
