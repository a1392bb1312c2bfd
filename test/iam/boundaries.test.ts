import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  AttachGroupPolicyCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  DeletePolicyCommand,
  DeleteRoleCommand,
  DeleteRolePermissionsBoundaryCommand,
  DeleteUserCommand,
  DeleteUserPermissionsBoundaryCommand,
  GetPolicyCommand,
  GetRoleCommand,
  GetUserCommand,
  type IAMClient,
  ListEntitiesForPolicyCommand,
  ListPoliciesCommand,
  ListUsersCommand,
  PutRolePermissionsBoundaryCommand,
  PutUserPermissionsBoundaryCommand,
  UpdateGroupCommand,
  UpdateUserCommand,
} from "@aws-sdk/client-iam";
import { useServer } from "../harness.js";
import { ACCOUNT, expectError, iamClient, policyDoc, unique } from "./helpers.js";
import { trust } from "./roleFixtures.js";

const server = useServer();
let client: IAMClient | undefined;
const iam = () => (client ??= iamClient(server().endpoint));

const newPolicy = async () => (await iam().send(new CreatePolicyCommand({ PolicyName: unique("boundary"), PolicyDocument: policyDoc("s3:*") }))).Policy!;
const usage = async (PolicyArn: string) => (await iam().send(new GetPolicyCommand({ PolicyArn }))).Policy!;
const boundaryOf = (arn: string) => ({ PermissionsBoundaryType: "PermissionsBoundaryPolicy", PermissionsBoundaryArn: arn });

