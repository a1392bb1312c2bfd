import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  AddUserToGroupCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  DeleteUserCommand,
  GetGroupCommand,
  GetUserCommand,
  type IAMClient,
  ListAccessKeysCommand,
  ListGroupsForUserCommand,
  ListUsersCommand,
  RemoveUserFromGroupCommand,
  UpdateUserCommand,
} from "@aws-sdk/client-iam";
import { useServer } from "../harness.js";
import { ACCOUNT, expectError, iamClient, ID, NAME_PATTERN, PATH_PATTERN, unique, validation } from "./helpers.js";

const server = useServer();
let client: IAMClient | undefined;
const iam = () => (client ??= iamClient(server().endpoint));

const allUserNames = async () => (await iam().send(new ListUsersCommand({ MaxItems: 1000 }))).Users!.map((u) => u.UserName!);

describe("CreateUser / GetUser", () => {
  it("creates a user with an AIDA id and AWS's ARN, and returns its tags", async () => {
    const name = unique("alice");
    const tags = [{ Key: "team", Value: "platform" }, { Key: "cost-center", Value: "" }];
    const { User } = await iam().send(new CreateUserCommand({ UserName: name, Path: "/staff/", Tags: tags }));
    assert.equal(User!.UserName, name);
    assert.equal(User!.Path, "/staff/");
    assert.match(User!.UserId!, ID.user);
    assert.equal(User!.Arn, `arn:aws:iam::${ACCOUNT}:user/staff/${name}`);
    assert.equal(User!.CreateDate!.getUTCMilliseconds(), 0);
    assert.deepEqual(User!.Tags, tags);
    const got = await iam().send(new GetUserCommand({ UserName: name }));
    assert.deepEqual(got.User, User);
  });

  it("defaults the path to / and accepts names of exactly 64 characters", async () => {
    const name = ("u" + unique("x")).padEnd(64, "z");
    const { User } = await iam().send(new CreateUserCommand({ UserName: name }));
    assert.equal(User!.Path, "/");
    assert.equal(User!.Arn, `arn:aws:iam::${ACCOUNT}:user/${name}`);
    assert.equal(User!.Tags, undefined);
  });

  it("answers EntityAlreadyExists (409) for a user name taken in any case, and keeps the original", async () => {
    const name = unique("Bob");
    const { User } = await iam().send(new CreateUserCommand({ UserName: name }));
    for (const again of [name, name.toLowerCase(), name.toUpperCase()]) {
      await expectError(iam().send(new CreateUserCommand({ UserName: again, Path: "/other/" })), "EntityAlreadyExists", 409, `User with name ${again} already exists.`);
    }
    assert.deepEqual((await iam().send(new GetUserCommand({ UserName: name }))).User, User);
    assert.deepEqual((await allUserNames()).filter((n) => n.toLowerCase() === name.toLowerCase()), [name]);
  });

  it("answers ValidationError for a 65-character name, a bad name, a bad path and a missing name; creates nothing", async () => {
    const before = await allUserNames();
    const long = "u".repeat(65);
    await expectError(
      iam().send(new CreateUserCommand({ UserName: long })),
      "ValidationError",
      400,
      validation(long, "userName", "Member must have length less than or equal to 64"),
    );
    await expectError(iam().send(new CreateUserCommand({ UserName: "no#hash" })), "ValidationError", 400, validation("no#hash", "userName", NAME_PATTERN));
    await expectError(iam().send(new CreateUserCommand({ UserName: "pathy", Path: "//x" })), "ValidationError", 400, validation("//x", "path", PATH_PATTERN));
    await expectError(iam().send(new CreateUserCommand({} as never)), "ValidationError", 400, validation(null, "userName", "Member must not be null"));
    assert.deepEqual(await allUserNames(), before);
    await expectError(iam().send(new GetUserCommand({ UserName: "pathy" })), "NoSuchEntity", 404);
  });

  it("answers ValidationError for 51 tags or a bad tag key and InvalidInput for keys equal ignoring case; creates nothing", async () => {
    const before = await allUserNames();
    const name = unique("tagged");
    const many = Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: "v" }));
    await expectError(
      iam().send(new CreateUserCommand({ UserName: name, Tags: many })),
      "ValidationError",
      400,
      validation(`[${many.map((t) => `${t.Key}=${t.Value}`).join(", ")}]`, "tags", "Member must have length less than or equal to 50"),
    );
    await expectError(
      iam().send(new CreateUserCommand({ UserName: name, Tags: [{ Key: "a#", Value: "1" }] })),
      "ValidationError",
      400,
      validation("a#", "tags.1.member.key", "Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+"),
    );
    await expectError(
      iam().send(new CreateUserCommand({ UserName: name, Tags: [{ Key: "team", Value: "1" }, { Key: "TEAM", Value: "2" }] })),
      "InvalidInput",
      400,
      "Duplicate tag keys found. Please note that Tag keys are case insensitive.",
    );
    assert.deepEqual(await allUserNames(), before);
    await expectError(iam().send(new GetUserCommand({ UserName: name })), "NoSuchEntity", 404);
    const { User } = await iam().send(new CreateUserCommand({ UserName: name, Tags: many.slice(0, 50) }));
    assert.equal(User!.Tags!.length, 50);
  });

  it("answers NoSuchEntity (404) for an unknown user", async () => {
    const name = unique("nobody");
    await expectError(iam().send(new GetUserCommand({ UserName: name })), "NoSuchEntity", 404, `The user with name ${name} cannot be found.`);
  });

  it("GetUser without UserName returns the caller: the account root for the default key", async () => {
    const { User } = await iam().send(new GetUserCommand({}));
    assert.equal(User!.Arn, `arn:aws:iam::${ACCOUNT}:root`);
    assert.equal(User!.UserId, ACCOUNT);
    assert.equal(User!.UserName, undefined);
  });
});

