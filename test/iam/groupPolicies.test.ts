import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  AttachGroupPolicyCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  DeleteGroupPolicyCommand,
  DetachGroupPolicyCommand,
  GetGroupCommand,
  GetGroupPolicyCommand,
  GetPolicyCommand,
  type IAMClient,
  ListAttachedGroupPoliciesCommand,
  ListGroupPoliciesCommand,
  PutGroupPolicyCommand,
} from "@aws-sdk/client-iam";
import { useServer } from "../harness.js";
import { ACCOUNT, expectError, iamClient, NAME_PATTERN, policyDoc, unique, validation } from "./helpers.js";

const server = useServer();
let client: IAMClient | undefined;
const iam = () => (client ??= iamClient(server().endpoint));

async function group(base = "grp") {
  const name = unique(base);
  await iam().send(new CreateGroupCommand({ GroupName: name }));
  return name;
}

const inlineNames = async (groupName: string) => (await iam().send(new ListGroupPoliciesCommand({ GroupName: groupName }))).PolicyNames;
const inlineDoc = async (groupName: string, policyName: string) =>
  decodeURIComponent((await iam().send(new GetGroupPolicyCommand({ GroupName: groupName, PolicyName: policyName }))).PolicyDocument!);
const attached = async (groupName: string) => (await iam().send(new ListAttachedGroupPoliciesCommand({ GroupName: groupName }))).AttachedPolicies;

async function managed(base = "managed", path?: string) {
  const { Policy } = await iam().send(new CreatePolicyCommand({ PolicyName: unique(base), Path: path, PolicyDocument: policyDoc("sqs:SendMessage") }));
  return Policy!;
}

