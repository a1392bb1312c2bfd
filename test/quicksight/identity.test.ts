import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  CreateGroupCommand,
  CreateGroupMembershipCommand,
  DeleteGroupCommand,
  DeleteGroupMembershipCommand,
  DeleteUserByPrincipalIdCommand,
  DeleteUserCommand,
  DescribeGroupCommand,
  DescribeGroupMembershipCommand,
  DescribeUserCommand,
  ListGroupMembershipsCommand,
  ListGroupsCommand,
  ListUserGroupsCommand,
  ListUsersCommand,
  RegisterUserCommand,
  SearchGroupsCommand,
  UpdateGroupCommand,
  UpdateUserCommand,
} from "@aws-sdk/client-quicksight";
import { CreateRoleCommand, CreateUserCommand } from "@aws-sdk/client-iam";
import { failure, useServer } from "../harness.js";
import { ACCOUNT, iam, quicksight, refusal, subscribe } from "./fixtures.js";

const server = useServer();
const ns = { AwsAccountId: ACCOUNT, Namespace: "default" };

describe("QuickSight users", () => {
  it("answers before a subscription with the not-signed-up error", async () => {
    const qs = quicksight(server().endpoint);
    const error = await failure(qs.send(new ListUsersCommand(ns)));
    assert.equal(error.name, "ResourceNotFoundException");
    assert.equal(error.$metadata.httpStatusCode, 404);
    assert.equal(error.message, `Account ${ACCOUNT} is not signed up with QuickSight with namespace default.`);
    await subscribe(qs);
  });

  it("registers an IAM user that exists, and refuses one that does not", async () => {
    const qs = quicksight(server().endpoint);
    const users = async () => (await qs.send(new ListUsersCommand(ns))).UserList;
    const refused = refusal(users);
    await refused(() => qs.send(new RegisterUserCommand({ ...ns, IdentityType: "IAM", IamArn: `arn:aws:iam::${ACCOUNT}:user/alice`, Email: "a@example.com", UserRole: "AUTHOR" })), "InvalidParameterValueException", 400);
    const iamUser = (await iam(server().endpoint).send(new CreateUserCommand({ UserName: "alice" }))).User!;
    const out = await qs.send(new RegisterUserCommand({ ...ns, IdentityType: "IAM", IamArn: iamUser.Arn, Email: "a@example.com", UserRole: "AUTHOR", Tags: [{ Key: "team", Value: "bi" }] }));
    assert.equal(out.Status, 200);
    assert.equal(out.User!.Arn, `arn:aws:quicksight:us-east-1:${ACCOUNT}:user/default/alice`);
    assert.equal(out.User!.Active, true);
    assert.equal(out.User!.PrincipalId, `federated/iam/${iamUser.UserId}`);
    assert.equal(out.UserInvitationUrl, undefined);
    await refused(() => qs.send(new RegisterUserCommand({ ...ns, IdentityType: "IAM", IamArn: iamUser.Arn, Email: "a@example.com", UserRole: "AUTHOR" })), "ResourceExistsException", 409);
    await refused(() => qs.send(new RegisterUserCommand({ ...ns, IdentityType: "QUICKSIGHT", UserName: "x", Email: "nope", UserRole: "READER" })), "InvalidParameterValueException", 400);
    await refused(() => qs.send(new RegisterUserCommand({ ...ns, IdentityType: "QUICKSIGHT", UserName: "x", Email: "x@example.com", UserRole: "RESTRICTED_READER" })), "InvalidParameterValueException", 400);
    await refused(() => qs.send(new RegisterUserCommand({ ...ns, IdentityType: "QUICKSIGHT", UserName: "x", Email: "x@example.com", UserRole: "BOSS" as never })), "InvalidParameterValueException", 400);
    await refused(() => qs.send(new RegisterUserCommand({ ...ns, IdentityType: "IAM_IDENTITY_CENTER", UserName: "x", Email: "x@example.com", UserRole: "READER" })), "InvalidParameterValueException", 400);
    await refused(() => qs.send(new RegisterUserCommand({ ...ns, IdentityType: "IAM", IamArn: `arn:aws:iam::${ACCOUNT}:role/Analyst`, Email: "x@example.com", UserRole: "READER" })), "InvalidParameterValueException", 400);
    await refused(() => qs.send(new RegisterUserCommand({ ...ns, Namespace: "nope", IdentityType: "QUICKSIGHT", UserName: "x", Email: "x@example.com", UserRole: "READER" })), "ResourceNotFoundException", 404);
  });

  it("registers a role session as RoleName/SessionName, and QUICKSIGHT users inactive with an invitation", async () => {
    const qs = quicksight(server().endpoint);
    const missingRole = await failure(qs.send(new RegisterUserCommand({ ...ns, IdentityType: "IAM", IamArn: `arn:aws:iam::${ACCOUNT}:role/Analyst`, SessionName: "bob", Email: "b@example.com", UserRole: "READER" })));
    assert.equal(missingRole.name, "InvalidParameterValueException");
    const iamRole = (await iam(server().endpoint).send(new CreateRoleCommand({ RoleName: "Analyst", AssumeRolePolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "quicksight.amazonaws.com" }, Action: "sts:AssumeRole" }] }) }))).Role!;
    const role = await qs.send(new RegisterUserCommand({ ...ns, IdentityType: "IAM", IamArn: `arn:aws:iam::${ACCOUNT}:role/Analyst`, SessionName: "bob", Email: "b@example.com", UserRole: "READER" }));
    assert.equal(role.User!.UserName, "Analyst/bob");
    assert.equal(role.User!.PrincipalId, `federated/iam/${iamRole.RoleId}:bob`);
    assert.equal(role.User!.Arn, `arn:aws:quicksight:us-east-1:${ACCOUNT}:user/default/Analyst/bob`);
    const described = await qs.send(new DescribeUserCommand({ ...ns, UserName: "Analyst/bob" }));
    assert.deepEqual(described.User, role.User);
    const carol = await qs.send(new RegisterUserCommand({ ...ns, IdentityType: "QUICKSIGHT", UserName: "carol", Email: "c@example.com", UserRole: "ADMIN" }));
    assert.equal(carol.User!.Active, false);
    assert.match(carol.UserInvitationUrl!, /^https:\/\/us-east-1\.quicksight\.aws\.amazon\.com\/sn\/console\/register\?code=/);
    assert.match(carol.User!.PrincipalId!, /^user\/d-[0-9a-f]{10}\/[0-9a-f-]{36}$/);
  });

  it("lists users in pages, updates email and role, deletes by name and by principal id", async () => {
    const qs = quicksight(server().endpoint);
    const first = await qs.send(new ListUsersCommand({ ...ns, MaxResults: 2 }));
    assert.equal(first.UserList!.length, 2);
    assert.ok(first.NextToken);
    const second = await qs.send(new ListUsersCommand({ ...ns, MaxResults: 2, NextToken: first.NextToken }));
    assert.equal(second.UserList!.length, 1);
    assert.equal(second.NextToken, undefined);
    const refused = refusal(async () => (await qs.send(new ListUsersCommand(ns))).UserList);
    await refused(() => qs.send(new ListUsersCommand({ ...ns, NextToken: "garbage" })), "InvalidNextTokenException", 400);
    await refused(() => qs.send(new UpdateUserCommand({ ...ns, UserName: "carol", Email: "c2@example.com", Role: "SUPER" as never })), "InvalidParameterValueException", 400);
    await refused(() => qs.send(new UpdateUserCommand({ ...ns, UserName: "nobody", Email: "c2@example.com", Role: "READER" })), "ResourceNotFoundException", 404);
    const updated = await qs.send(new UpdateUserCommand({ ...ns, UserName: "carol", Email: "c2@example.com", Role: "READER" }));
    assert.equal(updated.User!.Email, "c2@example.com");
    assert.equal(updated.User!.Role, "READER");
    await refused(() => qs.send(new DeleteUserByPrincipalIdCommand({ ...ns, PrincipalId: "user/d-0/none" })), "ResourceNotFoundException", 404);
    await qs.send(new DeleteUserByPrincipalIdCommand({ ...ns, PrincipalId: updated.User!.PrincipalId }));
    const gone = await failure(qs.send(new DescribeUserCommand({ ...ns, UserName: "carol" })));
    assert.equal(gone.name, "ResourceNotFoundException");
    assert.equal(gone.$metadata.httpStatusCode, 404);
    await qs.send(new DeleteUserCommand({ ...ns, UserName: "Analyst/bob" }));
    await refused(() => qs.send(new DeleteUserCommand({ ...ns, UserName: "Analyst/bob" })), "ResourceNotFoundException", 404);
  });

  it("refuses another account in the URI (401) and another region than the identity region (401)", async () => {
    const error = await failure(quicksight(server().endpoint).send(new ListUsersCommand({ ...ns, AwsAccountId: "111122223333" })));
    assert.equal(error.name, "AccessDeniedException");
    assert.equal(error.$metadata.httpStatusCode, 401);
    const elsewhere = await failure(quicksight(server().endpoint, "eu-west-1").send(new ListUsersCommand(ns)));
    assert.equal(elsewhere.name, "AccessDeniedException");
    assert.equal(elsewhere.$metadata.httpStatusCode, 401);
    assert.equal(elsewhere.message, "Operation is being called from endpoint eu-west-1, but your identity region is us-east-1. Please use the us-east-1 endpoint.");
  });
});

