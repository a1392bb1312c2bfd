import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { CreateUserCommand, IAMClient } from "@aws-sdk/client-iam";
import {
  GetKeyPolicyCommand,
  ListKeyPoliciesCommand,
  ListResourceTagsCommand,
  PutKeyPolicyCommand,
  ScheduleKeyDeletionCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateKeyDescriptionCommand,
  DescribeKeyCommand,
  CreateKeyCommand,
  ListKeysCommand,
} from "@aws-sdk/client-kms";
import { clientConfig, useServer } from "../harness.js";
import { createKey, kmsClient, refusal } from "./fixtures.js";

const server = useServer();
const client = kmsClient(server);

const DEFAULT_POLICY = `{
  "Version" : "2012-10-17",
  "Id" : "key-default-1",
  "Statement" : [ {
    "Sid" : "Enable IAM User Permissions",
    "Effect" : "Allow",
    "Principal" : {
      "AWS" : "arn:aws:iam::000000000000:root"
    },
    "Action" : "kms:*",
    "Resource" : "*"
  } ]
}`;

const policy = (statements: object[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
const rootAdmin = { Sid: "root", Effect: "Allow", Principal: { AWS: "arn:aws:iam::000000000000:root" }, Action: "kms:*", Resource: "*" };

describe("KMS key policies", () => {
  // The users the policies name exist in IAM (KMS refuses principals it cannot find).
  before(async () => {
    const iam = new IAMClient(clientConfig(server().endpoint));
    for (const UserName of ["alice", "bob"]) await iam.send(new CreateUserCommand({ UserName }));
  });

  it("writes AWS's default policy, byte for byte, and lists one policy named default", async () => {
    const kms = client();
    const key = await createKey(kms);
    const got = await kms.send(new GetKeyPolicyCommand({ KeyId: key.KeyId }));
    assert.equal(got.Policy, DEFAULT_POLICY);
    assert.equal(got.PolicyName, "default");
    assert.equal((await kms.send(new GetKeyPolicyCommand({ KeyId: key.Arn, PolicyName: "default" }))).Policy, DEFAULT_POLICY);
    const list = await kms.send(new ListKeyPoliciesCommand({ KeyId: key.KeyId }));
    assert.deepEqual(list.PolicyNames, ["default"]);
    assert.equal(list.Truncated, false);
    await refusal(kms, () => kms.send(new GetKeyPolicyCommand({ KeyId: key.KeyId, PolicyName: "other" })), "NotFoundException");
  });

  it("stores a policy exactly as sent, on CreateKey and PutKeyPolicy", async () => {
    const kms = client();
    const text = `{"Version":"2012-10-17",  "Statement":[${JSON.stringify(rootAdmin)}]}`;
    const key = await createKey(kms, { Policy: text });
    assert.equal((await kms.send(new GetKeyPolicyCommand({ KeyId: key.KeyId }))).Policy, text);
    const next = policy([rootAdmin, { Effect: "Allow", Principal: { AWS: "arn:aws:iam::000000000000:user/alice" }, Action: ["kms:Encrypt"], Resource: "*" }]);
    await kms.send(new PutKeyPolicyCommand({ KeyId: key.KeyId, Policy: next }));
    assert.equal((await kms.send(new GetKeyPolicyCommand({ KeyId: key.KeyId }))).Policy, next);
  });

  it("refuses a policy that would lock the caller out, unless the check is bypassed", async () => {
    const kms = client();
    const key = await createKey(kms);
    const lockout = policy([{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::000000000000:user/alice" }, Action: "kms:*", Resource: "*" }]);
    await refusal(kms, () => kms.send(new PutKeyPolicyCommand({ KeyId: key.KeyId, Policy: lockout })), "MalformedPolicyDocumentException", {
      message: "The new key policy will not allow you to update the key policy in the future.",
      keyId: key.KeyId,
    });
    const before = (await kms.send(new ListKeysCommand({ Limit: 1000 }))).Keys!.length;
    await refusal(kms, () => kms.send(new CreateKeyCommand({ Policy: lockout })), "MalformedPolicyDocumentException");
    assert.equal((await kms.send(new ListKeysCommand({ Limit: 1000 }))).Keys!.length, before);
    await kms.send(new PutKeyPolicyCommand({ KeyId: key.KeyId, Policy: lockout, BypassPolicyLockoutSafetyCheck: true }));
    assert.equal((await kms.send(new GetKeyPolicyCommand({ KeyId: key.KeyId }))).Policy, lockout);
  });

  for (const [label, doc, code, message] of [
    ["not JSON", "{", "MalformedPolicyDocumentException", /not syntactically valid JSON/],
    ["a statement without a principal", policy([{ Effect: "Allow", Action: "kms:*", Resource: "*" }]), "MalformedPolicyDocumentException", /invalid principals/],
    ["an invalid principal", policy([{ ...rootAdmin, Principal: { AWS: "arn:aws:iam::000000000000:cat/tom" } }]), "MalformedPolicyDocumentException", /^Policy contains a statement with one or more invalid principals\.$/],
    ["a user that does not exist", policy([rootAdmin, { ...rootAdmin, Sid: "u", Principal: { AWS: "arn:aws:iam::000000000000:user/nobody" } }]), "MalformedPolicyDocumentException", /^Policy contains a statement with one or more invalid principals\.$/],
    ["a role that does not exist", policy([rootAdmin, { ...rootAdmin, Sid: "r", Principal: { AWS: "arn:aws:iam::000000000000:role/ghost" } }]), "MalformedPolicyDocumentException", /^Policy contains a statement with one or more invalid principals\.$/],
    ["a statement without an action", policy([{ Effect: "Allow", Principal: { AWS: "000000000000" }, Resource: "*" }]), "MalformedPolicyDocumentException", /Action/],
    ["a resource other than *", policy([{ ...rootAdmin, Resource: "arn:aws:kms:us-east-1:000000000000:key/x" }]), "MalformedPolicyDocumentException", /Resource/],
    ["a document over 32 KB", policy([{ ...rootAdmin, Sid: "x".repeat(33_000) }]), "LimitExceededException", /32768/],
    ["a document over the model's 131072 characters", "x".repeat(131_073), "ValidationException", /at 'policy' failed to satisfy constraint: Member must have length less than or equal to 131072/],
  ] as const) {
    it(`refuses ${label} with ${code} and keeps the old policy`, async () => {
      const kms = client();
      const key = await createKey(kms);
      await refusal(kms, () => kms.send(new PutKeyPolicyCommand({ KeyId: key.KeyId, Policy: doc })), code, { message, keyId: key.KeyId });
    });
  }

  it("works on a key pending deletion for reads only", async () => {
    const kms = client();
    const key = await createKey(kms);
    await kms.send(new ScheduleKeyDeletionCommand({ KeyId: key.KeyId, PendingWindowInDays: 7 }));
    assert.equal((await kms.send(new GetKeyPolicyCommand({ KeyId: key.KeyId }))).Policy, DEFAULT_POLICY);
    await refusal(kms, () => kms.send(new PutKeyPolicyCommand({ KeyId: key.KeyId, Policy: policy([rootAdmin]) })), "KMSInvalidStateException", {
      message: `${key.Arn} is pending deletion.`,
      keyId: key.KeyId,
    });
    await refusal(kms, () => kms.send(new UpdateKeyDescriptionCommand({ KeyId: key.KeyId, Description: "x" })), "KMSInvalidStateException", { keyId: key.KeyId });
    await refusal(kms, () => kms.send(new TagResourceCommand({ KeyId: key.KeyId, Tags: [{ TagKey: "a", TagValue: "b" }] })), "KMSInvalidStateException", { keyId: key.KeyId });
  });
});

describe("KMS tags and description", () => {
  it("tags, replaces, lists in pages, and untags (unknown keys ignored)", async () => {
    const kms = client();
    const key = await createKey(kms, { Tags: [{ TagKey: "env", TagValue: "dev" }] });
    await kms.send(new TagResourceCommand({ KeyId: key.Arn, Tags: [{ TagKey: "env", TagValue: "prod" }, { TagKey: "team", TagValue: "" }] }));
    const tags = await kms.send(new ListResourceTagsCommand({ KeyId: key.KeyId }));
    assert.deepEqual(tags.Tags, [{ TagKey: "env", TagValue: "prod" }, { TagKey: "team", TagValue: "" }]);
    assert.equal(tags.Truncated, false);
    const first = await kms.send(new ListResourceTagsCommand({ KeyId: key.KeyId, Limit: 1 }));
    assert.deepEqual(first.Tags, [{ TagKey: "env", TagValue: "prod" }]);
    assert.equal(first.Truncated, true);
    const second = await kms.send(new ListResourceTagsCommand({ KeyId: key.KeyId, Limit: 1, Marker: first.NextMarker }));
    assert.deepEqual(second.Tags, [{ TagKey: "team", TagValue: "" }]);
    assert.equal(second.Truncated, false);
    await kms.send(new UntagResourceCommand({ KeyId: key.KeyId, TagKeys: ["env", "nope"] }));
    assert.deepEqual((await kms.send(new ListResourceTagsCommand({ KeyId: key.KeyId }))).Tags, [{ TagKey: "team", TagValue: "" }]);
  });

  for (const [label, tags, code, message] of [
    ["duplicate keys", [{ TagKey: "a", TagValue: "1" }, { TagKey: "a", TagValue: "2" }], "TagException", "Duplicate tag keys"],
    ["an aws: key", [{ TagKey: "AWS:x", TagValue: "1" }], "TagException", "Tags beginning with aws: are reserved"],
    ["more than 50 tags", Array.from({ length: 51 }, (_, i) => ({ TagKey: `k${i}`, TagValue: "v" })), "TagException", "Too many tags"],
    ["a key over 128 characters", [{ TagKey: "k".repeat(129), TagValue: "v" }], "ValidationException", /at 'tags.1.member.tagKey' failed to satisfy constraint: Member must have length less than or equal to 128/],
    ["a value over 256 characters", [{ TagKey: "k", TagValue: "v".repeat(257) }], "ValidationException", /at 'tags.1.member.tagValue' failed to satisfy constraint: Member must have length less than or equal to 256/],
  ] as const) {
    it(`refuses ${label} with ${code}, tagging nothing`, async () => {
      const kms = client();
      const key = await createKey(kms, { Tags: [{ TagKey: "keep", TagValue: "me" }] });
      await refusal(kms, () => kms.send(new TagResourceCommand({ KeyId: key.KeyId, Tags: tags as never })), code, { message, keyId: key.KeyId });
    });
  }

  it("counts the key's existing tags toward 50", async () => {
    const kms = client();
    const key = await createKey(kms, { Tags: Array.from({ length: 50 }, (_, i) => ({ TagKey: `k${i}`, TagValue: "v" })) });
    await kms.send(new TagResourceCommand({ KeyId: key.KeyId, Tags: [{ TagKey: "k0", TagValue: "replaced" }] }));
    await refusal(kms, () => kms.send(new TagResourceCommand({ KeyId: key.KeyId, Tags: [{ TagKey: "k50", TagValue: "v" }] })), "TagException", { message: "Too many tags", keyId: key.KeyId });
  });

  it("updates and clears the description", async () => {
    const kms = client();
    const key = await createKey(kms, { Description: "first" });
    await kms.send(new UpdateKeyDescriptionCommand({ KeyId: key.KeyId, Description: "second" }));
    assert.equal((await kms.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata!.Description, "second");
    await kms.send(new UpdateKeyDescriptionCommand({ KeyId: key.KeyId, Description: "" }));
    assert.equal((await kms.send(new DescribeKeyCommand({ KeyId: key.KeyId }))).KeyMetadata!.Description, "");
    await refusal(kms, () => kms.send(new UpdateKeyDescriptionCommand({ KeyId: key.KeyId, Description: "d".repeat(8193) })), "ValidationException", {
      message: /at 'description' failed to satisfy constraint: Member must have length less than or equal to 8192/,
      keyId: key.KeyId,
    });
  });
});
