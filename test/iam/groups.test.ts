import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  AddUserToGroupCommand,
  AttachGroupPolicyCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  CreateUserCommand,
  DeleteGroupCommand,
  DeleteGroupPolicyCommand,
  DetachGroupPolicyCommand,
  GetGroupCommand,
  GetGroupPolicyCommand,
  type IAMClient,
  ListAttachedGroupPoliciesCommand,
  ListGroupPoliciesCommand,
  ListGroupsCommand,
  ListGroupsForUserCommand,
  PutGroupPolicyCommand,
  RemoveUserFromGroupCommand,
  UpdateGroupCommand,
  type User,
} from "@aws-sdk/client-iam";
import { useServer } from "../harness.js";
import { ACCOUNT, expectError, iamClient, ID, NAME_PATTERN, PATH_PATTERN, policyDoc, unique, validation } from "./helpers.js";

const server = useServer();
let client: IAMClient | undefined;
const iam = () => (client ??= iamClient(server().endpoint));

const allGroupNames = async () => (await iam().send(new ListGroupsCommand({ MaxItems: 1000 }))).Groups!.map((g) => g.GroupName!);

/** A group with a member, an inline policy and an attached managed policy. */
async function furnishedGroup(base: string) {
  const name = unique(base);
  const user = unique("member");
  const { Group } = await iam().send(new CreateGroupCommand({ GroupName: name }));
  await iam().send(new CreateUserCommand({ UserName: user }));
  await iam().send(new AddUserToGroupCommand({ GroupName: name, UserName: user }));
  const document = policyDoc("s3:GetObject", "s3:ListBucket");
  await iam().send(new PutGroupPolicyCommand({ GroupName: name, PolicyName: "inline", PolicyDocument: document }));
  const { Policy } = await iam().send(new CreatePolicyCommand({ PolicyName: unique("managed"), PolicyDocument: policyDoc("ec2:Describe*") }));
  await iam().send(new AttachGroupPolicyCommand({ GroupName: name, PolicyArn: Policy!.Arn }));
  return { name, group: Group!, user, document, policyArn: Policy!.Arn!, policyName: Policy!.PolicyName! };
}

