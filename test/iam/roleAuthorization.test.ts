import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  AddRoleToInstanceProfileCommand,
  CreateAccessKeyCommand,
  CreateInstanceProfileCommand,
  CreatePolicyVersionCommand,
  CreateRoleCommand,
  CreateUserCommand,
  CreatePolicyCommand,
  GetRoleCommand,
  PutUserPolicyCommand,
} from "@aws-sdk/client-iam";
import { useServer } from "../harness.js";
import { ACCOUNT, expectError, iamClient, policyDoc, unique } from "./helpers.js";
import { trust } from "./roleFixtures.js";

/** Under --auth iam, role, instance-profile and policy-version calls are authorized on AWS's resource ARNs. */
describe("role operations under --auth iam", () => {
  const server = useServer({ auth: "iam" });

  async function userWith(statements: unknown[]) {
    const root = iamClient(server().endpoint);
    const name = unique("dev");
    await root.send(new CreateUserCommand({ UserName: name }));
    await root.send(new PutUserPolicyCommand({ UserName: name, PolicyName: "p", PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: statements }) }));
    const key = (await root.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
    return { root, user: iamClient(server().endpoint, key.AccessKeyId!, key.SecretAccessKey!) };
  }

  it("CreateRole needs iam:CreateRole on the role's ARN (path included), and iam:TagRole when tagged", async () => {
    const { user } = await userWith([{ Effect: "Allow", Action: ["iam:CreateRole", "iam:GetRole"], Resource: `arn:aws:iam::${ACCOUNT}:role/app/*` }]);
    const name = unique("app");
    await expectError(user.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trust() })), "AccessDenied", 403);
    await expectError(user.send(new CreateRoleCommand({ RoleName: name, Path: "/app/", AssumeRolePolicyDocument: trust(), Tags: [{ Key: "a", Value: "b" }] })), "AccessDenied", 403);
    const { Role } = await user.send(new CreateRoleCommand({ RoleName: name, Path: "/app/", AssumeRolePolicyDocument: trust() }));
    assert.equal(Role!.Path, "/app/");
    assert.equal((await user.send(new GetRoleCommand({ RoleName: name }))).Role!.RoleId, Role!.RoleId);
  });

  it("iam:PermissionsBoundary conditions see the boundary a create sets (the delegated-admin pattern)", async () => {
    const root = iamClient(server().endpoint);
    const boundary = (await root.send(new CreatePolicyCommand({ PolicyName: unique("boundary"), PolicyDocument: policyDoc("s3:*") }))).Policy!;
    const { user } = await userWith([
      { Effect: "Allow", Action: "iam:CreateRole", Resource: "*", Condition: { StringEquals: { "iam:PermissionsBoundary": boundary.Arn } } },
    ]);
    await expectError(user.send(new CreateRoleCommand({ RoleName: unique("free"), AssumeRolePolicyDocument: trust() })), "AccessDenied", 403);
    const { Role } = await user.send(new CreateRoleCommand({ RoleName: unique("bounded"), AssumeRolePolicyDocument: trust(), PermissionsBoundary: boundary.Arn }));
    assert.deepEqual(Role!.PermissionsBoundary, { PermissionsBoundaryType: "PermissionsBoundaryPolicy", PermissionsBoundaryArn: boundary.Arn });
  });

  it("instance profiles and policy versions are authorized on their own ARNs", async () => {
    const { root, user } = await userWith([
      { Effect: "Allow", Action: "iam:CreateInstanceProfile", Resource: `arn:aws:iam::${ACCOUNT}:instance-profile/*` },
      { Effect: "Allow", Action: "iam:CreatePolicyVersion", Resource: `arn:aws:iam::${ACCOUNT}:policy/mine-*` },
    ]);
    const profile = unique("ip");
    await user.send(new CreateInstanceProfileCommand({ InstanceProfileName: profile }));
    const role = unique("r");
    await root.send(new CreateRoleCommand({ RoleName: role, AssumeRolePolicyDocument: trust() }));
    await expectError(user.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: profile, RoleName: role })), "AccessDenied", 403);
    const mine = (await root.send(new CreatePolicyCommand({ PolicyName: unique("mine-"), PolicyDocument: policyDoc() }))).Policy!;
    const theirs = (await root.send(new CreatePolicyCommand({ PolicyName: unique("theirs-"), PolicyDocument: policyDoc() }))).Policy!;
    await user.send(new CreatePolicyVersionCommand({ PolicyArn: mine.Arn, PolicyDocument: policyDoc("s3:PutObject") }));
    await expectError(user.send(new CreatePolicyVersionCommand({ PolicyArn: theirs.Arn, PolicyDocument: policyDoc("s3:PutObject") })), "AccessDenied", 403);
  });
});