describe("ListUsers", () => {
  it("lists users ordered by name, filtered by PathPrefix", async () => {
    const tag = unique("lu");
    for (const [UserName, Path] of [[`${tag}-c`, "/x/"], [`${tag}-a`, "/y/"], [`${tag}-b`, "/x/sub/"]]) {
      await iam().send(new CreateUserCommand({ UserName, Path }));
    }
    const all = await allUserNames();
    assert.deepEqual(all.filter((n) => n.startsWith(tag)), [`${tag}-a`, `${tag}-b`, `${tag}-c`]);
    assert.deepEqual([...all].sort((x, y) => x.toLowerCase().localeCompare(y.toLowerCase())), all);
    const x = (await iam().send(new ListUsersCommand({ PathPrefix: "/x/" }))).Users!;
    assert.deepEqual(x.map((u) => u.UserName).filter((n) => n!.startsWith(tag)), [`${tag}-b`, `${tag}-c`]);
    await expectError(iam().send(new ListUsersCommand({ MaxItems: 1001 })), "ValidationError", 400, validation(1001, "maxItems", "Member must have value less than or equal to 1000"));
  });
});

describe("UpdateUser", () => {
  it("renames a user: same id, groups follow (GetGroup, ListGroupsForUser), access keys follow", async () => {
    const name = unique("carol");
    const group = unique("grp");
    const { User } = await iam().send(new CreateUserCommand({ UserName: name }));
    await iam().send(new CreateGroupCommand({ GroupName: group }));
    await iam().send(new AddUserToGroupCommand({ GroupName: group, UserName: name }));
    const { AccessKey } = await iam().send(new CreateAccessKeyCommand({ UserName: name }));
    const newName = unique("caroline");
    await iam().send(new UpdateUserCommand({ UserName: name, NewUserName: newName, NewPath: "/moved/" }));
    const got = (await iam().send(new GetUserCommand({ UserName: newName }))).User!;
    assert.equal(got.UserId, User!.UserId);
    assert.equal(got.Arn, `arn:aws:iam::${ACCOUNT}:user/moved/${newName}`);
    await expectError(iam().send(new GetUserCommand({ UserName: name })), "NoSuchEntity", 404, `The user with name ${name} cannot be found.`);
    assert.deepEqual((await iam().send(new GetGroupCommand({ GroupName: group }))).Users!.map((u) => [u.UserName, u.UserId]), [[newName, User!.UserId]]);
    assert.deepEqual((await iam().send(new ListGroupsForUserCommand({ UserName: newName }))).Groups!.map((g) => g.GroupName), [group]);
    const keys = (await iam().send(new ListAccessKeysCommand({ UserName: newName }))).AccessKeyMetadata!;
    assert.deepEqual(keys.map((k) => [k.AccessKeyId, k.UserName]), [[AccessKey!.AccessKeyId, newName]]);
    // The membership is removable under the new name.
    await iam().send(new RemoveUserFromGroupCommand({ GroupName: group, UserName: newName }));
    assert.deepEqual((await iam().send(new GetGroupCommand({ GroupName: group }))).Users, []);
  });

  it("answers EntityAlreadyExists (409) for a case-only rename and for another user's name; nothing changes", async () => {
    const name = unique("shira");
    const other = unique("dana");
    const { User } = await iam().send(new CreateUserCommand({ UserName: name }));
    const { User: Other } = await iam().send(new CreateUserCommand({ UserName: other }));
    await expectError(iam().send(new UpdateUserCommand({ UserName: name, NewUserName: name.toUpperCase() })), "EntityAlreadyExists", 409, `User with name ${name.toUpperCase()} already exists.`);
    await expectError(iam().send(new UpdateUserCommand({ UserName: name, NewUserName: other.toUpperCase(), NewPath: "/p/" })), "EntityAlreadyExists", 409);
    assert.deepEqual((await iam().send(new GetUserCommand({ UserName: name }))).User, User);
    assert.deepEqual((await iam().send(new GetUserCommand({ UserName: other }))).User, Other);
  });

  it("answers NoSuchEntity (404) for an unknown user and ValidationError for a 65-character new name", async () => {
    const ghost = unique("ghost");
    const target = unique("target");
    await expectError(iam().send(new UpdateUserCommand({ UserName: ghost, NewUserName: target })), "NoSuchEntity", 404, `The user with name ${ghost} cannot be found.`);
    assert.ok(!(await allUserNames()).includes(target));
    const name = unique("eve");
    const { User } = await iam().send(new CreateUserCommand({ UserName: name }));
    const long = "e".repeat(65);
    await expectError(iam().send(new UpdateUserCommand({ UserName: name, NewUserName: long })), "ValidationError", 400, validation(long, "newUserName", "Member must have length less than or equal to 64"));
    assert.deepEqual((await iam().send(new GetUserCommand({ UserName: name }))).User, User);
  });
});

