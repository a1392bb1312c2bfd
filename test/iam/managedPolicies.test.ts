import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  AttachGroupPolicyCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  DeletePolicyCommand,
  DetachGroupPolicyCommand,
  GetPolicyCommand,
  type IAMClient,
  ListAttachedGroupPoliciesCommand,
  ListPoliciesCommand,
} from "@aws-sdk/client-iam";
import { useServer } from "../harness.js";
import { ACCOUNT, expectError, iamClient, ID, NAME_PATTERN, PATH_PATTERN, policyDoc, unique, validation } from "./helpers.js";

const server = useServer();
let client: IAMClient | undefined;
const iam = () => (client ??= iamClient(server().endpoint));

const localPolicyNames = async () => (await iam().send(new ListPoliciesCommand({ Scope: "Local", MaxItems: 1000 }))).Policies!.map((p) => p.PolicyName!);

describe("CreatePolicy / GetPolicy", () => {
  it("creates a customer managed policy with an ANPA id, AWS's ARN and version v1", async () => {
    const name = unique("ReadBuckets");
    const { Policy } = await iam().send(
      new CreatePolicyCommand({ PolicyName: name, Path: "/service/", Description: "read buckets", PolicyDocument: policyDoc("s3:ListBucket") }),
    );
    assert.equal(Policy!.PolicyName, name);
    assert.match(Policy!.PolicyId!, ID.policy);
    assert.equal(Policy!.Arn, `arn:aws:iam::${ACCOUNT}:policy/service/${name}`);
    assert.equal(Policy!.Path, "/service/");
    assert.equal(Policy!.DefaultVersionId, "v1");
    assert.equal(Policy!.AttachmentCount, 0);
    assert.equal(Policy!.IsAttachable, true);
    // CreatePolicy never echoes the Description; GetPolicy has it, and always Tags (spec §5.1).
    assert.equal(Policy!.Description, undefined);
    assert.equal(Policy!.Tags, undefined);
    assert.equal(Policy!.CreateDate!.getUTCMilliseconds(), 0);
    const got = await iam().send(new GetPolicyCommand({ PolicyArn: Policy!.Arn }));
    assert.deepEqual(got.Policy, { ...Policy, Description: "read buckets", Tags: [] });
  });

  it("answers EntityAlreadyExists (409) for a policy name taken in any case; the original stays", async () => {
    const name = unique("Dup");
    const { Policy } = await iam().send(new CreatePolicyCommand({ PolicyName: name, PolicyDocument: policyDoc() }));
    for (const again of [name, name.toUpperCase()]) {
      await expectError(
        iam().send(new CreatePolicyCommand({ PolicyName: again, PolicyDocument: policyDoc("ec2:*"), Path: "/other/" })),
        "EntityAlreadyExists",
        409,
        `A policy called ${again} already exists. Duplicate names are not allowed.`,
      );
    }
    assert.deepEqual((await iam().send(new GetPolicyCommand({ PolicyArn: Policy!.Arn }))).Policy, { ...Policy, Tags: [] });
    assert.deepEqual((await localPolicyNames()).filter((n) => n.toLowerCase() === name.toLowerCase()), [name]);
    await expectError(iam().send(new GetPolicyCommand({ PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/other/${name}` })), "NoSuchEntity", 404);
  });

  it("answers MalformedPolicyDocument (400) and ValidationError (400) without creating the policy", async () => {
    const before = await localPolicyNames();
    const name = unique("Broken");
    await expectError(iam().send(new CreatePolicyCommand({ PolicyName: name, PolicyDocument: "{" })), "MalformedPolicyDocument", 400, "Syntax errors in policy.");
    await expectError(
      iam().send(new CreatePolicyCommand({ PolicyName: name, PolicyDocument: JSON.stringify({ Version: "2012-10-17", Statement: { Effect: "Allow", Principal: "*", Action: "s3:*", Resource: "*" } }) })),
      "MalformedPolicyDocument",
      400,
      "Policy document should not specify a principal.",
    );
    await expectError(iam().send(new CreatePolicyCommand({ PolicyName: "sp ace", PolicyDocument: policyDoc() })), "ValidationError", 400, validation("sp ace", "policyName", NAME_PATTERN));
    await expectError(iam().send(new CreatePolicyCommand({ PolicyName: name, Path: "x", PolicyDocument: policyDoc() })), "ValidationError", 400, validation("x", "path", PATH_PATTERN));
    await expectError(iam().send(new CreatePolicyCommand({ PolicyName: name } as never)), "ValidationError", 400, validation(null, "policyDocument", "Member must not be null"));
    assert.deepEqual(await localPolicyNames(), before);
    await expectError(iam().send(new GetPolicyCommand({ PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/${name}` })), "NoSuchEntity", 404);
  });

  it("answers LimitExceeded (409) for a document over 6,144 non-whitespace characters (PolicySize)", async () => {
    const name = unique("Huge");
    const make = (k: number) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::" + "x".repeat(k) }] }, null, 2);
    const base = make(0).replace(/\s/g, "").length;
    await iam().send(new CreatePolicyCommand({ PolicyName: unique("Fits"), PolicyDocument: make(6144 - base) }));
    await expectError(iam().send(new CreatePolicyCommand({ PolicyName: name, PolicyDocument: make(6145 - base) })), "LimitExceeded", 409, "Cannot exceed quota for PolicySize: 6144");
    await expectError(iam().send(new GetPolicyCommand({ PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/${name}` })), "NoSuchEntity", 404);
  });

  it("GetPolicy answers NoSuchEntity (404) for an unknown policy and InvalidInput (400) for a malformed ARN", async () => {
    const arn = `arn:aws:iam::${ACCOUNT}:policy/${unique("missing")}`;
    await expectError(iam().send(new GetPolicyCommand({ PolicyArn: arn })), "NoSuchEntity", 404, `Policy ${arn} does not exist or is not attachable.`);
    await expectError(iam().send(new GetPolicyCommand({ PolicyArn: "arn:aws:iam::abc:policy/x" })), "InvalidInput", 400, "ARN arn:aws:iam::abc:policy/x is not valid.");
  });
});

describe("ListPolicies", () => {
  it("lists local policies ordered by name, filtered by PathPrefix and OnlyAttached; Scope AWS lists none of them", async () => {
    const tag = unique("lp");
    const made: Record<string, string> = {};
    for (const [n, path] of [["c", "/a/"], ["a", "/b/"], ["b", "/a/deep/"]]) {
      const { Policy } = await iam().send(new CreatePolicyCommand({ PolicyName: `${tag}-${n}`, Path: path, PolicyDocument: policyDoc() }));
      made[n] = Policy!.Arn!;
    }
    const all = await localPolicyNames();
    assert.deepEqual(all.filter((n) => n.startsWith(tag)), [`${tag}-a`, `${tag}-b`, `${tag}-c`]);
    assert.deepEqual([...all].sort((x, y) => x.toLowerCase().localeCompare(y.toLowerCase())), all);
    const underA = (await iam().send(new ListPoliciesCommand({ PathPrefix: "/a/" }))).Policies!.map((p) => p.PolicyName);
    assert.deepEqual(underA.filter((n) => n!.startsWith(tag)), [`${tag}-b`, `${tag}-c`]);

    const group = unique("holder");
    await iam().send(new CreateGroupCommand({ GroupName: group }));
    await iam().send(new AttachGroupPolicyCommand({ GroupName: group, PolicyArn: made.b }));
    const onlyAttached = (await iam().send(new ListPoliciesCommand({ OnlyAttached: true }))).Policies!;
    assert.deepEqual(onlyAttached.filter((p) => p.PolicyName!.startsWith(tag)).map((p) => [p.PolicyName, p.AttachmentCount]), [[`${tag}-b`, 1]]);
    assert.ok((await iam().send(new ListPoliciesCommand({ Scope: "AWS", MaxItems: 1000 }))).Policies!.every((p) => p.Arn!.startsWith("arn:aws:iam::aws:policy/")));
    await expectError(
      iam().send(new ListPoliciesCommand({ Scope: "Mine" as never })),
      "ValidationError",
      400,
      validation("Mine", "scope", "Member must satisfy enum value set: [All, AWS, Local]"),
    );
  });
});

describe("DeletePolicy", () => {
  it("answers DeleteConflict (409) while the policy is attached; after detaching it deletes, then NoSuchEntity", async () => {
    const { Policy } = await iam().send(new CreatePolicyCommand({ PolicyName: unique("InUse"), PolicyDocument: policyDoc() }));
    const group = unique("user-of-policy");
    await iam().send(new CreateGroupCommand({ GroupName: group }));
    await iam().send(new AttachGroupPolicyCommand({ GroupName: group, PolicyArn: Policy!.Arn }));
    await expectError(iam().send(new DeletePolicyCommand({ PolicyArn: Policy!.Arn })), "DeleteConflict", 409, "Cannot delete a policy attached to entities.");
    const still = (await iam().send(new GetPolicyCommand({ PolicyArn: Policy!.Arn }))).Policy!;
    assert.equal(still.AttachmentCount, 1);
    assert.equal(still.PolicyId, Policy!.PolicyId);
    assert.deepEqual((await iam().send(new ListAttachedGroupPoliciesCommand({ GroupName: group }))).AttachedPolicies!.map((p) => p.PolicyArn), [Policy!.Arn]);

    await iam().send(new DetachGroupPolicyCommand({ GroupName: group, PolicyArn: Policy!.Arn }));
    await iam().send(new DeletePolicyCommand({ PolicyArn: Policy!.Arn }));
    await expectError(iam().send(new GetPolicyCommand({ PolicyArn: Policy!.Arn })), "NoSuchEntity", 404, `Policy ${Policy!.Arn} does not exist or is not attachable.`);
    await expectError(iam().send(new DeletePolicyCommand({ PolicyArn: Policy!.Arn })), "NoSuchEntity", 404, `Policy ${Policy!.Arn} does not exist or is not attachable.`);
    assert.ok(!(await localPolicyNames()).includes(Policy!.PolicyName!));
    // The name is free again, for a new policy with a new id.
    const { Policy: again } = await iam().send(new CreatePolicyCommand({ PolicyName: Policy!.PolicyName, PolicyDocument: policyDoc() }));
    assert.notEqual(again!.PolicyId, Policy!.PolicyId);
  });
});
