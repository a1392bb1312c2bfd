import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  GetPolicyCommand,
  type IAMClient,
  ListPoliciesCommand,
  ListRolePoliciesCommand,
  ListUserPoliciesCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
} from "@aws-sdk/client-iam";
import { useServer } from "../harness.js";
import { ACCOUNT, expectError, iamClient, unique } from "./helpers.js";
import { trust } from "./roleFixtures.js";

const server = useServer();
let client: IAMClient | undefined;
const iam = () => (client ??= iamClient(server().endpoint));

const doc = (statement: unknown, top: Record<string, unknown> = {}) => JSON.stringify({ Version: "2012-10-17", Statement: statement, ...top });
const allow = (extra: Record<string, unknown>) => ({ Effect: "Allow", Action: "s3:ListBucket", Resource: "arn:aws:s3:::example_bucket", ...extra });

/** Documents AWS refuses, with its MalformedPolicyDocument message (spec iam-sts §7). */
const INVALID: Array<[string, string]> = [
  ["This is not a json document", "Syntax errors in policy."],
  [JSON.stringify({ Statement: allow({}) }), "Policy document must be version 2012-10-17 or greater."],
  [JSON.stringify({ Version: "2008-10-17", Statement: allow({}) }), "Policy document must be version 2012-10-17 or greater."],
  [JSON.stringify({ Version: "2013-10-17", Statement: allow({}) }), "Syntax errors in policy."],
  [doc(allow({}), { Extra: 1 }), "Syntax errors in policy."],
  [doc([]), "Syntax errors in policy."],
  [doc(["afd"]), "Syntax errors in policy."],
  [doc(allow({ Bogus: 1 })), "Syntax errors in policy."],
  [doc(allow({ NotAction: "s3:GetObject" })), "Syntax errors in policy."],
  [doc(allow({ NotResource: "*" })), "Syntax errors in policy."],
  [doc(allow({ Effect: "Maybe" })), "Syntax errors in policy."],
  [doc(allow({ Effect: "denY" })), "The policy failed legacy parsing"],
  [doc(allow({ Action: [["s3:GetObject"]] })), "Syntax errors in policy."],
  [doc(allow({ Condition: "x" })), "Syntax errors in policy."],
  [doc(allow({ Condition: { x: { a: "b" } } })), "Syntax errors in policy."],
  [doc(allow({ Condition: { "ForAnyValue::StringEquals": { a: "b" } } })), "Syntax errors in policy."],
  [doc(allow({ Condition: { StringEquals: "b" } })), "Syntax errors in policy."],
  [doc(allow({ Principal: { AWS: "*" } })), "Policy document should not specify a principal."],
  [doc([allow({ Sid: "A" }), allow({ Sid: "A" })]), "Statement IDs (SID) in a single policy must be unique."],
  [doc({ Effect: "Allow", Resource: "*" }), "Policy statement must contain actions."],
  [doc(allow({ Action: [] })), "Policy statement must contain actions."],
  [doc({ Effect: "Allow", Action: "s3:GetObject" }), "Policy statement must contain resources."],
  [doc(allow({ Resource: [] })), "Policy statement must contain resources."],
  [doc(allow({ Action: "invalid" })), "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."],
  [doc(allow({ Action: "" })), "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."],
  [doc(allow({ Action: "s3:List:Bucket" })), "Actions/Condition can contain only one colon."],
  [doc(allow({ Action: "a a:ListBucket" })), "Vendor a a is not valid"],
  [doc(allow({ Resource: "invalid resource" })), 'Resource invalid resource must be in ARN format or "*".'],
  [doc(allow({ Resource: "" })), 'Resource  must be in ARN format or "*".'],
  [doc(allow({ Resource: "a:b:c:d:e:f:g:h" })), 'Partition "b" is not valid for resource "arn:b:c:d:e:f:g:h".'],
  [doc(allow({ Resource: "a:bsdfdsafsad" })), 'Partition "bsdfdsafsad" is not valid for resource "arn:bsdfdsafsad:*:*:*:*".'],
  [doc(allow({ Resource: "arn:error:s3:::example_bucket" })), 'Partition "error" is not valid for resource "arn:error:s3:::example_bucket".'],
  [doc(allow({ Resource: "arn:aws" })), "Resource vendor must be fully qualified and cannot contain regexes."],
  [doc(allow({ Resource: "arn:aws:iam:::example_bucket" })),
    'IAM resource path must either be "*" or start with user/, federated-user/, role/, group/, instance-profile/, mfa/, server-certificate/, policy/, sms-mfa/, saml-provider/, oidc-provider/, report/, access-report/.'],
  [doc(allow({ Resource: "arn:aws:iam:us-east-1::x" })), "IAM resource arn:aws:iam:us-east-1::x cannot contain region information."],
  [doc(allow({ Resource: "arn:aws:s3:us-east-1::example_bucket" })), "Resource arn:aws:s3:us-east-1::example_bucket can not contain region information."],
  [doc(allow({ Resource: "arn:aws:s3::example_bucket" })), "The policy failed legacy parsing"],
  [doc(allow({ Condition: { DateGreaterThan: { "aws:CurrentTime": "not a date" } } })), "The policy failed legacy parsing"],
  // Several faults: the earliest check wins (Sid uniqueness before actions before resources).
  [doc([{ Sid: "x", Effect: "Allow" }, { Sid: "x", Effect: "Allow", Action: "bad" }]), "Statement IDs (SID) in a single policy must be unique."],
  [doc([{ Effect: "Allow", Action: "bad", Resource: "*" }, { Effect: "Allow", Action: "s3:GetObject" }]), "Policy statement must contain resources."],
];

