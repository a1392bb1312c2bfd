/** ReadOnlyAccess, ViewOnlyAccess and SecurityAudit (large documents), and AmazonSNSReadOnlyAccess at v2. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetUserCommand,
  ListAttachedRolePoliciesCommand,
  ListPoliciesCommand,
} from "@aws-sdk/client-iam";
import { parseIdentityPolicy } from "../../src/services/iam/policyDocument.js";
import { boto3, boto3Missing, useServer } from "../harness.js";
import { ACCOUNT, expectError, iamClient, unique } from "./helpers.js";

const server = useServer({ auth: "iam" });

const POLICIES = [
  { name: "ReadOnlyAccess", arn: "arn:aws:iam::aws:policy/ReadOnlyAccess", id: "ANPAILL3HVNFSB6DCOWYQ", path: "/", version: "v182" },
  { name: "ViewOnlyAccess", arn: "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess", id: "ANPAID22R6XPJATWOFDK6", path: "/job-function/", version: "v45" },
  { name: "SecurityAudit", arn: "arn:aws:iam::aws:policy/SecurityAudit", id: "ANPAIX2T3QCXHR2OGGCTO", path: "/", version: "v86" },
  { name: "AmazonSNSReadOnlyAccess", arn: "arn:aws:iam::aws:policy/AmazonSNSReadOnlyAccess", id: "ANPAIZGQCQTFOFPMHSB6W", path: "/", version: "v2" },
];

type Doc = { Version: string; Statement: Array<{ Sid?: string; Effect: string; Action: string | string[]; Resource: string | string[] }> };
const actionsOf = (doc: Doc) => doc.Statement.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));

describe("large AWS managed policies", () => {
  it("lists them with Scope=AWS, with AWS's ids, paths and default versions", async () => {
    const iam = iamClient(server().endpoint);
    const listed = new Map<string, { PolicyId?: string; Path?: string; DefaultVersionId?: string; Arn?: string }>();
    let Marker: string | undefined;
    do {
      const page = await iam.send(new ListPoliciesCommand({ Scope: "AWS", Marker, MaxItems: 10 }));
      for (const p of page.Policies!) listed.set(p.PolicyName!, p);
      Marker = page.IsTruncated ? page.Marker : undefined;
    } while (Marker);
    for (const p of POLICIES) {
      const row = listed.get(p.name);
      assert.ok(row, `${p.name} listed`);
      assert.deepEqual([row.Arn, row.PolicyId, row.Path, row.DefaultVersionId], [p.arn, p.id, p.path, p.version]);
    }
    const view = await iam.send(new ListPoliciesCommand({ Scope: "AWS", PathPrefix: "/job-function/" }));
    assert.ok(view.Policies!.some((p) => p.PolicyName === "ViewOnlyAccess"));
  });

  it("GetPolicyVersion returns each default document, in AWS's statement order", async () => {
    const iam = iamClient(server().endpoint);
    const docs: Record<string, Doc> = {};
    for (const p of POLICIES) {
      const { Policy } = await iam.send(new GetPolicyCommand({ PolicyArn: p.arn }));
      assert.equal(Policy!.DefaultVersionId, p.version);
      const { PolicyVersion } = await iam.send(new GetPolicyVersionCommand({ PolicyArn: p.arn, VersionId: p.version }));
      assert.equal(PolicyVersion!.IsDefaultVersion, true);
      docs[p.name] = JSON.parse(decodeURIComponent(PolicyVersion!.Document!)) as Doc;
      assert.equal(docs[p.name].Version, "2012-10-17");
      // Valid under IAM's own grammar, though over the customer size quota.
      assert.ok(parseIdentityPolicy(decodeURIComponent(PolicyVersion!.Document!)).length);
    }
    const ro = docs.ReadOnlyAccess;
    assert.deepEqual(ro.Statement.map((s) => s.Sid), ["ReadOnlyActionsGroup1", "ReadOnlyActionsGroup2", "S3ExpressReadOnlySessionObjectAccess"]);
    assert.equal(actionsOf(ro)[0], "a4b:Get*", "actions keep AWS's order");
    assert.ok(actionsOf(ro).length > 2000);
    assert.ok(actionsOf(ro).includes("iam:Get*") && actionsOf(ro).includes("kms:List*"));
    assert.deepEqual(docs.ViewOnlyAccess.Statement.map((s) => s.Sid), ["GeneralViewOnlyAccessStatement", "APIGatewayAccess"]);
    assert.deepEqual(docs.SecurityAudit.Statement.map((s) => s.Sid), ["BaseSecurityAuditStatement", "APIGatewayAccess"]);
    assert.deepEqual(docs.AmazonSNSReadOnlyAccess.Statement.map((s) => s.Sid), ["SNSReadOnlyAccess", "SMSAccessViaSNS"]);
    await expectError(iam.send(new GetPolicyVersionCommand({ PolicyArn: POLICIES[0].arn, VersionId: "v1" })), "NoSuchEntity", 404);
  });

  it("attaches to roles and users; under --auth iam ReadOnlyAccess allows iam:GetUser and denies iam:CreateUser", async () => {
    const root = iamClient(server().endpoint);
    const role = unique("auditor");
    await root.send(
      new CreateRoleCommand({
        RoleName: role,
        AssumeRolePolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "sts:AssumeRole" }] }),
      }),
    );
    for (const p of POLICIES.slice(1, 3)) await root.send(new AttachRolePolicyCommand({ RoleName: role, PolicyArn: p.arn }));
    const attached = await root.send(new ListAttachedRolePoliciesCommand({ RoleName: role }));
    assert.deepEqual(attached.AttachedPolicies!.map((a) => a.PolicyArn).sort(), [POLICIES[2].arn, POLICIES[1].arn].sort());

    const name = unique("reader");
    await root.send(new CreateUserCommand({ UserName: name }));
    await root.send(new AttachUserPolicyCommand({ UserName: name, PolicyArn: POLICIES[0].arn }));
    assert.equal((await root.send(new GetPolicyCommand({ PolicyArn: POLICIES[0].arn }))).Policy!.AttachmentCount, 1);
    const key = (await root.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
    const reader = iamClient(server().endpoint, key.AccessKeyId!, key.SecretAccessKey!);
    assert.equal((await reader.send(new GetUserCommand({ UserName: name }))).User!.UserName, name);
    const denied = unique("never");
    await expectError(
      reader.send(new CreateUserCommand({ UserName: denied })),
      "AccessDenied",
      403,
      `User: arn:aws:iam::${ACCOUNT}:user/${name} is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::${ACCOUNT}:user/${denied} because no identity-based policy allows the iam:CreateUser action`,
    );
    await expectError(root.send(new GetUserCommand({ UserName: denied })), "NoSuchEntity", 404);
  });
});

describe("ReadOnlyAccess as Terraform reads and attaches it, through boto3", { skip: boto3Missing }, () => {
  it("data aws_iam_policy reads it, aws_iam_role_policy_attachment attaches and destroys", async () => {
    const out = await boto3(
      server().endpoint,
      `
import json, os, boto3
iam = boto3.client("iam", endpoint_url=os.environ["ENDPOINT"], region_name="us-east-1")
arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
# data "aws_iam_policy": GetPolicy, then the default version's document
policy = iam.get_policy(PolicyArn=arn)["Policy"]
document = iam.get_policy_version(PolicyArn=arn, VersionId=policy["DefaultVersionId"])["PolicyVersion"]["Document"]
iam.create_role(RoleName="tf-readonly", AssumeRolePolicyDocument=json.dumps(trust))
iam.attach_role_policy(RoleName="tf-readonly", PolicyArn=arn)
attached = iam.list_attached_role_policies(RoleName="tf-readonly")["AttachedPolicies"]
count = iam.get_policy(PolicyArn=arn)["Policy"]["AttachmentCount"]
iam.detach_role_policy(RoleName="tf-readonly", PolicyArn=arn)
iam.delete_role(RoleName="tf-readonly")
print(json.dumps({"id": policy["PolicyId"], "version": policy["DefaultVersionId"], "sids": [s["Sid"] for s in document["Statement"]],
  "actions": sum(len(s["Action"]) if isinstance(s["Action"], list) else 1 for s in document["Statement"]),
  "attached": attached, "count": count, "after": iam.get_policy(PolicyArn=arn)["Policy"]["AttachmentCount"]}))
`,
    );
    assert.equal(out.id, "ANPAILL3HVNFSB6DCOWYQ");
    assert.equal(out.version, "v182");
    assert.deepEqual(out.sids, ["ReadOnlyActionsGroup1", "ReadOnlyActionsGroup2", "S3ExpressReadOnlySessionObjectAccess"]);
    assert.ok(out.actions > 2000);
    assert.deepEqual(out.attached, [{ PolicyName: "ReadOnlyAccess", PolicyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess" }]);
    assert.equal(out.after, out.count - 1, "the detach lowers this account's count (another test attaches it too)");
  });
});