describe("CreateGroup", () => {
  it("returns the group with an AGPA id, the default path / and AWS's ARN", async () => {
    const name = unique("Admins");
    const { Group } = await iam().send(new CreateGroupCommand({ GroupName: name }));
    assert.equal(Group!.GroupName, name);
    assert.equal(Group!.Path, "/");
    assert.match(Group!.GroupId!, ID.group);
    assert.equal(Group!.Arn, `arn:aws:iam::${ACCOUNT}:group/${name}`);
    assert.ok(Group!.CreateDate instanceof Date);
    assert.equal(Group!.CreateDate!.getUTCMilliseconds(), 0, "IAM dates are to the second");
    assert.ok(Math.abs(Group!.CreateDate!.getTime() - Date.now()) < 5_000);
    const got = await iam().send(new GetGroupCommand({ GroupName: name }));
    assert.deepEqual(got.Group, Group);
    assert.deepEqual(got.Users, []);
    assert.equal(got.IsTruncated, false);
  });

  it("puts the path into the ARN and gives every group its own id", async () => {
    const name = unique("Ops");
    const { Group } = await iam().send(new CreateGroupCommand({ GroupName: name, Path: "/division/team/" }));
    assert.equal(Group!.Path, "/division/team/");
    assert.equal(Group!.Arn, `arn:aws:iam::${ACCOUNT}:group/division/team/${name}`);
    const other = await iam().send(new CreateGroupCommand({ GroupName: unique("Ops") }));
    assert.notEqual(other.Group!.GroupId, Group!.GroupId);
  });

  it("accepts every character of [\\w+=,.@-] and names of exactly 128 characters", async () => {
    const name = unique("a_B+=,.@-9");
    await iam().send(new CreateGroupCommand({ GroupName: name }));
    const long = "L".repeat(125) + String(Date.now() % 1000).padStart(3, "0");
    const { Group } = await iam().send(new CreateGroupCommand({ GroupName: long }));
    assert.equal(Group!.GroupName!.length, 128);
  });

  it("answers EntityAlreadyExists (409) for a name taken in any letter case, and keeps the original", async () => {
    const name = unique("Admins");
    const { Group } = await iam().send(new CreateGroupCommand({ GroupName: name, Path: "/first/" }));
    await expectError(iam().send(new CreateGroupCommand({ GroupName: name })), "EntityAlreadyExists", 409, `Group with name ${name} already exists.`);
    const upper = name.toUpperCase();
    await expectError(iam().send(new CreateGroupCommand({ GroupName: upper, Path: "/second/" })), "EntityAlreadyExists", 409, `Group with name ${upper} already exists.`);
    const got = await iam().send(new GetGroupCommand({ GroupName: name }));
    assert.deepEqual(got.Group, Group, "the original group is untouched");
    const names = (await allGroupNames()).filter((n) => n.toLowerCase() === name.toLowerCase());
    assert.deepEqual(names, [name], "no second group was created");
  });

  it("answers ValidationError with AWS's message for a bad name, a long name, a bad path, a long path, and creates nothing", async () => {
    const before = await allGroupNames();
    await expectError(iam().send(new CreateGroupCommand({ GroupName: "bad name" })), "ValidationError", 400, validation("bad name", "groupName", NAME_PATTERN));
    await expectError(iam().send(new CreateGroupCommand({ GroupName: "sl/ash" })), "ValidationError", 400, validation("sl/ash", "groupName", NAME_PATTERN));
    const long = "G".repeat(129);
    await expectError(
      iam().send(new CreateGroupCommand({ GroupName: long })),
      "ValidationError",
      400,
      validation(long, "groupName", "Member must have length less than or equal to 128"),
    );
    await expectError(iam().send(new CreateGroupCommand({ GroupName: "okname", Path: "noslash" })), "ValidationError", 400, validation("noslash", "path", PATH_PATTERN));
    await expectError(iam().send(new CreateGroupCommand({ GroupName: "okname", Path: "/no-trailing" })), "ValidationError", 400, validation("/no-trailing", "path", PATH_PATTERN));
    const longPath = "/" + "p".repeat(511) + "/";
    await expectError(
      iam().send(new CreateGroupCommand({ GroupName: "okname", Path: longPath })),
      "ValidationError",
      400,
      validation(longPath, "path", "Member must have length less than or equal to 512"),
    );
    await expectError(
      iam().send(new CreateGroupCommand({} as never)),
      "ValidationError",
      400,
      validation(null, "groupName", "Member must not be null"),
    );
    assert.deepEqual(await allGroupNames(), before, "no group was created");
    await expectError(iam().send(new GetGroupCommand({ GroupName: "okname" })), "NoSuchEntity", 404);
  });
});

describe("GetGroup", () => {
  it("answers NoSuchEntity (404) with AWS's message for an unknown group", async () => {
    const name = unique("Ghost");
    await expectError(iam().send(new GetGroupCommand({ GroupName: name })), "NoSuchEntity", 404, `The group with name ${name} cannot be found.`);
    assert.ok(!(await allGroupNames()).includes(name));
  });

  it("lists the member users with their ids and ARNs", async () => {
    const name = unique("Devs");
    await iam().send(new CreateGroupCommand({ GroupName: name }));
    const users: User[] = [];
    for (const u of ["carol", "alice", "bob"]) {
      const user = unique(u);
      const { User } = await iam().send(new CreateUserCommand({ UserName: user, Path: "/staff/" }));
      users.push(User!);
      await iam().send(new AddUserToGroupCommand({ GroupName: name, UserName: user }));
    }
    const got = await iam().send(new GetGroupCommand({ GroupName: name }));
    assert.deepEqual(
      got.Users!.map((u) => u.UserName),
      users.map((u) => u.UserName).sort(),
      "members ordered by name",
    );
    for (const u of got.Users!) {
      const created = users.find((c) => c.UserName === u.UserName)!;
      assert.equal(u.UserId, created.UserId);
      assert.equal(u.Arn, `arn:aws:iam::${ACCOUNT}:user/staff/${u.UserName}`);
    }
  });

  it("answers ValidationError for MaxItems 0 and 1001", async () => {
    const name = unique("Paged");
    await iam().send(new CreateGroupCommand({ GroupName: name }));
    await expectError(iam().send(new GetGroupCommand({ GroupName: name, MaxItems: 0 })), "ValidationError", 400, validation(0, "maxItems", "Member must have value greater than or equal to 1"));
    await expectError(iam().send(new GetGroupCommand({ GroupName: name, MaxItems: 1001 })), "ValidationError", 400, validation(1001, "maxItems", "Member must have value less than or equal to 1000"));
    assert.equal((await iam().send(new GetGroupCommand({ GroupName: name, MaxItems: 1000 }))).Group!.GroupName, name);
  });
});

