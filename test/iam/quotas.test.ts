import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  AddUserToGroupCommand,
  AttachGroupPolicyCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  CreateUserCommand,
  DeleteAccessKeyCommand,
  DeleteGroupCommand,
  DetachGroupPolicyCommand,
  GetGroupCommand,
  GetGroupPolicyCommand,
  GetPolicyCommand,
  GetUserCommand,
  type IAMClient,
  ListAccessKeysCommand,
  ListAttachedGroupPoliciesCommand,
  ListGroupPoliciesCommand,
  ListGroupsCommand,
  ListGroupsForUserCommand,
  ListPoliciesCommand,
  PutGroupPolicyCommand,
  UpdateGroupCommand,
} from "@aws-sdk/client-iam";
import { useServer } from "../harness.js";
import { expectError, iamClient, policyDoc, reset, unique } from "./helpers.js";

/** One server with AWS's default quotas, two with lowered ones (`--quota iam.<Name>=N`). */
const defaults = useServer();
const threeGroups = useServer({ quotas: { "iam.GroupsPerAccount": 3, "iam.UsersPerAccount": 2, "iam.PoliciesPerAccount": 2 } });
const lowered = useServer({
  quotas: {
    "iam.GroupsPerUser": 2,
    "iam.PoliciesPerGroup": 2,
    "iam.InlinePolicySizePerGroup": 400,
    "iam.AccessKeysPerUser": 1,
  },
});
const clients = new Map<string, IAMClient>();
const iamOf = (endpoint: string) => clients.get(endpoint) ?? clients.set(endpoint, iamClient(endpoint)).get(endpoint)!;
const iam = () => iamOf(defaults().endpoint);
const low = () => iamOf(lowered().endpoint);
const three = () => iamOf(threeGroups().endpoint);

/**
 * A policy document of exactly `size` characters once whitespace is removed, laid out with
 * `indent` spaces of indentation (whitespace IAM does not count against the quota).
 */