describe("DeleteUser", () => {
  it("deletes a user with nothing attached", async () => {
    const name = unique("temp");
    await iam().send(new CreateUserCommand({ UserName: name }));
    await iam().send(new DeleteUserCommand({ UserName: name }));
    await expectError(iam().send(new GetUserCommand({ UserName: name })), "NoSuchEntity", 404);
    assert.ok(!(await allUserNames()).includes(name));
  });

  it("answers NoSuchEntity (404) for an unknown user", async () => {
    const name = unique("nouser");
    await expectError(iam().send(new DeleteUserCommand({ UserName: name })), "NoSuchEntity", 404, `The user with name ${name} cannot be found.`);
  });

  it("answers DeleteConflict (409) while the user is in a group, then while it has access keys; nothing is removed", async () => {
    const name = unique("busy");
    const group = unique("g");
    const { User } = await iam().send(new CreateUserCommand({ UserName: name }));
    await iam().send(new CreateGroupCommand({ GroupName: group }));
    await iam().send(new AddUserToGroupCommand({ GroupName: group, UserName: name }));
    const { AccessKey } = await iam().send(new CreateAccessKeyCommand({ UserName: name }));

    await expectError(iam().send(new DeleteUserCommand({ UserName: name })), "DeleteConflict", 409, "Cannot delete entity, must remove users from group first.");
    assert.deepEqual((await iam().send(new GetUserCommand({ UserName: name }))).User, User);
    assert.deepEqual((await iam().send(new GetGroupCommand({ GroupName: group }))).Users!.map((u) => u.UserName), [name]);
    assert.deepEqual((await iam().send(new ListAccessKeysCommand({ UserName: name }))).AccessKeyMetadata!.map((k) => k.AccessKeyId), [AccessKey!.AccessKeyId]);

    await iam().send(new RemoveUserFromGroupCommand({ GroupName: group, UserName: name }));
    await expectError(iam().send(new DeleteUserCommand({ UserName: name })), "DeleteConflict", 409, "Cannot delete entity, must delete access keys first.");
    assert.deepEqual((await iam().send(new GetUserCommand({ UserName: name }))).User, User);
    assert.deepEqual((await iam().send(new ListAccessKeysCommand({ UserName: name }))).AccessKeyMetadata!.map((k) => k.AccessKeyId), [AccessKey!.AccessKeyId]);

    await iam().send(new DeleteAccessKeyCommand({ UserName: name, AccessKeyId: AccessKey!.AccessKeyId }));
    await iam().send(new DeleteUserCommand({ UserName: name }));
    await expectError(iam().send(new GetUserCommand({ UserName: name })), "NoSuchEntity", 404);
  });
});