describe("permissions boundaries", () => {
  it("sets, replaces and removes a user's boundary, counting PermissionsBoundaryUsageCount, not AttachmentCount", async () => {
    const [a, b] = [await newPolicy(), await newPolicy()];
    const user = unique("bounded");
    const { User } = await iam().send(new CreateUserCommand({ UserName: user, PermissionsBoundary: a.Arn }));
    assert.deepEqual(User!.PermissionsBoundary, boundaryOf(a.Arn!));
    assert.equal((await usage(a.Arn!)).PermissionsBoundaryUsageCount, 1);
    assert.equal((await usage(a.Arn!)).AttachmentCount, 0);
    const listed = (await iam().send(new ListUsersCommand({ MaxItems: 1000 }))).Users!.find((u) => u.UserName === user)!;
    assert.equal(listed.PermissionsBoundary, undefined);
    const entities = await iam().send(new ListEntitiesForPolicyCommand({ PolicyArn: a.Arn, PolicyUsageFilter: "PermissionsBoundary" }));
    assert.deepEqual(entities.PolicyUsers, [{ UserName: user, UserId: User!.UserId }]);
    assert.deepEqual((await iam().send(new ListEntitiesForPolicyCommand({ PolicyArn: a.Arn, PolicyUsageFilter: "PermissionsPolicy" }))).PolicyUsers, []);
    await expectError(iam().send(new DeletePolicyCommand({ PolicyArn: a.Arn })), "DeleteConflict", 409, "Cannot delete a policy attached to entities.");

    await iam().send(new PutUserPermissionsBoundaryCommand({ UserName: user, PermissionsBoundary: b.Arn }));
    assert.deepEqual((await iam().send(new GetUserCommand({ UserName: user }))).User!.PermissionsBoundary, boundaryOf(b.Arn!));
    assert.equal((await usage(a.Arn!)).PermissionsBoundaryUsageCount, 0);
    assert.equal((await usage(b.Arn!)).PermissionsBoundaryUsageCount, 1);

    // A rename keeps the boundary and ListEntitiesForPolicy follows the new name.
    const renamed = unique("renamed");
    await iam().send(new UpdateUserCommand({ UserName: user, NewUserName: renamed }));
    assert.deepEqual((await iam().send(new ListEntitiesForPolicyCommand({ PolicyArn: b.Arn }))).PolicyUsers, [{ UserName: renamed, UserId: User!.UserId }]);

    await iam().send(new DeleteUserPermissionsBoundaryCommand({ UserName: renamed }));
    await iam().send(new DeleteUserPermissionsBoundaryCommand({ UserName: renamed }));
    assert.equal((await iam().send(new GetUserCommand({ UserName: renamed }))).User!.PermissionsBoundary, undefined);
    assert.equal((await usage(b.Arn!)).PermissionsBoundaryUsageCount, 0);
    await iam().send(new DeletePolicyCommand({ PolicyArn: a.Arn }));
  });

  it("sets a role's boundary (an AWS managed policy too); DeleteRole is not blocked by it", async () => {
    const role = unique("brole");
    await iam().send(new CreateRoleCommand({ RoleName: role, AssumeRolePolicyDocument: trust() }));
    const aws = "arn:aws:iam::aws:policy/AdministratorAccess";
    await iam().send(new PutRolePermissionsBoundaryCommand({ RoleName: role, PermissionsBoundary: aws }));
    assert.deepEqual((await iam().send(new GetRoleCommand({ RoleName: role }))).Role!.PermissionsBoundary, boundaryOf(aws));
    assert.equal((await usage(aws)).PermissionsBoundaryUsageCount, 1);
    await iam().send(new DeleteRolePermissionsBoundaryCommand({ RoleName: role }));
    assert.equal((await iam().send(new GetRoleCommand({ RoleName: role }))).Role!.PermissionsBoundary, undefined);
    const p = await newPolicy();
    await iam().send(new PutRolePermissionsBoundaryCommand({ RoleName: role, PermissionsBoundary: p.Arn }));
    await iam().send(new DeleteRoleCommand({ RoleName: role }));
    assert.equal((await usage(p.Arn!)).PermissionsBoundaryUsageCount, 0);
    assert.equal((await usage(aws)).PermissionsBoundaryUsageCount, 0);
  });

  it("ListPolicies PolicyUsageFilter=PermissionsBoundary lists the policies in use as boundaries", async () => {
    const [used, unused] = [await newPolicy(), await newPolicy()];
    const user = unique("filtered");
    await iam().send(new CreateUserCommand({ UserName: user, PermissionsBoundary: used.Arn }));
    const names = async (filter: "PermissionsBoundary" | "PermissionsPolicy") =>
      (await iam().send(new ListPoliciesCommand({ Scope: "Local", PolicyUsageFilter: filter, MaxItems: 1000 }))).Policies!.map((p) => p.PolicyName);
    assert.ok((await names("PermissionsBoundary")).includes(used.PolicyName));
    assert.ok(!(await names("PermissionsBoundary")).includes(unused.PolicyName));
    assert.ok((await names("PermissionsPolicy")).includes(unused.PolicyName));
    await iam().send(new DeleteUserCommand({ UserName: user }));
    assert.ok(!(await names("PermissionsBoundary")).includes(used.PolicyName));
  });

  it("ListEntitiesForPolicy follows a group renamed and moved", async () => {
    const p = await newPolicy();
    const group = unique("grp");
    const { Group } = await iam().send(new CreateGroupCommand({ GroupName: group }));
    await iam().send(new AttachGroupPolicyCommand({ GroupName: group, PolicyArn: p.Arn }));
    const renamed = unique("grp-renamed");
    await iam().send(new UpdateGroupCommand({ GroupName: group, NewGroupName: renamed, NewPath: "/moved/" }));
    assert.deepEqual((await iam().send(new ListEntitiesForPolicyCommand({ PolicyArn: p.Arn }))).PolicyGroups, [{ GroupName: renamed, GroupId: Group!.GroupId }]);
    assert.deepEqual((await iam().send(new ListEntitiesForPolicyCommand({ PolicyArn: p.Arn, PathPrefix: "/moved/" }))).PolicyGroups!.length, 1);
    assert.deepEqual((await iam().send(new ListEntitiesForPolicyCommand({ PolicyArn: p.Arn, PathPrefix: "/other/" }))).PolicyGroups, []);
    await expectError(iam().send(new ListEntitiesForPolicyCommand({ PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/ghost` })), "NoSuchEntity", 404, `Policy arn:aws:iam::${ACCOUNT}:policy/ghost was not found.`);
  });

  it("refuses an unknown or malformed boundary and an unknown entity, changing nothing", async () => {
    const p = await newPolicy();
    const user = unique("keep");
    await iam().send(new CreateUserCommand({ UserName: user, PermissionsBoundary: p.Arn }));
    const ghost = `arn:aws:iam::${ACCOUNT}:policy/ghost`;
    await expectError(iam().send(new PutUserPermissionsBoundaryCommand({ UserName: user, PermissionsBoundary: ghost })), "NoSuchEntity", 404,
      `Scope ARN: ${ghost} does not exist or is not attachable.`);
    await expectError(iam().send(new PutUserPermissionsBoundaryCommand({ UserName: user, PermissionsBoundary: "arn:aws:s3:::not-a-policy" })), "InvalidInput", 400,
      "ARN arn:aws:s3:::not-a-policy is not valid.");
    await expectError(iam().send(new PutUserPermissionsBoundaryCommand({ UserName: "ghost", PermissionsBoundary: p.Arn })), "NoSuchEntity", 404, "The user with name ghost cannot be found.");
    await expectError(iam().send(new PutRolePermissionsBoundaryCommand({ RoleName: "ghost", PermissionsBoundary: p.Arn })), "NoSuchEntity", 404, "The role with name ghost cannot be found.");
    await expectError(iam().send(new CreateUserCommand({ UserName: unique("nope"), PermissionsBoundary: ghost })), "NoSuchEntity", 404);
    assert.deepEqual((await iam().send(new GetUserCommand({ UserName: user }))).User!.PermissionsBoundary, boundaryOf(p.Arn!));
    assert.equal((await usage(p.Arn!)).PermissionsBoundaryUsageCount, 1);
    await iam().send(new DeleteUserCommand({ UserName: user }));
    assert.equal((await usage(p.Arn!)).PermissionsBoundaryUsageCount, 0);
  });
});