function docOfSize(size: number, indent = 0): string {
  const make = (k: number) => ({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::" + "x".repeat(k) }] });
  const base = JSON.stringify(make(0)).length;
  assert.ok(size >= base, `a document needs at least ${base} characters`);
  const doc = JSON.stringify(make(size - base), null, indent);
  assert.equal(doc.replace(/\s/g, "").length, size);
  return doc;
}

const groupNames = async (client: IAMClient) => (await client.send(new ListGroupsCommand({ MaxItems: 1000 }))).Groups!.map((g) => g.GroupName!);

describe("GroupsPerAccount", () => {
  it("answers LimitExceeded (409) at the default of 300 groups, creates nothing more, and frees a slot on delete", async () => {
    await reset(defaults().endpoint);
    const names = Array.from({ length: 300 }, (_, i) => `quota-${String(i).padStart(3, "0")}`);
    for (let i = 0; i < names.length; i += 25) {
      await Promise.all(names.slice(i, i + 25).map((GroupName) => iam().send(new CreateGroupCommand({ GroupName }))));
    }
    assert.equal((await groupNames(iam())).length, 300);
    await expectError(iam().send(new CreateGroupCommand({ GroupName: "one-too-many" })), "LimitExceeded", 409, "Cannot exceed quota for GroupsPerAccount: 300");
    assert.equal((await groupNames(iam())).length, 300);
    await expectError(iam().send(new GetGroupCommand({ GroupName: "one-too-many" })), "NoSuchEntity", 404);
    // A rename is not a new group.
    await iam().send(new UpdateGroupCommand({ GroupName: "quota-000", NewGroupName: "quota-renamed" }));
    await iam().send(new DeleteGroupCommand({ GroupName: "quota-001" }));
    await iam().send(new CreateGroupCommand({ GroupName: "one-too-many" }));
    assert.equal((await groupNames(iam())).length, 300);
    await reset(defaults().endpoint);
  });

  it("answers LimitExceeded (409) at a configured quota of 3, in the message too; the name check comes first", async () => {
    await reset(threeGroups().endpoint);
    for (const GroupName of ["q1", "q2", "q3"]) await three().send(new CreateGroupCommand({ GroupName }));
    await expectError(three().send(new CreateGroupCommand({ GroupName: "q4" })), "LimitExceeded", 409, "Cannot exceed quota for GroupsPerAccount: 3");
    await expectError(three().send(new CreateGroupCommand({ GroupName: "Q1" })), "EntityAlreadyExists", 409, "Group with name Q1 already exists.");
    assert.deepEqual(await groupNames(three()), ["q1", "q2", "q3"]);
    await three().send(new UpdateGroupCommand({ GroupName: "q3", NewGroupName: "q9" }));
    assert.deepEqual(await groupNames(three()), ["q1", "q2", "q9"]);
    await reset(threeGroups().endpoint);
  });
});

describe("UsersPerAccount / PoliciesPerAccount", () => {
  it("answer LimitExceeded (409) at configured quotas and create nothing", async () => {
    await reset(threeGroups().endpoint);
    for (const UserName of ["u1", "u2"]) await three().send(new CreateUserCommand({ UserName }));
    await expectError(three().send(new CreateUserCommand({ UserName: "u3" })), "LimitExceeded", 409, "Cannot exceed quota for UsersPerAccount: 2");
    await expectError(three().send(new GetUserCommand({ UserName: "u3" })), "NoSuchEntity", 404);
    for (const PolicyName of ["p1", "p2"]) await three().send(new CreatePolicyCommand({ PolicyName, PolicyDocument: policyDoc() }));
    await expectError(three().send(new CreatePolicyCommand({ PolicyName: "p3", PolicyDocument: policyDoc() })), "LimitExceeded", 409, "Cannot exceed quota for PoliciesPerAccount: 2");
    assert.deepEqual((await three().send(new ListPoliciesCommand({ Scope: "Local" }))).Policies!.map((p) => p.PolicyName), ["p1", "p2"]);
    await reset(threeGroups().endpoint);
  });
});

describe("GroupsPerUser", () => {
  async function userInGroups(client: IAMClient, count: number) {
    const user = unique("joiner");
    await client.send(new CreateUserCommand({ UserName: user }));
    const groups: string[] = [];
    for (let i = 0; i < count; i++) {
      const g = unique(`${user}-g`);
      await client.send(new CreateGroupCommand({ GroupName: g }));
      await client.send(new AddUserToGroupCommand({ GroupName: g, UserName: user }));
      groups.push(g);
    }
    return { user, groups };
  }

  it("answers LimitExceeded (409) \"Cannot exceed quota for GroupsPerUser: 10\" for an 11th group; the membership is not made", async () => {
    const { user, groups } = await userInGroups(iam(), 10);
    const eleventh = unique("eleventh");
    await iam().send(new CreateGroupCommand({ GroupName: eleventh }));
    await expectError(iam().send(new AddUserToGroupCommand({ GroupName: eleventh, UserName: user })), "LimitExceeded", 409, "Cannot exceed quota for GroupsPerUser: 10");
    assert.deepEqual((await iam().send(new GetGroupCommand({ GroupName: eleventh }))).Users, []);
    const mine = (await iam().send(new ListGroupsForUserCommand({ UserName: user }))).Groups!.map((g) => g.GroupName);
    assert.deepEqual(mine, [...groups].sort());
    // Adding to a group the user is already in stays a no-op at the limit.
    await iam().send(new AddUserToGroupCommand({ GroupName: groups[0], UserName: user }));
  });

  it("uses a configured GroupsPerUser quota", async () => {
    const { user } = await userInGroups(low(), 2);
    const third = unique("third");
    await low().send(new CreateGroupCommand({ GroupName: third }));
    await expectError(low().send(new AddUserToGroupCommand({ GroupName: third, UserName: user })), "LimitExceeded", 409, "Cannot exceed quota for GroupsPerUser: 2");
    assert.equal((await low().send(new ListGroupsForUserCommand({ UserName: user }))).Groups!.length, 2);
    await low().send(new DeleteGroupCommand({ GroupName: third }));
  });
});

describe("PoliciesPerGroup", () => {
  async function groupWithPolicies(client: IAMClient, count: number) {
    const group = unique("attached");
    await client.send(new CreateGroupCommand({ GroupName: group }));
    const arns: string[] = [];
    for (let i = 0; i < count; i++) {
      const { Policy } = await client.send(new CreatePolicyCommand({ PolicyName: unique(`${group}-p`), PolicyDocument: policyDoc() }));
      await client.send(new AttachGroupPolicyCommand({ GroupName: group, PolicyArn: Policy!.Arn }));
      arns.push(Policy!.Arn!);
    }
    const { Policy: extra } = await client.send(new CreatePolicyCommand({ PolicyName: unique(`${group}-extra`), PolicyDocument: policyDoc() }));
    return { group, arns, extra: extra!.Arn! };
  }

  it("answers LimitExceeded (409) \"Cannot exceed quota for PoliciesPerGroup: 10\" for an 11th managed policy; nothing is attached", async () => {
    const { group, arns, extra } = await groupWithPolicies(iam(), 10);
    await expectError(iam().send(new AttachGroupPolicyCommand({ GroupName: group, PolicyArn: extra })), "LimitExceeded", 409, "Cannot exceed quota for PoliciesPerGroup: 10");
    const listed = (await iam().send(new ListAttachedGroupPoliciesCommand({ GroupName: group }))).AttachedPolicies!.map((p) => p.PolicyArn);
    assert.deepEqual([...listed].sort(), [...arns].sort());
    assert.equal((await iam().send(new GetPolicyCommand({ PolicyArn: extra }))).Policy!.AttachmentCount, 0);
    // Re-attaching one that is attached is still a no-op; after a detach there is room again.
    await iam().send(new AttachGroupPolicyCommand({ GroupName: group, PolicyArn: arns[0] }));
    await iam().send(new DetachGroupPolicyCommand({ GroupName: group, PolicyArn: arns[0] }));
    await iam().send(new AttachGroupPolicyCommand({ GroupName: group, PolicyArn: extra }));
    assert.equal((await iam().send(new GetPolicyCommand({ PolicyArn: extra }))).Policy!.AttachmentCount, 1);
  });

  it("uses a configured PoliciesPerGroup quota", async () => {
    const { group, extra } = await groupWithPolicies(low(), 2);
    await expectError(low().send(new AttachGroupPolicyCommand({ GroupName: group, PolicyArn: extra })), "LimitExceeded", 409, "Cannot exceed quota for PoliciesPerGroup: 2");
    assert.equal((await low().send(new ListAttachedGroupPoliciesCommand({ GroupName: group }))).AttachedPolicies!.length, 2);
  });
});

describe("InlinePolicySizePerGroup", () => {
  it("allows 5,120 non-whitespace characters across a group's inline policies, not counting whitespace", async () => {
    const group = unique("sized");
    await iam().send(new CreateGroupCommand({ GroupName: group }));
    const first = docOfSize(3000, 8);
    const second = docOfSize(2120, 8);
    assert.ok(first.length + second.length > 5120, "with whitespace the documents are over the quota");
    await iam().send(new PutGroupPolicyCommand({ GroupName: group, PolicyName: "first", PolicyDocument: first }));
    await iam().send(new PutGroupPolicyCommand({ GroupName: group, PolicyName: "second", PolicyDocument: second }));
    assert.equal(decodeURIComponent((await iam().send(new GetGroupPolicyCommand({ GroupName: group, PolicyName: "second" }))).PolicyDocument!), second);
  });

  it("answers LimitExceeded (409) one character over 5,120; the policy is not stored and a namesake keeps its old document", async () => {
    const group = unique("oversized");
    await iam().send(new CreateGroupCommand({ GroupName: group }));
    const first = docOfSize(3000);
    const second = docOfSize(2000);
    await iam().send(new PutGroupPolicyCommand({ GroupName: group, PolicyName: "first", PolicyDocument: first }));
    await iam().send(new PutGroupPolicyCommand({ GroupName: group, PolicyName: "second", PolicyDocument: second }));
    await expectError(
      iam().send(new PutGroupPolicyCommand({ GroupName: group, PolicyName: "second", PolicyDocument: docOfSize(2121) })),
      "LimitExceeded",
      409,
      `Maximum policy size of 5120 bytes exceeded for group ${group}`,
    );
    await expectError(
      iam().send(new PutGroupPolicyCommand({ GroupName: group, PolicyName: "third", PolicyDocument: docOfSize(200) })),
      "LimitExceeded",
      409,
      `Maximum policy size of 5120 bytes exceeded for group ${group}`,
    );
    assert.deepEqual((await iam().send(new ListGroupPoliciesCommand({ GroupName: group }))).PolicyNames, ["first", "second"]);
    assert.equal(decodeURIComponent((await iam().send(new GetGroupPolicyCommand({ GroupName: group, PolicyName: "second" }))).PolicyDocument!), second);
    // Overwriting a namesake counts the new document instead of the old one.
    await iam().send(new PutGroupPolicyCommand({ GroupName: group, PolicyName: "second", PolicyDocument: docOfSize(2120) }));
    // A single document over the quota is refused too.
    const alone = unique("alone");
    await iam().send(new CreateGroupCommand({ GroupName: alone }));
    await expectError(
      iam().send(new PutGroupPolicyCommand({ GroupName: alone, PolicyName: "big", PolicyDocument: docOfSize(5121) })),
      "LimitExceeded",
      409,
      `Maximum policy size of 5120 bytes exceeded for group ${alone}`,
    );
    assert.deepEqual((await iam().send(new ListGroupPoliciesCommand({ GroupName: alone }))).PolicyNames, []);
  });

  it("uses a configured size quota", async () => {
    const group = unique("small");
    await low().send(new CreateGroupCommand({ GroupName: group }));
    await low().send(new PutGroupPolicyCommand({ GroupName: group, PolicyName: "fits", PolicyDocument: docOfSize(400, 4) }));
    await expectError(
      low().send(new PutGroupPolicyCommand({ GroupName: group, PolicyName: "fits", PolicyDocument: docOfSize(401) })),
      "LimitExceeded",
      409,
      `Maximum policy size of 400 bytes exceeded for group ${group}`,
    );
  });
});

describe("AccessKeysPerUser", () => {
  it("answers LimitExceeded (409) for a third key at the default of 2; no key is made, and a delete frees a slot", async () => {
    const user = unique("keys");
    await iam().send(new CreateUserCommand({ UserName: user }));
    const a = (await iam().send(new CreateAccessKeyCommand({ UserName: user }))).AccessKey!;
    const b = (await iam().send(new CreateAccessKeyCommand({ UserName: user }))).AccessKey!;
    await expectError(iam().send(new CreateAccessKeyCommand({ UserName: user })), "LimitExceeded", 409, "Cannot exceed quota for AccessKeysPerUser: 2");
    const ids = async () => (await iam().send(new ListAccessKeysCommand({ UserName: user }))).AccessKeyMetadata!.map((k) => k.AccessKeyId).sort();
    assert.deepEqual(await ids(), [a.AccessKeyId, b.AccessKeyId].sort());
    await iam().send(new DeleteAccessKeyCommand({ UserName: user, AccessKeyId: a.AccessKeyId }));
    const c = (await iam().send(new CreateAccessKeyCommand({ UserName: user }))).AccessKey!;
    assert.deepEqual(await ids(), [b.AccessKeyId, c.AccessKeyId].sort());
  });

  it("uses a configured AccessKeysPerUser quota", async () => {
    const user = unique("onekey");
    await low().send(new CreateUserCommand({ UserName: user }));
    await low().send(new CreateAccessKeyCommand({ UserName: user }));
    await expectError(low().send(new CreateAccessKeyCommand({ UserName: user })), "LimitExceeded", 409, "Cannot exceed quota for AccessKeysPerUser: 1");
    assert.equal((await low().send(new ListAccessKeysCommand({ UserName: user }))).AccessKeyMetadata!.length, 1);
  });
});