describe("PutGroupPolicy / GetGroupPolicy", () => {
  it("stores the document as sent and returns it URL-encoded (RFC 3986)", async () => {
    const g = await group();
    const document = `{\n  "Version": "2012-10-17",\n  "Statement": [\n    {\n\t"Sid": "Read1",\n      "Effect": "Allow",\n      "Action": ["s3:Get*", "s3:List*"],\n      "Resource": ["arn:aws:s3:::my-bucket/*", "arn:aws:s3:::it's(mine)!"],\n      "Condition": {"StringEquals": {"aws:RequestTag/team": "a b&c=d+e%f~g"}}\n    }\n  ]\n}`;
    await iam().send(new PutGroupPolicyCommand({ GroupName: g, PolicyName: "ReadOnly", PolicyDocument: document }));
    const out = await iam().send(new GetGroupPolicyCommand({ GroupName: g, PolicyName: "ReadOnly" }));
    assert.equal(out.GroupName, g);
    assert.equal(out.PolicyName, "ReadOnly");
    assert.ok(out.PolicyDocument!.startsWith("%7B%0A%20%20%22Version%22%3A%20%222012-10-17%22%2C"), out.PolicyDocument!.slice(0, 60));
    assert.doesNotMatch(out.PolicyDocument!, /[{}"\s:,[\]&=+ ]/, "no reserved character is left unencoded");
    assert.equal(decodeURIComponent(out.PolicyDocument!), document, "decoding gives back the exact document");
  });

  it("overwrites a policy of the same name, and lists policy names in order", async () => {
    const g = await group();
    await iam().send(new PutGroupPolicyCommand({ GroupName: g, PolicyName: "b-policy", PolicyDocument: policyDoc("s3:GetObject") }));
    await iam().send(new PutGroupPolicyCommand({ GroupName: g, PolicyName: "a-policy", PolicyDocument: policyDoc("s3:GetObject") }));
    await iam().send(new PutGroupPolicyCommand({ GroupName: g, PolicyName: "b-policy", PolicyDocument: policyDoc("s3:PutObject") }));
    assert.deepEqual(await inlineNames(g), ["a-policy", "b-policy"]);
    assert.equal(await inlineDoc(g, "b-policy"), policyDoc("s3:PutObject"));
  });

  it("ListGroupPolicies answers an empty list for a group without policies", async () => {
    const g = await group();
    const out = await iam().send(new ListGroupPoliciesCommand({ GroupName: g }));
    assert.deepEqual(out.PolicyNames, []);
    assert.equal(out.IsTruncated, false);
    assert.equal(out.Marker, undefined);
  });

  it("answers NoSuchEntity (404) for an unknown group or policy; nothing is stored", async () => {
    const g = await group();
    const ghost = unique("ghostgroup");
    await expectError(iam().send(new PutGroupPolicyCommand({ GroupName: ghost, PolicyName: "p", PolicyDocument: policyDoc() })), "NoSuchEntity", 404, `The group with name ${ghost} cannot be found.`);
    await expectError(iam().send(new GetGroupPolicyCommand({ GroupName: g, PolicyName: "missing" })), "NoSuchEntity", 404, "The group policy with name missing cannot be found.");
    await expectError(iam().send(new GetGroupPolicyCommand({ GroupName: ghost, PolicyName: "p" })), "NoSuchEntity", 404, `The group with name ${ghost} cannot be found.`);
    await expectError(iam().send(new ListGroupPoliciesCommand({ GroupName: ghost })), "NoSuchEntity", 404, `The group with name ${ghost} cannot be found.`);
    await expectError(iam().send(new GetGroupCommand({ GroupName: ghost })), "NoSuchEntity", 404);
    assert.deepEqual(await inlineNames(g), []);
  });

  it("answers MalformedPolicyDocument (400) for invalid JSON and bad grammar; nothing is stored or overwritten", async () => {
    const g = await group();
    const good = policyDoc("s3:GetObject");
    await iam().send(new PutGroupPolicyCommand({ GroupName: g, PolicyName: "kept", PolicyDocument: good }));
    const statement = (s: Record<string, unknown>) => JSON.stringify({ Version: "2012-10-17", Statement: [s] });
    const cases: [string, string][] = [
      ['{"Version": "2012-10-17", "Statement": [', "Syntax errors in policy."],
      ["not json at all", "Syntax errors in policy."],
      [statement({ Action: "s3:GetObject", Resource: "*" }), "Policy statement must contain effect."],
      [statement({ Effect: "Allow", Principal: { AWS: "*" }, Action: "s3:GetObject", Resource: "*" }), "Policy document should not specify a principal."],
      [statement({ Effect: "Allow", Action: "GetObject", Resource: "*" }), "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."],
      [statement({ Effect: "Allow", Action: "s3:GetObject", Resource: "my-bucket" }), 'Resource my-bucket must be in ARN format or "*".'],
      [statement({ Effect: "Allow", Resource: "*" }), "Policy statement must contain actions."],
      [statement({ Effect: "Allow", Action: "s3:GetObject" }), "Policy statement must contain resources."],
      [JSON.stringify({ Version: "2012-10-17" }), "Syntax errors in policy."],
      [statement({ Effect: "Maybe", Action: "s3:GetObject", Resource: "*" }), "Syntax errors in policy."],
    ];
    for (const [document, message] of cases) {
      await expectError(iam().send(new PutGroupPolicyCommand({ GroupName: g, PolicyName: "bad", PolicyDocument: document })), "MalformedPolicyDocument", 400, message);
      await expectError(iam().send(new PutGroupPolicyCommand({ GroupName: g, PolicyName: "kept", PolicyDocument: document })), "MalformedPolicyDocument", 400, message);
    }
    assert.deepEqual(await inlineNames(g), ["kept"]);
    assert.equal(await inlineDoc(g, "kept"), good);
  });

  it("answers ValidationError for a bad policy name, a 129-character name and a character outside the document's range", async () => {
    const g = await group();
    await expectError(iam().send(new PutGroupPolicyCommand({ GroupName: g, PolicyName: "bad name", PolicyDocument: policyDoc() })), "ValidationError", 400, validation("bad name", "policyName", NAME_PATTERN));
    const long = "p".repeat(129);
    await expectError(
      iam().send(new PutGroupPolicyCommand({ GroupName: g, PolicyName: long, PolicyDocument: policyDoc() })),
      "ValidationError",
      400,
      validation(long, "policyName", "Member must have length less than or equal to 128"),
    );
    const euro = policyDoc("s3:GetObject").replace("s3:GetObject", "s3:GetObject\u20ac");
    await expectError(
      iam().send(new PutGroupPolicyCommand({ GroupName: g, PolicyName: "euro", PolicyDocument: euro })),
      "ValidationError",
      400,
      validation(euro, "policyDocument", "Member must satisfy regular expression pattern: [\\u0009\\u000A\\u000D\\u0020-\\u00FF]+"),
    );
    await expectError(iam().send(new PutGroupPolicyCommand({ GroupName: g, PolicyName: "nodoc" } as never)), "ValidationError", 400, validation(null, "policyDocument", "Member must not be null"));
    assert.deepEqual(await inlineNames(g), []);
  });
});

describe("DeleteGroupPolicy", () => {
  it("deletes one inline policy and leaves the others", async () => {
    const g = await group();
    await iam().send(new PutGroupPolicyCommand({ GroupName: g, PolicyName: "one", PolicyDocument: policyDoc() }));
    await iam().send(new PutGroupPolicyCommand({ GroupName: g, PolicyName: "two", PolicyDocument: policyDoc() }));
    await iam().send(new DeleteGroupPolicyCommand({ GroupName: g, PolicyName: "one" }));
    assert.deepEqual(await inlineNames(g), ["two"]);
    await expectError(iam().send(new GetGroupPolicyCommand({ GroupName: g, PolicyName: "one" })), "NoSuchEntity", 404, "The group policy with name one cannot be found.");
  });

  it("answers NoSuchEntity (404) for a missing policy or group, and deletes nothing", async () => {
    const g = await group();
    await iam().send(new PutGroupPolicyCommand({ GroupName: g, PolicyName: "stay", PolicyDocument: policyDoc() }));
    await expectError(iam().send(new DeleteGroupPolicyCommand({ GroupName: g, PolicyName: "absent" })), "NoSuchEntity", 404, "The group policy with name absent cannot be found.");
    const ghost = unique("ghost");
    await expectError(iam().send(new DeleteGroupPolicyCommand({ GroupName: ghost, PolicyName: "stay" })), "NoSuchEntity", 404, `The group with name ${ghost} cannot be found.`);
    assert.deepEqual(await inlineNames(g), ["stay"]);
  });
});

describe("AttachGroupPolicy / DetachGroupPolicy / ListAttachedGroupPolicies", () => {
  it("attaches a managed policy once (re-attaching is a no-op) and counts the attachment on the policy", async () => {
    const g = await group();
    const policy = await managed();
    await iam().send(new AttachGroupPolicyCommand({ GroupName: g, PolicyArn: policy.Arn }));
    await iam().send(new AttachGroupPolicyCommand({ GroupName: g, PolicyArn: policy.Arn }));
    assert.deepEqual(await attached(g), [{ PolicyName: policy.PolicyName, PolicyArn: policy.Arn }]);
    assert.equal((await iam().send(new GetPolicyCommand({ PolicyArn: policy.Arn }))).Policy!.AttachmentCount, 1);
    const g2 = await group();
    await iam().send(new AttachGroupPolicyCommand({ GroupName: g2, PolicyArn: policy.Arn }));
    assert.equal((await iam().send(new GetPolicyCommand({ PolicyArn: policy.Arn }))).Policy!.AttachmentCount, 2);
    await iam().send(new DetachGroupPolicyCommand({ GroupName: g, PolicyArn: policy.Arn }));
    assert.deepEqual(await attached(g), []);
    assert.equal((await iam().send(new GetPolicyCommand({ PolicyArn: policy.Arn }))).Policy!.AttachmentCount, 1);
  });

  it("answers NoSuchEntity (404) for an unknown policy or group, and attaches nothing", async () => {
    const g = await group();
    const arn = `arn:aws:iam::${ACCOUNT}:policy/${unique("nope")}`;
    await expectError(iam().send(new AttachGroupPolicyCommand({ GroupName: g, PolicyArn: arn })), "NoSuchEntity", 404, `Policy ${arn} does not exist or is not attachable.`);
    const otherAccount = `arn:aws:iam::123456789012:policy/${unique("theirs")}`;
    await expectError(iam().send(new AttachGroupPolicyCommand({ GroupName: g, PolicyArn: otherAccount })), "NoSuchEntity", 404, `Policy ${otherAccount} does not exist or is not attachable.`);
    const policy = await managed();
    const ghost = unique("ghost");
    await expectError(iam().send(new AttachGroupPolicyCommand({ GroupName: ghost, PolicyArn: policy.Arn })), "NoSuchEntity", 404, `The group with name ${ghost} cannot be found.`);
    await expectError(iam().send(new ListAttachedGroupPoliciesCommand({ GroupName: ghost })), "NoSuchEntity", 404, `The group with name ${ghost} cannot be found.`);
    assert.deepEqual(await attached(g), []);
    assert.equal((await iam().send(new GetPolicyCommand({ PolicyArn: policy.Arn }))).Policy!.AttachmentCount, 0);
  });

  it("answers InvalidInput (400) for a malformed policy ARN", async () => {
    const g = await group();
    const bad = "arn:aws:s3:::not-a-policy-arn";
    await expectError(iam().send(new AttachGroupPolicyCommand({ GroupName: g, PolicyArn: bad })), "InvalidInput", 400, `ARN ${bad} is not valid.`);
    await expectError(iam().send(new DetachGroupPolicyCommand({ GroupName: g, PolicyArn: bad })), "InvalidInput", 400, `ARN ${bad} is not valid.`);
    await expectError(
      iam().send(new AttachGroupPolicyCommand({ GroupName: g, PolicyArn: "arn:short" })),
      "ValidationError",
      400,
      validation("arn:short", "policyArn", "Member must have length greater than or equal to 20"),
    );
    assert.deepEqual(await attached(g), []);
  });

  it("answers NoSuchEntity (404) when detaching a policy that is not attached; other attachments and counts stay", async () => {
    const g = await group();
    const on = await managed();
    const off = await managed();
    await iam().send(new AttachGroupPolicyCommand({ GroupName: g, PolicyArn: on.Arn }));
    await expectError(iam().send(new DetachGroupPolicyCommand({ GroupName: g, PolicyArn: off.Arn })), "NoSuchEntity", 404, `Policy ${off.Arn} was not found.`);
    const ghostArn = `arn:aws:iam::${ACCOUNT}:policy/${unique("never")}`;
    await expectError(iam().send(new DetachGroupPolicyCommand({ GroupName: g, PolicyArn: ghostArn })), "NoSuchEntity", 404, `Policy ${ghostArn} was not found.`);
    const ghost = unique("ghost");
    await expectError(iam().send(new DetachGroupPolicyCommand({ GroupName: ghost, PolicyArn: on.Arn })), "NoSuchEntity", 404, `The group with name ${ghost} cannot be found.`);
    assert.deepEqual(await attached(g), [{ PolicyName: on.PolicyName, PolicyArn: on.Arn }]);
    assert.equal((await iam().send(new GetPolicyCommand({ PolicyArn: on.Arn }))).Policy!.AttachmentCount, 1);
    assert.equal((await iam().send(new GetPolicyCommand({ PolicyArn: off.Arn }))).Policy!.AttachmentCount, 0);
  });

  it("lists attached policies ordered by policy name, whatever their paths", async () => {
    const g = await group();
    const tag = unique("ord");
    const arns: Record<string, string> = {};
    for (const [name, path] of [[`${tag}-a`, "/zzz/"], [`${tag}-c`, "/"], [`${tag}-b`, "/aaa/"]]) {
      const { Policy } = await iam().send(new CreatePolicyCommand({ PolicyName: name, Path: path, PolicyDocument: policyDoc() }));
      arns[name] = Policy!.Arn!;
      await iam().send(new AttachGroupPolicyCommand({ GroupName: g, PolicyArn: Policy!.Arn }));
    }
    assert.deepEqual(await attached(g), [`${tag}-a`, `${tag}-b`, `${tag}-c`].map((n) => ({ PolicyName: n, PolicyArn: arns[n] })));
    await iam().send(new DetachGroupPolicyCommand({ GroupName: g, PolicyArn: arns[`${tag}-b`] }));
    assert.deepEqual((await attached(g))!.map((p) => p.PolicyName), [`${tag}-a`, `${tag}-c`]);
  });

  it("filters attached policies by the policy's path with PathPrefix, and answers InvalidInput for a bad prefix", async () => {
    const g = await group();
    const plain = await managed("plain");
    const deep = await managed("deep", "/team/");
    await iam().send(new AttachGroupPolicyCommand({ GroupName: g, PolicyArn: plain.Arn }));
    await iam().send(new AttachGroupPolicyCommand({ GroupName: g, PolicyArn: deep.Arn }));
    assert.equal(deep.Arn, `arn:aws:iam::${ACCOUNT}:policy/team/${deep.PolicyName}`);
    assert.deepEqual((await iam().send(new ListAttachedGroupPoliciesCommand({ GroupName: g, PathPrefix: "/team/" }))).AttachedPolicies, [
      { PolicyName: deep.PolicyName, PolicyArn: deep.Arn },
    ]);
    assert.equal((await iam().send(new ListAttachedGroupPoliciesCommand({ GroupName: g, PathPrefix: "/" }))).AttachedPolicies!.length, 2);
    await expectError(iam().send(new ListAttachedGroupPoliciesCommand({ GroupName: g, PathPrefix: "team" })), "InvalidInput", 400);
  });
});
