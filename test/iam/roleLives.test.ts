import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { aws, awsCliMissing, boto3, boto3Missing, useServer } from "../harness.js";

/**
 * Terraform-like lives, through boto3 and the AWS CLI: aws_iam_role with an inline policy, an
 * attached policy and an instance profile (created, read as Terraform reads, updated in place,
 * tagged, destroyed in Terraform's order), and aws_iam_policy whose document changes create
 * versions, deleting the oldest when 5 exist.
 */

const server = useServer();

describe("aws_iam_role life through boto3", { skip: boto3Missing }, () => {
  it("creates, reads, updates, tags and destroys in Terraform's order", async () => {
    const out = await boto3(
      server().endpoint,
      `
import json, os, boto3
from botocore.exceptions import ClientError
iam = boto3.client("iam", endpoint_url=os.environ["ENDPOINT"], region_name="us-east-1")
trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
doc = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::bucket/*"}]}

# apply
role = iam.create_role(RoleName="tf-web", Path="/app/", AssumeRolePolicyDocument=json.dumps(trust), Description="web", Tags=[{"Key": "env", "Value": "dev"}])["Role"]
iam.get_waiter("role_exists").wait(RoleName="tf-web")
iam.put_role_policy(RoleName="tf-web", PolicyName="read", PolicyDocument=json.dumps(doc))
policy = iam.create_policy(PolicyName="tf-web-extra", PolicyDocument=json.dumps(doc), Tags=[{"Key": "env", "Value": "dev"}])["Policy"]
iam.attach_role_policy(RoleName="tf-web", PolicyArn=policy["Arn"])
profile = iam.create_instance_profile(InstanceProfileName="tf-web", Path="/app/")["InstanceProfile"]
iam.add_role_to_instance_profile(InstanceProfileName="tf-web", RoleName="tf-web")
iam.get_waiter("instance_profile_exists").wait(InstanceProfileName="tf-web")

# refresh, as the provider reads
got = iam.get_role(RoleName="tf-web")["Role"]
inline = iam.get_role_policy(RoleName="tf-web", PolicyName="read")
attached = [p["PolicyArn"] for p in iam.get_paginator("list_attached_role_policies").paginate(RoleName="tf-web").build_full_result()["AttachedPolicies"]]
ip = iam.get_instance_profile(InstanceProfileName="tf-web")["InstanceProfile"]
pol = iam.get_policy(PolicyArn=policy["Arn"])["Policy"]
ver = iam.get_policy_version(PolicyArn=policy["Arn"], VersionId=pol["DefaultVersionId"])["PolicyVersion"]

# update in place
iam.update_role(RoleName="tf-web", MaxSessionDuration=7200)
iam.update_role_description(RoleName="tf-web", Description="web servers")
trust2 = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": ["ec2.amazonaws.com", "lambda.amazonaws.com"]}, "Action": "sts:AssumeRole"}]}
iam.update_assume_role_policy(RoleName="tf-web", PolicyDocument=json.dumps(trust2))
iam.tag_role(RoleName="tf-web", Tags=[{"Key": "team", "Value": "web"}])
iam.untag_role(RoleName="tf-web", TagKeys=["env"])
updated = iam.get_role(RoleName="tf-web")["Role"]

# a delete too early is refused
try:
    iam.delete_role(RoleName="tf-web")
    early = None
except ClientError as e:
    early = [e.response["Error"]["Code"], e.response["Error"]["Message"]]

# destroy in Terraform's order: attachment, inline policy, instance profile, role (which lists what is left), policy
iam.detach_role_policy(RoleName="tf-web", PolicyArn=policy["Arn"])
iam.delete_role_policy(RoleName="tf-web", PolicyName="read")
iam.remove_role_from_instance_profile(InstanceProfileName="tf-web", RoleName="tf-web")
iam.delete_instance_profile(InstanceProfileName="tf-web")
left = {
  "profiles": iam.list_instance_profiles_for_role(RoleName="tf-web")["InstanceProfiles"],
  "attached": iam.list_attached_role_policies(RoleName="tf-web")["AttachedPolicies"],
  "inline": iam.list_role_policies(RoleName="tf-web")["PolicyNames"],
}
iam.delete_role(RoleName="tf-web")
versions = iam.list_policy_versions(PolicyArn=policy["Arn"])["Versions"]
for v in versions:
    if not v["IsDefaultVersion"]:
        iam.delete_policy_version(PolicyArn=policy["Arn"], VersionId=v["VersionId"])
iam.delete_policy(PolicyArn=policy["Arn"])
try:
    iam.get_role(RoleName="tf-web")
    gone = None
except ClientError as e:
    gone = e.response["Error"]["Code"]

print(json.dumps({
  "arn": role["Arn"], "roleId": role["RoleId"], "sameId": got["RoleId"] == role["RoleId"],
  "trust": got["AssumeRolePolicyDocument"], "lastUsed": got.get("RoleLastUsed"), "tags": got.get("Tags"),
  "maxSession": got["MaxSessionDuration"], "inline": inline["PolicyDocument"], "attached": attached,
  "profileRoles": [r["RoleName"] for r in ip["Roles"]], "profileArn": profile["Arn"],
  "policyTags": pol["Tags"], "version": ver["Document"], "versionId": ver["VersionId"],
  "updated": {"max": updated["MaxSessionDuration"], "description": updated["Description"], "tags": updated.get("Tags"),
              "trust": updated["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]},
  "early": early, "left": left, "versions": len(versions), "gone": gone,
}))
`,
    );
    assert.equal(out.arn, "arn:aws:iam::000000000000:role/app/tf-web");
    assert.match(out.roleId, /^AROA[A-Z2-7]{17}$/);
    assert.equal(out.sameId, true);
    assert.deepEqual(out.trust.Statement[0].Principal, { Service: "ec2.amazonaws.com" });
    assert.deepEqual(out.lastUsed, {});
    assert.deepEqual(out.tags, [{ Key: "env", Value: "dev" }]);
    assert.equal(out.maxSession, 3600);
    assert.deepEqual(out.inline.Statement[0].Action, ["s3:GetObject"]);
    assert.deepEqual(out.attached, ["arn:aws:iam::000000000000:policy/tf-web-extra"]);
    assert.deepEqual(out.profileRoles, ["tf-web"]);
    assert.equal(out.profileArn, "arn:aws:iam::000000000000:instance-profile/app/tf-web");
    assert.deepEqual(out.policyTags, [{ Key: "env", Value: "dev" }]);
    assert.equal(out.versionId, "v1");
    assert.deepEqual(out.version.Statement[0].Resource, "arn:aws:s3:::bucket/*");
    assert.deepEqual(out.updated, {
      max: 7200,
      description: "web servers",
      tags: [{ Key: "team", Value: "web" }],
      trust: { Service: ["ec2.amazonaws.com", "lambda.amazonaws.com"] },
    });
    assert.deepEqual(out.early, ["DeleteConflict", "Cannot delete entity, must remove roles from instance profile first."]);
    assert.deepEqual(out.left, { profiles: [], attached: [], inline: [] });
    assert.equal(out.versions, 1);
    assert.equal(out.gone, "NoSuchEntity");
  });
});