describe("QuickSight groups and memberships", () => {
  it("creates, describes, updates, searches and lists groups", async () => {
    const qs = quicksight(server().endpoint);
    const groups = async () => (await qs.send(new ListGroupsCommand(ns))).GroupList;
    const refused = refusal(groups);
    const created = await qs.send(new CreateGroupCommand({ ...ns, GroupName: "analysts", Description: "BI team" }));
    assert.equal(created.Group!.Arn, `arn:aws:quicksight:us-east-1:${ACCOUNT}:group/default/analysts`);
    assert.match(created.Group!.PrincipalId!, /^group\/d-[0-9a-f]{10}\/[0-9a-f-]{36}$/);
    await qs.send(new CreateGroupCommand({ ...ns, GroupName: "admins" }));
    await refused(() => qs.send(new CreateGroupCommand({ ...ns, GroupName: "analysts" })), "ResourceExistsException", 409);
    await refused(() => qs.send(new CreateGroupCommand({ ...ns, GroupName: "long", Description: "x".repeat(513) })), "InvalidParameterValueException", 400);
    assert.equal((await qs.send(new DescribeGroupCommand({ ...ns, GroupName: "admins" }))).Group!.Description, undefined);
    const updated = await qs.send(new UpdateGroupCommand({ ...ns, GroupName: "admins", Description: "owners" }));
    assert.equal(updated.Group!.Description, "owners");
    await refused(() => qs.send(new UpdateGroupCommand({ ...ns, GroupName: "nope", Description: "x" })), "ResourceNotFoundException", 404);
    const found = await qs.send(new SearchGroupsCommand({ ...ns, Filters: [{ Operator: "StartsWith", Name: "GROUP_NAME", Value: "ana" }] }));
    assert.deepEqual(found.GroupList!.map((g) => g.GroupName), ["analysts"]);
    await refused(() => qs.send(new SearchGroupsCommand({ ...ns, Filters: [{ Operator: "Equals" as never, Name: "GROUP_NAME", Value: "a" }] })), "InvalidParameterValueException", 400);
    assert.deepEqual((await groups())!.map((g) => g.GroupName), ["admins", "analysts"]);
  });

  it("adds a user to a group, lists both ways, removes it; deleting the group drops memberships", async () => {
    const qs = quicksight(server().endpoint);
    const members = async () => (await qs.send(new ListGroupMembershipsCommand({ ...ns, GroupName: "analysts" }))).GroupMemberList;
    const refused = refusal(members);
    await refused(() => qs.send(new CreateGroupMembershipCommand({ ...ns, GroupName: "analysts", MemberName: "ghost" })), "ResourceNotFoundException", 404);
    await refused(() => qs.send(new CreateGroupMembershipCommand({ ...ns, GroupName: "nope", MemberName: "alice" })), "ResourceNotFoundException", 404);
    const added = await qs.send(new CreateGroupMembershipCommand({ ...ns, GroupName: "analysts", MemberName: "alice" }));
    assert.deepEqual(added.GroupMember, { Arn: `arn:aws:quicksight:us-east-1:${ACCOUNT}:user/default/alice`, MemberName: "alice" });
    await qs.send(new CreateGroupMembershipCommand({ ...ns, GroupName: "analysts", MemberName: "alice" }));
    await qs.send(new CreateGroupMembershipCommand({ ...ns, GroupName: "admins", MemberName: "alice" }));
    assert.deepEqual(await members(), [added.GroupMember]);
    assert.deepEqual((await qs.send(new DescribeGroupMembershipCommand({ ...ns, GroupName: "analysts", MemberName: "alice" }))).GroupMember, added.GroupMember);
    const userGroups = await qs.send(new ListUserGroupsCommand({ ...ns, UserName: "alice" }));
    assert.deepEqual(userGroups.GroupList!.map((g) => g.GroupName), ["admins", "analysts"]);
    await qs.send(new DeleteGroupMembershipCommand({ ...ns, GroupName: "analysts", MemberName: "alice" }));
    await refused(() => qs.send(new DeleteGroupMembershipCommand({ ...ns, GroupName: "analysts", MemberName: "alice" })), "ResourceNotFoundException", 404);
    await refused(() => qs.send(new DescribeGroupMembershipCommand({ ...ns, GroupName: "analysts", MemberName: "alice" })), "ResourceNotFoundException", 404);
    await qs.send(new DeleteGroupCommand({ ...ns, GroupName: "admins" }));
    assert.deepEqual((await qs.send(new ListUserGroupsCommand({ ...ns, UserName: "alice" }))).GroupList, []);
    await refused(() => qs.send(new DeleteGroupCommand({ ...ns, GroupName: "admins" })), "ResourceNotFoundException", 404);
  });
});
