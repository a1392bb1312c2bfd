import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  AddUserToGroupCommand,
  AttachGroupPolicyCommand,
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  CreateUserCommand,
  DeletePolicyCommand,
  DetachGroupPolicyCommand,
  GetPolicyCommand,
  ListAttachedGroupPoliciesCommand,
  ListPoliciesCommand,
} from "@aws-sdk/client-iam";
import { useServer } from "../harness.js";
import { expectError, iamClient, policyDoc, unique } from "./helpers.js";

const ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess";

describe("AWS managed policies", () => {
  const server = useServer();
  const iam = () => iamClient(server().endpoint);

  it("GetPolicy answers AdministratorAccess with AWS's id, path and dates", async () => {
    const { Policy } = await iam().send(new GetPolicyCommand({ PolicyArn: ADMIN }));
    assert.equal(Policy!.PolicyName, "AdministratorAccess");
    assert.equal(Policy!.PolicyId, "ANPAIWMBCKSKIEE64ZLYK");
    assert.equal(Policy!.Path, "/");
    assert.equal(Policy!.AttachmentCount, 0);
    assert.equal(Policy!.IsAttachable, true);
    assert.equal(Policy!.CreateDate!.toISOString(), "2015-02-06T18:39:46.000Z");
  });

  it("attaches to groups and users, counts attachments per account, and detaches", async () => {
    const group = unique("admins");
    const user = unique("root-like");
    await iam().send(new CreateGroupCommand({ GroupName: group }));
    await iam().send(new CreateUserCommand({ UserName: user }));
    await iam().send(new AttachGroupPolicyCommand({ GroupName: group, PolicyArn: ADMIN }));
    await iam().send(new AttachUserPolicyCommand({ UserName: user, PolicyArn: ADMIN }));
    assert.deepEqual((await iam().send(new ListAttachedGroupPoliciesCommand({ GroupName: group }))).AttachedPolicies, [
      { PolicyName: "AdministratorAccess", PolicyArn: ADMIN },
    ]);
    assert.equal((await iam().send(new GetPolicyCommand({ PolicyArn: ADMIN }))).Policy!.AttachmentCount, 2);
    // Another account sees its own count.
    assert.equal((await iamClient(server().endpoint, "111111111111").send(new GetPolicyCommand({ PolicyArn: ADMIN }))).Policy!.AttachmentCount, 0);
    await iam().send(new DetachGroupPolicyCommand({ GroupName: group, PolicyArn: ADMIN }));
    assert.equal((await iam().send(new GetPolicyCommand({ PolicyArn: ADMIN }))).Policy!.AttachmentCount, 1);
  });

  it("lists AWS policies before the account's for Scope All, pages across both, and filters by Scope and OnlyAttached", async () => {
    const mine = unique("mine");
    await iam().send(new CreatePolicyCommand({ PolicyName: mine, PolicyDocument: policyDoc() }));
    const aws = (await iam().send(new ListPoliciesCommand({ Scope: "AWS" }))).Policies!.map((p) => p.Arn);
    assert.deepEqual(aws, [ADMIN]);
    assert.ok(!(await iam().send(new ListPoliciesCommand({ Scope: "Local" }))).Policies!.some((p) => p.Arn === ADMIN));
    const all: string[] = [];
    let marker: string | undefined;
    do {
      const page = await iam().send(new ListPoliciesCommand({ MaxItems: 1, Marker: marker }));
      assert.ok(page.Policies!.length <= 1);
      all.push(...page.Policies!.map((p) => p.PolicyName!));
      marker = page.IsTruncated ? page.Marker : undefined;
    } while (marker);
    assert.equal(all[0], "AdministratorAccess");
    assert.ok(all.includes(mine));
    assert.equal(new Set(all).size, all.length, "no policy listed twice");
    const attached = (await iam().send(new ListPoliciesCommand({ Scope: "AWS", OnlyAttached: true }))).Policies!;
    assert.deepEqual(attached.map((p) => [p.PolicyName, p.AttachmentCount]), [["AdministratorAccess", 1]]);
    await expectError(iam().send(new ListPoliciesCommand({ Marker: "aws:99" })), "InvalidInput", 400);
  });

  it("refuses to delete an AWS policy, and answers NoSuchEntity for an AWS policy nubis does not carry", async () => {
    await expectError(iam().send(new DeletePolicyCommand({ PolicyArn: ADMIN })), "UnmodifiableEntity", 400);
    assert.equal((await iam().send(new GetPolicyCommand({ PolicyArn: ADMIN }))).Policy!.PolicyName, "AdministratorAccess");
    const other = "arn:aws:iam::aws:policy/NoSuchManagedPolicy";
    await expectError(iam().send(new GetPolicyCommand({ PolicyArn: other })), "NoSuchEntity", 404, `Policy ${other} does not exist or is not attachable.`);
  });
});

describe("AWS managed policies under --auth iam", () => {
  const server = useServer({ auth: "iam" });

  it("a user whose group has AdministratorAccess may call anything", async () => {
    const root = iamClient(server().endpoint);
    await root.send(new CreateUserCommand({ UserName: "ops" }));
    await root.send(new CreateGroupCommand({ GroupName: "ops-admins" }));
    const key = (await root.send(new CreateAccessKeyCommand({ UserName: "ops" }))).AccessKey!;
    const ops = iamClient(server().endpoint, key.AccessKeyId!, key.SecretAccessKey!);
    await expectError(ops.send(new CreateGroupCommand({ GroupName: "by-ops" })), "AccessDenied", 403);
    await root.send(new AddUserToGroupCommand({ GroupName: "ops-admins", UserName: "ops" }));
    await root.send(new AttachGroupPolicyCommand({ GroupName: "ops-admins", PolicyArn: ADMIN }));
    assert.equal((await ops.send(new CreateGroupCommand({ GroupName: "by-ops" }))).Group!.GroupName, "by-ops");
  });
});