describe("aws_iam_policy life through boto3", { skip: boto3Missing }, () => {
  it("each document change creates a default version, deleting the oldest non-default when 5 exist", async () => {
    const out = await boto3(
      server().endpoint,
      `
import json, os, boto3
iam = boto3.client("iam", endpoint_url=os.environ["ENDPOINT"], region_name="us-east-1")
doc = lambda action: json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": action, "Resource": "*"}]})
arn = iam.create_policy(PolicyName="tf-versioned", PolicyDocument=doc("s3:Get0"))["Policy"]["Arn"]
history = []
for i in range(1, 8):
    # the provider's policyPruneVersions (oldest by CreateDate; all are created within a second here,
    # so the version number breaks ties), then CreatePolicyVersion with SetAsDefault
    versions = iam.list_policy_versions(PolicyArn=arn)["Versions"]
    if len(versions) >= 5:
        oldest = sorted([v for v in versions if not v["IsDefaultVersion"]], key=lambda v: (v["CreateDate"], int(v["VersionId"][1:])))[0]
        iam.delete_policy_version(PolicyArn=arn, VersionId=oldest["VersionId"])
    iam.create_policy_version(PolicyArn=arn, PolicyDocument=doc("s3:Get%d" % i), SetAsDefault=True)
    history.append([v["VersionId"] for v in iam.list_policy_versions(PolicyArn=arn)["Versions"]])
policy = iam.get_policy(PolicyArn=arn)["Policy"]
current = iam.get_policy_version(PolicyArn=arn, VersionId=policy["DefaultVersionId"])["PolicyVersion"]["Document"]
iam.tag_policy(PolicyArn=arn, Tags=[{"Key": "a", "Value": "1"}])
tags = iam.list_policy_tags(PolicyArn=arn)["Tags"]
iam.untag_policy(PolicyArn=arn, TagKeys=["a"])
# destroy: delete non-default versions, then the policy
for v in iam.list_policy_versions(PolicyArn=arn)["Versions"]:
    if not v["IsDefaultVersion"]:
        iam.delete_policy_version(PolicyArn=arn, VersionId=v["VersionId"])
iam.delete_policy(PolicyArn=arn)
print(json.dumps({"history": history, "default": policy["DefaultVersionId"], "action": current["Statement"][0]["Action"], "tags": tags}))
`,
    );
    // Version ids are never reused: the 5th update deletes v1, the 6th v2, the 7th v3 (lists are newest first).
    assert.deepEqual(out.history, [
      ["v2", "v1"],
      ["v3", "v2", "v1"],
      ["v4", "v3", "v2", "v1"],
      ["v5", "v4", "v3", "v2", "v1"],
      ["v6", "v5", "v4", "v3", "v2"],
      ["v7", "v6", "v5", "v4", "v3"],
      ["v8", "v7", "v6", "v5", "v4"],
    ]);
    assert.equal(out.default, "v8");
    assert.equal(out.action, "s3:Get7");
    assert.deepEqual(out.tags, [{ Key: "a", Value: "1" }]);
  });
});