describe("ListGroups", () => {
  it("lists groups ordered by name and filters by PathPrefix as a string prefix of the path", async () => {
    const tag = unique("lg");
    const made = [
      [`${tag}-c`, "/eng/backend/"],
      [`${tag}-a`, "/eng/"],
      [`${tag}-b`, "/sales/"],
      [`${tag}-d`, "/engineering/"],
    ];
    for (const [GroupName, Path] of made) await iam().send(new CreateGroupCommand({ GroupName, Path }));
    const all = (await iam().send(new ListGroupsCommand({}))).Groups!.map((g) => g.GroupName!);
    const mine = all.filter((n) => n.startsWith(tag));
    assert.deepEqual(mine, [`${tag}-a`, `${tag}-b`, `${tag}-c`, `${tag}-d`]);
    assert.deepEqual([...all].sort((x, y) => x.toLowerCase().localeCompare(y.toLowerCase())), all, "the whole list is ordered by name");
    const eng = (await iam().send(new ListGroupsCommand({ PathPrefix: "/eng/" }))).Groups!;
    assert.deepEqual(eng.map((g) => g.GroupName).filter((n) => n!.startsWith(tag)), [`${tag}-a`, `${tag}-c`]);
    assert.ok(eng.every((g) => g.Path!.startsWith("/eng/")));
    const engAny = (await iam().send(new ListGroupsCommand({ PathPrefix: "/eng" }))).Groups!;
    assert.deepEqual(engAny.map((g) => g.GroupName).filter((n) => n!.startsWith(tag)), [`${tag}-a`, `${tag}-c`, `${tag}-d`]);
    const none = await iam().send(new ListGroupsCommand({ PathPrefix: "/nothing-here/" }));
    assert.deepEqual(none.Groups, []);
    assert.equal(none.IsTruncated, false);
    assert.equal(none.Marker, undefined);
  });

  it("answers ValidationError for a PathPrefix not starting with / and for MaxItems out of 1-1000", async () => {
    await expectError(
      iam().send(new ListGroupsCommand({ PathPrefix: "eng" })),
      "ValidationError",
      400,
      validation("eng", "pathPrefix", "Member must satisfy regular expression pattern: \\u002F[\\u0021-\\u007F]*"),
    );
    await expectError(iam().send(new ListGroupsCommand({ MaxItems: 0 })), "ValidationError", 400, validation(0, "maxItems", "Member must have value greater than or equal to 1"));
    await expectError(iam().send(new ListGroupsCommand({ MaxItems: 1001 })), "ValidationError", 400, validation(1001, "maxItems", "Member must have value less than or equal to 1000"));
  });
});