/** Documents AWS accepts. */
const VALID = [
  doc(allow({ Resource: "arn:aws:s3:us-west-2:123456789012:accesspoint/my-access-point" })),
  doc(allow({ Resource: "arn:aws:iam::*:user/${aws:username}" })),
  doc(allow({ Action: "*" })),
  doc({ Effect: "Allow", NotAction: "iam:*", Resource: "*" }),
  doc(allow({ Condition: { NumericLessThan: { "s3:max-keys": 10 }, Bool: { "aws:SecureTransport": true }, "ForAnyValue:StringLikeIfExists": { "aws:TagKeys": ["a*"] } } })),
  doc([allow({ Sid: "" }), allow({ Sid: "" })]),
  doc(allow({ Condition: { DateGreaterThan: { "aws:CurrentTime": "2020-01-01T00:00:00Z" } } })),
];

describe("policy documents", () => {
  it("CreatePolicy refuses each invalid document with AWS's message, creating nothing", async () => {
    const before = (await iam().send(new ListPoliciesCommand({ Scope: "Local", MaxItems: 1000 }))).Policies!.length;
    for (const [document, message] of INVALID) {
      const name = unique("invalid");
      await expectError(iam().send(new CreatePolicyCommand({ PolicyName: name, PolicyDocument: document })), "MalformedPolicyDocument", 400, message);
    }
    assert.equal((await iam().send(new ListPoliciesCommand({ Scope: "Local", MaxItems: 1000 }))).Policies!.length, before);
  });

  it("inline policies get the same checks", async () => {
    const user = unique("checked");
    await iam().send(new CreateUserCommand({ UserName: user }));
    for (const [document, message] of INVALID.slice(0, 12)) {
      await expectError(iam().send(new PutUserPolicyCommand({ UserName: user, PolicyName: "p", PolicyDocument: document })), "MalformedPolicyDocument", 400, message);
    }
    assert.deepEqual((await iam().send(new ListUserPoliciesCommand({ UserName: user }))).PolicyNames, []);
  });

  it("accepts the valid forms", async () => {
    for (const document of VALID) {
      const { Policy } = await iam().send(new CreatePolicyCommand({ PolicyName: unique("valid"), PolicyDocument: document }));
      assert.ok((await iam().send(new GetPolicyCommand({ PolicyArn: Policy!.Arn }))).Policy);
    }
  });
});

describe("policy size limits (whitespace not counted)", () => {
  const sized = (n: number) => {
    // A document of exactly n non-whitespace characters.
    const base = doc(allow({ Sid: "" }));
    return doc(allow({ Sid: "S".repeat(n - base.length) }));
  };

  it("managed policies: 6,144", async () => {
    await iam().send(new CreatePolicyCommand({ PolicyName: unique("max"), PolicyDocument: sized(6144) }));
    const spaced = sized(6144).replace(/,/g, " ,\n ");
    await iam().send(new CreatePolicyCommand({ PolicyName: unique("spaced"), PolicyDocument: spaced }));
    await expectError(iam().send(new CreatePolicyCommand({ PolicyName: unique("over"), PolicyDocument: sized(6145) })), "LimitExceeded", 409, "Cannot exceed quota for PolicySize: 6144");
  });

  it("user inline policies: 2,048 together; role inline policies: 10,240 together", async () => {
    const user = unique("sized");
    await iam().send(new CreateUserCommand({ UserName: user }));
    await iam().send(new PutUserPolicyCommand({ UserName: user, PolicyName: "a", PolicyDocument: sized(1024) }));
    await iam().send(new PutUserPolicyCommand({ UserName: user, PolicyName: "b", PolicyDocument: sized(1024) }));
    await expectError(iam().send(new PutUserPolicyCommand({ UserName: user, PolicyName: "c", PolicyDocument: sized(200) })), "LimitExceeded", 409,
      `Maximum policy size of 2048 bytes exceeded for user ${user}`);
    // Replacing a policy counts the new document instead of the old.
    await iam().send(new PutUserPolicyCommand({ UserName: user, PolicyName: "b", PolicyDocument: sized(1000) }));
    assert.deepEqual((await iam().send(new ListUserPoliciesCommand({ UserName: user }))).PolicyNames, ["a", "b"]);

    const role = unique("sizedRole");
    await iam().send(new CreateRoleCommand({ RoleName: role, AssumeRolePolicyDocument: trust() }));
    for (const name of ["a", "b"]) await iam().send(new PutRolePolicyCommand({ RoleName: role, PolicyName: name, PolicyDocument: sized(5120) }));
    await expectError(iam().send(new PutRolePolicyCommand({ RoleName: role, PolicyName: "c", PolicyDocument: sized(200) })), "LimitExceeded", 409,
      `Maximum policy size of 10240 bytes exceeded for role ${role}`);
    assert.deepEqual((await iam().send(new ListRolePoliciesCommand({ RoleName: role }))).PolicyNames, ["a", "b"]);
    void ACCOUNT;
  });
});
