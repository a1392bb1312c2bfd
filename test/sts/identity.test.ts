import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  GetGroupCommand,
  GetUserCommand,
  ListAccessKeysCommand,
  ListGroupsCommand,
  UpdateUserCommand,
} from "@aws-sdk/client-iam";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { clientConfig, useServer } from "../harness.js";
import { expectError, iamClient, ID, stsClient, unique } from "../iam/helpers.js";

const server = useServer();

describe("STS GetCallerIdentity", () => {
  it("answers the default account 000000000000 and its root for the key 'test'", async () => {
    const out = await stsClient(server().endpoint).send(new GetCallerIdentityCommand({}));
    assert.equal(out.Account, "000000000000");
    assert.equal(out.Arn, "arn:aws:iam::000000000000:root");
    assert.equal(out.UserId, "000000000000");
    assert.match(out.$metadata.requestId!, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it("takes a 12-digit access key id as the account, whatever region signs the call", async () => {
    for (const region of ["us-east-1", "eu-west-3"]) {
      const sts = new STSClient(clientConfig(server().endpoint, region, { accessKeyId: "123456789012", secretAccessKey: "x" }));
      const out = await sts.send(new GetCallerIdentityCommand({}));
      assert.equal(out.Account, "123456789012");
      assert.equal(out.Arn, "arn:aws:iam::123456789012:root");
    }
  });

  it("acts as the IAM user that owns a key created with CreateAccessKey; GetUser without UserName returns that user", async () => {
    const iam = iamClient(server().endpoint);
    const name = unique("svc");
    const { User } = await iam.send(new CreateUserCommand({ UserName: name, Path: "/apps/" }));
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: name }));
    const who = await stsClient(server().endpoint, AccessKey!.AccessKeyId!, AccessKey!.SecretAccessKey!).send(new GetCallerIdentityCommand({}));
    assert.equal(who.Account, "000000000000");
    assert.equal(who.Arn, `arn:aws:iam::000000000000:user/apps/${name}`);
    assert.equal(who.UserId, User!.UserId);
    assert.match(who.UserId!, ID.user);

    const asUser = iamClient(server().endpoint, AccessKey!.AccessKeyId!, AccessKey!.SecretAccessKey!);
    const me = await asUser.send(new GetUserCommand({}));
    assert.deepEqual(me.User, User);
    // Without UserName, ListAccessKeys lists the caller's own keys.
    assert.deepEqual((await asUser.send(new ListAccessKeysCommand({}))).AccessKeyMetadata!.map((k) => k.AccessKeyId), [AccessKey!.AccessKeyId]);
  });

  it("follows a rename of the key's user, and stops acting as the user once the key is deleted", async () => {
    const iam = iamClient(server().endpoint);
    const name = unique("worker");
    await iam.send(new CreateUserCommand({ UserName: name }));
    const { AccessKey } = await iam.send(new CreateAccessKeyCommand({ UserName: name }));
    const sts = stsClient(server().endpoint, AccessKey!.AccessKeyId!, AccessKey!.SecretAccessKey!);
    const renamed = unique("renamed-worker");
    await iam.send(new UpdateUserCommand({ UserName: name, NewUserName: renamed, NewPath: "/moved/" }));
    assert.equal((await sts.send(new GetCallerIdentityCommand({}))).Arn, `arn:aws:iam::000000000000:user/moved/${renamed}`);
    await iam.send(new DeleteAccessKeyCommand({ UserName: renamed, AccessKeyId: AccessKey!.AccessKeyId }));
    const after = await sts.send(new GetCallerIdentityCommand({}));
    assert.equal(after.Arn, "arn:aws:iam::000000000000:root", "an unknown key is the default account's root");
  });

  it("acts in the key's own account for a user created under a 12-digit account", async () => {
    const acct = iamClient(server().endpoint, "111111111111");
    const name = unique("tenant-user");
    await acct.send(new CreateUserCommand({ UserName: name }));
    const { AccessKey } = await acct.send(new CreateAccessKeyCommand({ UserName: name }));
    const who = await stsClient(server().endpoint, AccessKey!.AccessKeyId!, AccessKey!.SecretAccessKey!).send(new GetCallerIdentityCommand({}));
    assert.equal(who.Account, "111111111111");
    assert.equal(who.Arn, `arn:aws:iam::111111111111:user/${name}`);
  });

  it("acts as the account root for a root access key (CreateAccessKey without UserName)", async () => {
    const root = iamClient(server().endpoint, "444455556666");
    const { AccessKey } = await root.send(new CreateAccessKeyCommand({}));
    assert.match(AccessKey!.AccessKeyId!, ID.accessKey);
    const who = await stsClient(server().endpoint, AccessKey!.AccessKeyId!, AccessKey!.SecretAccessKey!).send(new GetCallerIdentityCommand({}));
    assert.equal(who.Account, "444455556666");
    assert.equal(who.Arn, "arn:aws:iam::444455556666:root");
    assert.deepEqual((await root.send(new ListAccessKeysCommand({}))).AccessKeyMetadata!.map((k) => k.AccessKeyId), [AccessKey!.AccessKeyId]);
  });

  it("keeps each account's IAM state to itself: groups of 111111111111 are invisible to 222222222222", async () => {
    const one = iamClient(server().endpoint, "111111111111");
    const two = iamClient(server().endpoint, "222222222222");
    const name = unique("Shared");
    const { Group } = await one.send(new CreateGroupCommand({ GroupName: name }));
    assert.equal(Group!.Arn, `arn:aws:iam::111111111111:group/${name}`);
    assert.deepEqual((await two.send(new ListGroupsCommand({}))).Groups!.filter((g) => g.GroupName === name), []);
    await expectError(two.send(new GetGroupCommand({ GroupName: name })), "NoSuchEntity", 404, `The group with name ${name} cannot be found.`);
    await expectError(iamClient(server().endpoint).send(new GetGroupCommand({ GroupName: name })), "NoSuchEntity", 404);
    // The same name is free in the other account, with its own id and ARN.
    const { Group: theirs } = await two.send(new CreateGroupCommand({ GroupName: name }));
    assert.notEqual(theirs!.GroupId, Group!.GroupId);
    assert.equal(theirs!.Arn, `arn:aws:iam::222222222222:group/${name}`);
    assert.deepEqual((await one.send(new GetGroupCommand({ GroupName: name }))).Group, Group);
  });
});