describe("UpdateGroup", () => {
  it("renames a group: same GroupId, members, inline and attached policies; the ARN follows the new name", async () => {
    const f = await furnishedGroup("Team");
    const newName = unique("Renamed");
    const out = await iam().send(new UpdateGroupCommand({ GroupName: f.name, NewGroupName: newName }));
    assert.equal(out.$metadata.httpStatusCode, 200);

    const got = await iam().send(new GetGroupCommand({ GroupName: newName }));
    assert.equal(got.Group!.GroupId, f.group.GroupId);
    assert.equal(got.Group!.GroupName, newName);
    assert.equal(got.Group!.Path, "/");
    assert.equal(got.Group!.Arn, `arn:aws:iam::${ACCOUNT}:group/${newName}`);
    assert.deepEqual(got.Group!.CreateDate, f.group.CreateDate);
    assert.deepEqual(got.Users!.map((u) => u.UserName), [f.user]);

    assert.deepEqual((await iam().send(new ListGroupPoliciesCommand({ GroupName: newName }))).PolicyNames, ["inline"]);
    const inline = await iam().send(new GetGroupPolicyCommand({ GroupName: newName, PolicyName: "inline" }));
    assert.equal(inline.GroupName, newName);
    assert.equal(decodeURIComponent(inline.PolicyDocument!), f.document);
    assert.deepEqual((await iam().send(new ListAttachedGroupPoliciesCommand({ GroupName: newName }))).AttachedPolicies, [
      { PolicyName: f.policyName, PolicyArn: f.policyArn },
    ]);

    const forUser = await iam().send(new ListGroupsForUserCommand({ UserName: f.user }));
    assert.deepEqual(forUser.Groups!.map((g) => [g.GroupName, g.GroupId, g.Arn]), [[newName, f.group.GroupId, `arn:aws:iam::${ACCOUNT}:group/${newName}`]]);

    await expectError(iam().send(new GetGroupCommand({ GroupName: f.name })), "NoSuchEntity", 404, `The group with name ${f.name} cannot be found.`);
    const names = await allGroupNames();
    assert.ok(names.includes(newName) && !names.includes(f.name));
    const ids = (await iam().send(new ListGroupsCommand({ MaxItems: 1000 }))).Groups!.filter((g) => g.GroupId === f.group.GroupId);
    assert.equal(ids.length, 1, "one group, not a copy");
  });

  it("moves a group to a new path and renames it in one call; the ARN carries both", async () => {
    const f = await furnishedGroup("Mover");
    const newName = unique("Moved");
    await iam().send(new UpdateGroupCommand({ GroupName: f.name, NewGroupName: newName, NewPath: "/org/unit/" }));
    const got = await iam().send(new GetGroupCommand({ GroupName: newName }));
    assert.equal(got.Group!.Path, "/org/unit/");
    assert.equal(got.Group!.Arn, `arn:aws:iam::${ACCOUNT}:group/org/unit/${newName}`);
    assert.equal(got.Group!.GroupId, f.group.GroupId);
    const listed = (await iam().send(new ListGroupsCommand({ PathPrefix: "/org/unit/" }))).Groups!;
    assert.deepEqual(listed.map((g) => g.GroupName), [newName]);
  });

  it("accepts NewGroupName equal to the current name with a new path (what terraform sends)", async () => {
    const f = await furnishedGroup("SameName");
    await iam().send(new UpdateGroupCommand({ GroupName: f.name, NewGroupName: f.name, NewPath: "/moved/" }));
    const got = await iam().send(new GetGroupCommand({ GroupName: f.name }));
    assert.equal(got.Group!.Path, "/moved/");
    assert.equal(got.Group!.Arn, `arn:aws:iam::${ACCOUNT}:group/moved/${f.name}`);
    assert.equal(got.Group!.GroupId, f.group.GroupId);
    assert.deepEqual(got.Users!.map((u) => u.UserName), [f.user]);
    assert.deepEqual((await iam().send(new ListGroupPoliciesCommand({ GroupName: f.name }))).PolicyNames, ["inline"]);
    assert.equal((await iam().send(new ListAttachedGroupPoliciesCommand({ GroupName: f.name }))).AttachedPolicies!.length, 1);
  });

  it("changes only the path when NewGroupName is absent, and nothing when both are absent", async () => {
    const name = unique("PathOnly");
    const { Group } = await iam().send(new CreateGroupCommand({ GroupName: name, Path: "/a/" }));
    await iam().send(new UpdateGroupCommand({ GroupName: name }));
    assert.deepEqual((await iam().send(new GetGroupCommand({ GroupName: name }))).Group, Group);
    await iam().send(new UpdateGroupCommand({ GroupName: name, NewPath: "/b/" }));
    const got = (await iam().send(new GetGroupCommand({ GroupName: name }))).Group!;
    assert.equal(got.Path, "/b/");
    assert.equal(got.Arn, `arn:aws:iam::${ACCOUNT}:group/b/${name}`);
    assert.equal(got.GroupId, Group!.GroupId);
  });

  it("answers EntityAlreadyExists (409) for a case-only rename (Admins to ADMINS) and changes nothing", async () => {
    const name = unique("Admins");
    const { Group } = await iam().send(new CreateGroupCommand({ GroupName: name, Path: "/keep/" }));
    const upper = name.toUpperCase();
    await expectError(
      iam().send(new UpdateGroupCommand({ GroupName: name, NewGroupName: upper, NewPath: "/changed/" })),
      "EntityAlreadyExists",
      409,
      `Group with name ${upper} already exists.`,
    );
    assert.deepEqual((await iam().send(new GetGroupCommand({ GroupName: name }))).Group, Group, "name and path unchanged");
    const names = (await allGroupNames()).filter((n) => n.toLowerCase() === name.toLowerCase());
    assert.deepEqual(names, [name]);
  });

  it("answers EntityAlreadyExists (409) for a rename to another group's name in any case, and both groups stay as they were", async () => {
    const a = await furnishedGroup("First");
    const b = await furnishedGroup("Second");
    for (const target of [b.name, b.name.toUpperCase(), b.name.toLowerCase()]) {
      await expectError(
        iam().send(new UpdateGroupCommand({ GroupName: a.name, NewGroupName: target, NewPath: "/x/" })),
        "EntityAlreadyExists",
        409,
        `Group with name ${target} already exists.`,
      );
    }
    const gotA = await iam().send(new GetGroupCommand({ GroupName: a.name }));
    const gotB = await iam().send(new GetGroupCommand({ GroupName: b.name }));
    assert.deepEqual(gotA.Group, a.group);
    assert.deepEqual(gotB.Group, b.group);
    assert.deepEqual(gotA.Users!.map((u) => u.UserName), [a.user]);
    assert.deepEqual(gotB.Users!.map((u) => u.UserName), [b.user]);
    assert.deepEqual((await iam().send(new ListGroupsForUserCommand({ UserName: a.user }))).Groups!.map((g) => g.GroupName), [a.name]);
    assert.deepEqual((await iam().send(new ListAttachedGroupPoliciesCommand({ GroupName: a.name }))).AttachedPolicies!.map((p) => p.PolicyArn), [a.policyArn]);
  });

  it("answers NoSuchEntity (404) for an unknown group and creates nothing under the new name", async () => {
    const ghost = unique("Ghost");
    const target = unique("Target");
    await expectError(
      iam().send(new UpdateGroupCommand({ GroupName: ghost, NewGroupName: target })),
      "NoSuchEntity",
      404,
      `The group with name ${ghost} cannot be found.`,
    );
    await expectError(iam().send(new GetGroupCommand({ GroupName: target })), "NoSuchEntity", 404);
    assert.ok(!(await allGroupNames()).includes(target));
  });

  it("answers ValidationError for a bad new name, a long new name or a bad new path, and changes nothing", async () => {
    const f = await furnishedGroup("Valid");
    await expectError(
      iam().send(new UpdateGroupCommand({ GroupName: f.name, NewGroupName: "has space" })),
      "ValidationError",
      400,
      validation("has space", "newGroupName", NAME_PATTERN),
    );
    const long = "N".repeat(129);
    await expectError(
      iam().send(new UpdateGroupCommand({ GroupName: f.name, NewGroupName: long })),
      "ValidationError",
      400,
      validation(long, "newGroupName", "Member must have length less than or equal to 128"),
    );
    await expectError(
      iam().send(new UpdateGroupCommand({ GroupName: f.name, NewPath: "relative/" })),
      "ValidationError",
      400,
      validation("relative/", "newPath", PATH_PATTERN),
    );
    await expectError(
      iam().send(new UpdateGroupCommand({ GroupName: "bad*name", NewGroupName: unique("fine") })),
      "ValidationError",
      400,
      validation("bad*name", "groupName", NAME_PATTERN),
    );
    await expectError(iam().send(new UpdateGroupCommand({} as never)), "ValidationError", 400, validation(null, "groupName", "Member must not be null"));
    const got = await iam().send(new GetGroupCommand({ GroupName: f.name }));
    assert.deepEqual(got.Group, f.group);
    assert.deepEqual(got.Users!.map((u) => u.UserName), [f.user]);
  });

  it("lists every violated constraint in one ValidationError, in member order", async () => {
    const f = await furnishedGroup("Multi");
    await expectError(
      iam().send(new UpdateGroupCommand({ GroupName: f.name, NewGroupName: "a b", NewPath: "x" })),
      "ValidationError",
      400,
      `2 validation errors detected: Value 'a b' at 'newGroupName' failed to satisfy constraint: ${NAME_PATTERN}; Value 'x' at 'newPath' failed to satisfy constraint: ${PATH_PATTERN}`,
    );
    await expectError(iam().send(new UpdateGroupCommand({ GroupName: f.name, NewGroupName: "gr\u00fcppe" })), "ValidationError", 400, validation("gr\u00fcppe", "newGroupName", NAME_PATTERN));
    assert.deepEqual((await iam().send(new GetGroupCommand({ GroupName: f.name }))).Group, f.group);
  });

  it("frees the old name for a new group, which gets a new id, and holds the new name in any case", async () => {
    const f = await furnishedGroup("Recycle");
    const newName = unique("Recycled");
    await iam().send(new UpdateGroupCommand({ GroupName: f.name, NewGroupName: newName }));
    const { Group } = await iam().send(new CreateGroupCommand({ GroupName: f.name }));
    assert.notEqual(Group!.GroupId, f.group.GroupId);
    assert.deepEqual((await iam().send(new GetGroupCommand({ GroupName: f.name }))).Users, [], "members stayed with the renamed group");
    await expectError(iam().send(new CreateGroupCommand({ GroupName: newName.toLowerCase() })), "EntityAlreadyExists", 409);
  });

  it("renames twice and back; later membership and policy changes apply to the renamed group", async () => {
    const f = await furnishedGroup("Twice");
    const second = unique("TwiceB");
    await iam().send(new UpdateGroupCommand({ GroupName: f.name, NewGroupName: second }));
    await iam().send(new UpdateGroupCommand({ GroupName: second, NewGroupName: f.name }));
    const got = await iam().send(new GetGroupCommand({ GroupName: f.name }));
    assert.equal(got.Group!.GroupId, f.group.GroupId);
    await iam().send(new UpdateGroupCommand({ GroupName: f.name, NewGroupName: second }));
    await iam().send(new RemoveUserFromGroupCommand({ GroupName: second, UserName: f.user }));
    assert.deepEqual((await iam().send(new ListGroupsForUserCommand({ UserName: f.user }))).Groups, []);
    await iam().send(new DeleteGroupPolicyCommand({ GroupName: second, PolicyName: "inline" }));
    await iam().send(new DetachGroupPolicyCommand({ GroupName: second, PolicyArn: f.policyArn }));
    await iam().send(new DeleteGroupCommand({ GroupName: second }));
    await expectError(iam().send(new GetGroupCommand({ GroupName: second })), "NoSuchEntity", 404);
  });
});