describe("aws_iam_role life through the AWS CLI", { skip: awsCliMissing }, () => {
  it("creates, waits, reads, updates and destroys a role with an instance profile", async () => {
    const e = server().endpoint;
    const ok = async (...args: string[]) => {
      const r = await aws(e, "iam", ...args);
      assert.equal(r.code, 0, `${args[0]}: ${r.stderr}`);
      return r.stdout ? r.json() : undefined;
    };
    const trust = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}';
    const created = await ok("create-role", "--role-name", "cli-fn", "--assume-role-policy-document", trust, "--tags", "Key=app,Value=fn");
    assert.equal(created.Role.Arn, "arn:aws:iam::000000000000:role/cli-fn");
    await ok("wait", "role-exists", "--role-name", "cli-fn");
    await ok("attach-role-policy", "--role-name", "cli-fn", "--policy-arn", "arn:aws:iam::aws:policy/AdministratorAccess");
    await ok("put-role-policy", "--role-name", "cli-fn", "--policy-name", "logs", "--policy-document",
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"logs:*","Resource":"*"}]}');
    await ok("create-instance-profile", "--instance-profile-name", "cli-fn");
    await ok("add-role-to-instance-profile", "--instance-profile-name", "cli-fn", "--role-name", "cli-fn");
    await ok("wait", "instance-profile-exists", "--instance-profile-name", "cli-fn");
    const role = (await ok("get-role", "--role-name", "cli-fn")).Role;
    assert.equal(role.MaxSessionDuration, 3600);
    assert.deepEqual(role.Tags, [{ Key: "app", Value: "fn" }]);
    const listed = (await ok("list-roles")).Roles.find((r: { RoleName: string }) => r.RoleName === "cli-fn");
    assert.equal(listed.Tags, undefined);
    await ok("update-role", "--role-name", "cli-fn", "--max-session-duration", "14400", "--description", "function");
    assert.equal((await ok("get-role", "--role-name", "cli-fn")).Role.MaxSessionDuration, 14400);
    const tags = (await ok("list-role-tags", "--role-name", "cli-fn")).Tags;
    assert.deepEqual(tags, [{ Key: "app", Value: "fn" }]);

    const refused = await aws(e, "iam", "delete-role", "--role-name", "cli-fn");
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /\(DeleteConflict\).*must remove roles from instance profile first/);

    await ok("remove-role-from-instance-profile", "--instance-profile-name", "cli-fn", "--role-name", "cli-fn");
    await ok("delete-instance-profile", "--instance-profile-name", "cli-fn");
    await ok("detach-role-policy", "--role-name", "cli-fn", "--policy-arn", "arn:aws:iam::aws:policy/AdministratorAccess");
    await ok("delete-role-policy", "--role-name", "cli-fn", "--policy-name", "logs");
    await ok("delete-role", "--role-name", "cli-fn");
    const gone = await aws(e, "iam", "get-role", "--role-name", "cli-fn");
    assert.match(gone.stderr, /\(NoSuchEntity\).*The role with name cli-fn cannot be found\./);
  });

  it("updates a policy through versions and deletes it", async () => {
    const e = server().endpoint;
    const doc = (a: string) => `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"${a}","Resource":"*"}]}`;
    const created = (await aws(e, "iam", "create-policy", "--policy-name", "cli-pol", "--policy-document", doc("s3:GetObject"), "--description", "d")).json();
    assert.equal(created.Policy.Description, undefined);
    const arn = created.Policy.Arn;
    const v2 = (await aws(e, "iam", "create-policy-version", "--policy-arn", arn, "--policy-document", doc("s3:PutObject"), "--set-as-default")).json();
    assert.deepEqual([v2.PolicyVersion.VersionId, v2.PolicyVersion.IsDefaultVersion], ["v2", true]);
    const versions = (await aws(e, "iam", "list-policy-versions", "--policy-arn", arn)).json().Versions;
    assert.deepEqual(versions.map((v: { VersionId: string }) => v.VersionId), ["v2", "v1"]);
    const got = (await aws(e, "iam", "get-policy-version", "--policy-arn", arn, "--version-id", "v2")).json().PolicyVersion;
    // The CLI decodes the URL-encoded document into JSON.
    const document = typeof got.Document === "string" ? JSON.parse(decodeURIComponent(got.Document)) : got.Document;
    assert.equal(document.Statement[0].Action, "s3:PutObject");
    const refused = await aws(e, "iam", "delete-policy", "--policy-arn", arn);
    assert.match(refused.stderr, /\(DeleteConflict\).*more than one version/);
    assert.equal((await aws(e, "iam", "delete-policy-version", "--policy-arn", arn, "--version-id", "v1")).code, 0);
    assert.equal((await aws(e, "iam", "delete-policy", "--policy-arn", arn)).code, 0);
  });
});
