import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  AddUserToGroupCommand,
  CreateGroupCommand,
  CreateUserCommand,
  GetGroupCommand,
  type IAMClient,
  ListGroupsForUserCommand,
  RemoveUserFromGroupCommand,
  UpdateGroupCommand,
} from "@aws-sdk/client-iam";
import { useServer } from "../harness.js";
import { ACCOUNT, expectError, iamClient, NAME_PATTERN, unique, validation } from "./helpers.js";

const server = useServer();
let client: IAMClient | undefined;
const iam = () => (client ??= iamClient(server().endpoint));

async function userAndGroup() {
  const user = unique("user");
  const group = unique("group");
  await iam().send(new CreateUserCommand({ UserName: user }));
  await iam().send(new CreateGroupCommand({ GroupName: group }));
  return { user, group };
}

const members = async (group: string) => (await iam().send(new GetGroupCommand({ GroupName: group }))).Users!.map((u) => u.UserName);
const groupsOf = async (user: string) => (await iam().send(new ListGroupsForUserCommand({ UserName: user }))).Groups!.map((g) => g.GroupName);

describe("AddUserToGroup", () => {
  it("adds a member, and adding it again is a no-op", async () => {
    const { user, group } = await userAndGroup();
    await iam().send(new AddUserToGroupCommand({ GroupName: group, UserName: user }));
    const again = await iam().send(new AddUserToGroupCommand({ GroupName: group, UserName: user }));
    assert.equal(again.$metadata.httpStatusCode, 200);
    assert.deepEqual(await members(group), [user]);
    assert.deepEqual(await groupsOf(user), [group]);
  });

  it("answers NoSuchEntity (404) for an unknown user or group, and adds nothing", async () => {
    const { user, group } = await userAndGroup();
    const ghostUser = unique("ghostuser");
    const ghostGroup = unique("ghostgroup");
    await expectError(iam().send(new AddUserToGroupCommand({ GroupName: group, UserName: ghostUser })), "NoSuchEntity", 404, `The user with name ${ghostUser} cannot be found.`);
    await expectError(iam().send(new AddUserToGroupCommand({ GroupName: ghostGroup, UserName: user })), "NoSuchEntity", 404, `The group with name ${ghostGroup} cannot be found.`);
    assert.deepEqual(await members(group), []);
    assert.deepEqual(await groupsOf(user), []);
    await expectError(iam().send(new GetGroupCommand({ GroupName: ghostGroup })), "NoSuchEntity", 404);
  });

  it("answers ValidationError for a bad user name or a missing group name, and adds nothing", async () => {
    const { user, group } = await userAndGroup();
    await expectError(iam().send(new AddUserToGroupCommand({ GroupName: group, UserName: "a b" })), "ValidationError", 400, validation("a b", "userName", NAME_PATTERN));
    await expectError(iam().send(new AddUserToGroupCommand({ UserName: user } as never)), "ValidationError", 400, validation(null, "groupName", "Member must not be null"));
    assert.deepEqual(await members(group), []);
  });
});

describe("RemoveUserFromGroup", () => {
  it("removes a member from both sides", async () => {
    const { user, group } = await userAndGroup();
    await iam().send(new AddUserToGroupCommand({ GroupName: group, UserName: user }));
    await iam().send(new RemoveUserFromGroupCommand({ GroupName: group, UserName: user }));
    assert.deepEqual(await members(group), []);
    assert.deepEqual(await groupsOf(user), []);
  });

  it("answers NoSuchEntity (404) when the user is not a member, or the user or group does not exist; memberships stay", async () => {
    const { user, group } = await userAndGroup();
    const { user: member } = await userAndGroup();
    await iam().send(new AddUserToGroupCommand({ GroupName: group, UserName: member }));
    await expectError(iam().send(new RemoveUserFromGroupCommand({ GroupName: group, UserName: user })), "NoSuchEntity", 404);
    const ghost = unique("ghost");
    await expectError(iam().send(new RemoveUserFromGroupCommand({ GroupName: group, UserName: ghost })), "NoSuchEntity", 404, `The user with name ${ghost} cannot be found.`);
    await expectError(iam().send(new RemoveUserFromGroupCommand({ GroupName: ghost, UserName: member })), "NoSuchEntity", 404, `The group with name ${ghost} cannot be found.`);
    assert.deepEqual(await members(group), [member]);
    assert.deepEqual(await groupsOf(member), [group]);
  });
});

describe("ListGroupsForUser", () => {
  it("returns the user's groups ordered by name, with their ARNs", async () => {
    const user = unique("multi");
    await iam().send(new CreateUserCommand({ UserName: user }));
    const tag = unique("lgfu");
    for (const [name, path] of [[`${tag}-zeta`, "/"], [`${tag}-Alpha`, "/p/"], [`${tag}-beta`, "/"]]) {
      await iam().send(new CreateGroupCommand({ GroupName: name, Path: path }));
      await iam().send(new AddUserToGroupCommand({ GroupName: name, UserName: user }));
    }
    const { Groups } = await iam().send(new ListGroupsForUserCommand({ UserName: user }));
    assert.deepEqual(Groups!.map((g) => g.GroupName), [`${tag}-Alpha`, `${tag}-beta`, `${tag}-zeta`]);
    assert.equal(Groups![0].Arn, `arn:aws:iam::${ACCOUNT}:group/p/${tag}-Alpha`);
  });

  it("shows the new name and ARN after UpdateGroup renames one of the groups, still in name order", async () => {
    const user = unique("renamed-member");
    await iam().send(new CreateUserCommand({ UserName: user }));
    const tag = unique("ord");
    for (const name of [`${tag}-b`, `${tag}-c`]) {
      await iam().send(new CreateGroupCommand({ GroupName: name }));
      await iam().send(new AddUserToGroupCommand({ GroupName: name, UserName: user }));
    }
    await iam().send(new UpdateGroupCommand({ GroupName: `${tag}-c`, NewGroupName: `${tag}-a`, NewPath: "/new/" }));
    const { Groups } = await iam().send(new ListGroupsForUserCommand({ UserName: user }));
    assert.deepEqual(Groups!.map((g) => [g.GroupName, g.Arn]), [
      [`${tag}-a`, `arn:aws:iam::${ACCOUNT}:group/new/${tag}-a`],
      [`${tag}-b`, `arn:aws:iam::${ACCOUNT}:group/${tag}-b`],
    ]);
  });

  it("answers NoSuchEntity (404) for an unknown user", async () => {
    const ghost = unique("nouser");
    await expectError(iam().send(new ListGroupsForUserCommand({ UserName: ghost })), "NoSuchEntity", 404, `The user with name ${ghost} cannot be found.`);
  });
});