describe("DeleteGroup", () => {
  it("deletes an empty group", async () => {
    const name = unique("Gone");
    await iam().send(new CreateGroupCommand({ GroupName: name }));
    await iam().send(new DeleteGroupCommand({ GroupName: name }));
    await expectError(iam().send(new GetGroupCommand({ GroupName: name })), "NoSuchEntity", 404, `The group with name ${name} cannot be found.`);
    assert.ok(!(await allGroupNames()).includes(name));
  });

  it("answers NoSuchEntity (404) for an unknown group", async () => {
    const name = unique("Never");
    await expectError(iam().send(new DeleteGroupCommand({ GroupName: name })), "NoSuchEntity", 404, `The group with name ${name} cannot be found.`);
  });

  it("answers DeleteConflict (409) while the group has members, then inline policies, then attached policies; nothing is removed", async () => {
    const f = await furnishedGroup("Busy");
    await expectError(iam().send(new DeleteGroupCommand({ GroupName: f.name })), "DeleteConflict", 409, "Cannot delete entity, must remove users from group first.");
    let got = await iam().send(new GetGroupCommand({ GroupName: f.name }));
    assert.deepEqual(got.Group, f.group);
    assert.deepEqual(got.Users!.map((u) => u.UserName), [f.user]);
    assert.deepEqual((await iam().send(new ListGroupPoliciesCommand({ GroupName: f.name }))).PolicyNames, ["inline"]);
    assert.equal((await iam().send(new ListAttachedGroupPoliciesCommand({ GroupName: f.name }))).AttachedPolicies!.length, 1);

    await iam().send(new RemoveUserFromGroupCommand({ GroupName: f.name, UserName: f.user }));
    await expectError(iam().send(new DeleteGroupCommand({ GroupName: f.name })), "DeleteConflict", 409, "Cannot delete entity, must delete policies first.");
    got = await iam().send(new GetGroupCommand({ GroupName: f.name }));
    assert.deepEqual(got.Group, f.group);
    assert.deepEqual((await iam().send(new ListGroupPoliciesCommand({ GroupName: f.name }))).PolicyNames, ["inline"]);

    await iam().send(new DeleteGroupPolicyCommand({ GroupName: f.name, PolicyName: "inline" }));
    await expectError(iam().send(new DeleteGroupCommand({ GroupName: f.name })), "DeleteConflict", 409, "Cannot delete entity, must detach all policies first.");
    got = await iam().send(new GetGroupCommand({ GroupName: f.name }));
    assert.deepEqual(got.Group, f.group);
    assert.deepEqual((await iam().send(new ListAttachedGroupPoliciesCommand({ GroupName: f.name }))).AttachedPolicies!.map((p) => p.PolicyArn), [f.policyArn]);

    await iam().send(new DetachGroupPolicyCommand({ GroupName: f.name, PolicyArn: f.policyArn }));
    await iam().send(new DeleteGroupCommand({ GroupName: f.name }));
    await expectError(iam().send(new GetGroupCommand({ GroupName: f.name })), "NoSuchEntity", 404);
  });
});

