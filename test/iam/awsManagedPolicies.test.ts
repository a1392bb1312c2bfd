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
  GetPolicyVersionCommand,
  SimulatePrincipalPolicyCommand,
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
    const aws = (await iam().send(new ListPoliciesCommand({ Scope: "AWS", MaxItems: 1000 }))).Policies!.map((p) => p.Arn!);
    assert.ok(aws.length >= 30 && aws.includes(ADMIN) && !aws.some((a) => a.includes(":policy/mine")));
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
    assert.equal(all.length, aws.length + (await iam().send(new ListPoliciesCommand({ Scope: "Local", MaxItems: 1000 }))).Policies!.length);
    assert.ok(all.includes(mine));
    assert.equal(new Set(all).size, all.length, "no policy listed twice");
    const attached = (await iam().send(new ListPoliciesCommand({ Scope: "AWS", OnlyAttached: true }))).Policies!;
    assert.deepEqual(attached.map((p) => [p.PolicyName, p.AttachmentCount]), [["AdministratorAccess", 1]]);
    await expectError(iam().send(new ListPoliciesCommand({ Marker: "aws:99" })), "ValidationError", 400, "Invalid Marker.");
  });

  it("carries the most attached policies with AWS's ids, paths and default versions, each document readable and valid", async () => {
    const listed = (await iam().send(new ListPoliciesCommand({ Scope: "AWS", MaxItems: 1000 }))).Policies!;
    const byName = new Map(listed.map((p) => [p.PolicyName!, p]));
    const expected: Array<[string, string, string, string]> = [
      ["PowerUserAccess", "ANPAJYRXTHIB4FOVS3ZXS", "/", "v12"],
      ["IAMFullAccess", "ANPAI7XKCFMBPM3QQRRVQ", "/", "v2"],
      ["IAMReadOnlyAccess", "ANPAJKSO7NDY4T57MWDSQ", "/", "v4"],
      ["AWSLambdaBasicExecutionRole", "ANPAJNCQGXC42545SKXIK", "/service-role/", "v1"],
      ["AmazonECSTaskExecutionRolePolicy", "ANPAJG4T4G4PV56DE72PY", "/service-role/", "v1"],
      ["CloudFrontFullAccess", "ANPAIPRV52SH6HDCCFY6U", "/", "v7"],
      ["AWSKeyManagementServicePowerUser", "ANPAJNPP7PPPPMJRV2SA4", "/", "v2"],
    ];
    for (const [name, id, path, version] of expected) {
      const p = byName.get(name)!;
      assert.deepEqual([p.PolicyId, p.Path, p.DefaultVersionId, p.Arn], [id, path, version, `arn:aws:iam::aws:policy${path}${name}`]);
    }
    const names = listed.map((p) => p.PolicyName!);
    assert.deepEqual(names, [...names].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1)), "ordered by name");
    for (const p of listed) {
      const { PolicyVersion } = await iam().send(new GetPolicyVersionCommand({ PolicyArn: p.Arn, VersionId: p.DefaultVersionId }));
      assert.equal(PolicyVersion!.IsDefaultVersion, true);
      // Each document is one a customer could have written: CreatePolicy takes it (the large ones
      // exceed the customer size quota as on AWS: largeManagedPolicies.test.ts checks their grammar).
      if (decodeURIComponent(PolicyVersion!.Document!).length > 6144) continue;
      const copy = await iam().send(new CreatePolicyCommand({ PolicyName: unique(`copy-${p.PolicyName}`), PolicyDocument: decodeURIComponent(PolicyVersion!.Document!) }));
      assert.ok(copy.Policy!.Arn);
    }
    const underServiceRole = (await iam().send(new ListPoliciesCommand({ Scope: "AWS", PathPrefix: "/service-role/" }))).Policies!;
    assert.ok(underServiceRole.length >= 4 && underServiceRole.every((p) => p.Path === "/service-role/"));
  });

  it("evaluates an attached AWS policy's document (the simulator reads what --auth iam enforces)", async () => {
    const user = unique("lambda-like");
    await iam().send(new CreateUserCommand({ UserName: user }));
    await iam().send(new AttachUserPolicyCommand({ UserName: user, PolicyArn: "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole" }));
    await iam().send(new AttachUserPolicyCommand({ UserName: user, PolicyArn: "arn:aws:iam::aws:policy/PowerUserAccess" }));
    const decide = async (action: string) =>
      (await iam().send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: `arn:aws:iam::000000000000:user/${user}`, ActionNames: [action] }))).EvaluationResults![0].EvalDecision;
    assert.equal(await decide("logs:PutLogEvents"), "allowed");
    assert.equal(await decide("s3:GetObject"), "allowed");
    assert.equal(await decide("iam:CreateUser"), "implicitDeny");
    assert.equal(await decide("iam:ListRoles"), "allowed");
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