describe("concurrent requests", () => {
  it("creates a name once when 20 CreateGroup calls race for it in different letter cases", async () => {
    const name = unique("Race");
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => iam().send(new CreateGroupCommand({ GroupName: i % 2 ? name.toUpperCase() : name.toLowerCase() }))),
    );
    assert.equal(results.filter((r) => r.status === "fulfilled").length, 1);
    for (const r of results) if (r.status === "rejected") assert.equal((r.reason as { Code?: string }).Code, "EntityAlreadyExists");
    assert.equal((await allGroupNames()).filter((n) => n.toLowerCase() === name.toLowerCase()).length, 1);
  });

  it("lets one of several groups racing to be renamed to the same name win; the others keep their names", async () => {
    const sources = [unique("racer"), unique("racer"), unique("racer"), unique("racer")];
    const ids = [];
    for (const GroupName of sources) ids.push((await iam().send(new CreateGroupCommand({ GroupName }))).Group!.GroupId);
    const target = unique("Finish");
    const results = await Promise.allSettled(sources.map((GroupName) => iam().send(new UpdateGroupCommand({ GroupName, NewGroupName: target }))));
    const winners = results.flatMap((r, i) => (r.status === "fulfilled" ? [i] : []));
    assert.equal(winners.length, 1);
    assert.equal((await iam().send(new GetGroupCommand({ GroupName: target }))).Group!.GroupId, ids[winners[0]]);
    for (const [i, GroupName] of sources.entries()) {
      if (i === winners[0]) continue;
      assert.equal((results[i] as PromiseRejectedResult).reason.Code, "EntityAlreadyExists");
      assert.equal((await iam().send(new GetGroupCommand({ GroupName }))).Group!.GroupId, ids[i]);
    }
  });
});
