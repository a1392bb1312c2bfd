import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import { describe, it } from "node:test";
import {
  AttachUserPolicyCommand,
  CreatePolicyCommand,
  CreateUserCommand,
  DeletePolicyCommand,
  DeleteUserCommand,
  DeleteUserPolicyCommand,
  DetachUserPolicyCommand,
  GetPolicyCommand,
  GetUserPolicyCommand,
  IAMClient,
  ListAttachedUserPoliciesCommand,
  ListUserPoliciesCommand,
  PutUserPolicyCommand,
  SimulateCustomPolicyCommand,
  SimulatePrincipalPolicyCommand,
  UpdateAccessKeyCommand,
  CreateAccessKeyCommand,
  ListAccessKeysCommand,
} from "@aws-sdk/client-iam";
import { KMSClient, ListKeysCommand } from "@aws-sdk/client-kms";
import { defaultConfig } from "../../src/core/config.js";
import { Nubis } from "../../src/core/server.js";
import { withBehaviour } from "../../src/core/service.js";
import { MemoryStore } from "../../src/core/store/memory.js";
import { services } from "../../src/services/index.js";
import { boto3, boto3Missing, clientConfig, failure, useServer } from "../harness.js";
import { groupPolicyFor, policy, ROOT, unique, userWithKey } from "./helpers.js";

const server = useServer({ auth: "iam" });
const endpoint = () => server().endpoint;
const iam = () => new IAMClient(clientConfig(endpoint(), "us-east-1", ROOT));
const ACCOUNT = "000000000000";

async function expectCode(promise: Promise<unknown>, code: string, status: number, message?: string) {
  const e = await failure(promise);
  assert.equal(e.name, code, e.message);
  assert.equal(e.$metadata.httpStatusCode, status);
  if (message !== undefined) assert.equal(e.message, message);
}

describe("IAM inline user policies", () => {
  it("Put overwrites, Get returns the document URL-encoded, List orders by name, Delete removes", async () => {
    const user = unique("pol");
    await iam().send(new CreateUserCommand({ UserName: user }));
    const doc = policy({ Effect: "Allow", Action: "iam:Get*", Resource: "*" });
    await iam().send(new PutUserPolicyCommand({ UserName: user, PolicyName: "b", PolicyDocument: doc }));
    await iam().send(new PutUserPolicyCommand({ UserName: user, PolicyName: "a", PolicyDocument: doc }));
    await iam().send(new PutUserPolicyCommand({ UserName: user, PolicyName: "a", PolicyDocument: doc }));
    assert.deepEqual((await iam().send(new ListUserPoliciesCommand({ UserName: user }))).PolicyNames, ["a", "b"]);
    const got = await iam().send(new GetUserPolicyCommand({ UserName: user, PolicyName: "a" }));
    assert.equal(got.UserName, user);
    assert.equal(decodeURIComponent(got.PolicyDocument!), doc);
    const page = await iam().send(new ListUserPoliciesCommand({ UserName: user, MaxItems: 1 }));
    assert.deepEqual([page.PolicyNames, page.IsTruncated], [["a"], true]);
    await iam().send(new DeleteUserPolicyCommand({ UserName: user, PolicyName: "a" }));
    await expectCode(iam().send(new GetUserPolicyCommand({ UserName: user, PolicyName: "a" })), "NoSuchEntityException", 404, "The user policy with name a cannot be found.");
    await expectCode(iam().send(new DeleteUserPolicyCommand({ UserName: user, PolicyName: "a" })), "NoSuchEntityException", 404);
  });

  it("refuses a malformed document, an unknown user, and more than 2,048 characters in all", async () => {
    const user = unique("pol");
    await iam().send(new CreateUserCommand({ UserName: user }));
    await expectCode(iam().send(new PutUserPolicyCommand({ UserName: user, PolicyName: "p", PolicyDocument: "{" })), "MalformedPolicyDocumentException", 400);
    await expectCode(
      iam().send(new PutUserPolicyCommand({ UserName: "ghost", PolicyName: "p", PolicyDocument: policy({ Effect: "Allow", Action: "s3:*", Resource: "*" }) })),
      "NoSuchEntityException",
      404,
      "The user with name ghost cannot be found.",
    );
    const big = (n: number) => policy({ Effect: "Allow", Action: Array.from({ length: n }, (_, i) => `s3:Get${"x".repeat(20)}${i}`), Resource: "*" });
    await iam().send(new PutUserPolicyCommand({ UserName: user, PolicyName: "one", PolicyDocument: big(40) }));
    await expectCode(
      iam().send(new PutUserPolicyCommand({ UserName: user, PolicyName: "two", PolicyDocument: big(40) })),
      "LimitExceededException",
      409,
      `Maximum policy size of 2048 bytes exceeded for user ${user}`,
    );
  });
});

describe("IAM managed policies attached to users", () => {
  it("Attach (idempotent), ListAttached by name, AttachmentCount, Detach, DeletePolicy conflict while attached", async () => {
    const user = unique("att");
    await iam().send(new CreateUserCommand({ UserName: user }));
    const doc = policy({ Effect: "Allow", Action: "s3:*", Resource: "*" });
    const arns: string[] = [];
    for (const name of [unique("zeta"), unique("alpha")]) {
      arns.push((await iam().send(new CreatePolicyCommand({ PolicyName: name, PolicyDocument: doc }))).Policy!.Arn!);
    }
    for (const arn of [...arns, arns[0]]) await iam().send(new AttachUserPolicyCommand({ UserName: user, PolicyArn: arn }));
    const listed = await iam().send(new ListAttachedUserPoliciesCommand({ UserName: user }));
    assert.deepEqual(listed.AttachedPolicies!.map((p) => p.PolicyArn), [arns[1], arns[0]]);
    assert.equal((await iam().send(new GetPolicyCommand({ PolicyArn: arns[0] }))).Policy!.AttachmentCount, 1);
    await expectCode(iam().send(new DeletePolicyCommand({ PolicyArn: arns[0] })), "DeleteConflictException", 409);
    await iam().send(new DetachUserPolicyCommand({ UserName: user, PolicyArn: arns[0] }));
    assert.equal((await iam().send(new GetPolicyCommand({ PolicyArn: arns[0] }))).Policy!.AttachmentCount, 0);
    await expectCode(iam().send(new DetachUserPolicyCommand({ UserName: user, PolicyArn: arns[0] })), "NoSuchEntityException", 404, `Policy ${arns[0]} was not found.`);
    await expectCode(
      iam().send(new AttachUserPolicyCommand({ UserName: user, PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/missing` })),
      "NoSuchEntityException",
      404,
      `Policy arn:aws:iam::${ACCOUNT}:policy/missing does not exist or is not attachable.`,
    );
  });

  it("DeleteUser answers DeleteConflict while the user has inline or attached policies", async () => {
    const user = unique("del");
    await iam().send(new CreateUserCommand({ UserName: user }));
    const doc = policy({ Effect: "Allow", Action: "s3:*", Resource: "*" });
    await iam().send(new PutUserPolicyCommand({ UserName: user, PolicyName: "p", PolicyDocument: doc }));
    await expectCode(iam().send(new DeleteUserCommand({ UserName: user })), "DeleteConflictException", 409, "Cannot delete entity, must delete policies first.");
    await iam().send(new DeleteUserPolicyCommand({ UserName: user, PolicyName: "p" }));
    const arn = (await iam().send(new CreatePolicyCommand({ PolicyName: unique("d"), PolicyDocument: doc }))).Policy!.Arn!;
    await iam().send(new AttachUserPolicyCommand({ UserName: user, PolicyArn: arn }));
    await expectCode(iam().send(new DeleteUserCommand({ UserName: user })), "DeleteConflictException", 409, "Cannot delete entity, must detach all policies first.");
    await iam().send(new DetachUserPolicyCommand({ UserName: user, PolicyArn: arn }));
    await iam().send(new DeleteUserCommand({ UserName: user }));
  });
});

describe("IAM UpdateAccessKey", () => {
  it("sets Status, shown by ListAccessKeys; an unknown key is NoSuchEntity; a bad Status is a ValidationError", async () => {
    const user = unique("k");
    await iam().send(new CreateUserCommand({ UserName: user }));
    const key = (await iam().send(new CreateAccessKeyCommand({ UserName: user }))).AccessKey!;
    await iam().send(new UpdateAccessKeyCommand({ UserName: user, AccessKeyId: key.AccessKeyId, Status: "Inactive" }));
    assert.equal((await iam().send(new ListAccessKeysCommand({ UserName: user }))).AccessKeyMetadata![0].Status, "Inactive");
    await expectCode(
      iam().send(new UpdateAccessKeyCommand({ UserName: user, AccessKeyId: "AKIAAAAAAAAAAAAAAAAA", Status: "Active" })),
      "NoSuchEntityException",
      404,
      "The Access Key with id AKIAAAAAAAAAAAAAAAAA cannot be found.",
    );
    await expectCode(
      iam().send(new UpdateAccessKeyCommand({ UserName: user, AccessKeyId: key.AccessKeyId, Status: "Paused" as "Active" })),
      "ValidationError",
      400,
    );
  });
});

describe("IAM policy simulator", () => {
  it("SimulatePrincipalPolicy evaluates a user's own and group policies: allowed, explicitDeny, implicitDeny", async () => {
    const user = unique("sim");
    await userWithKey(iam(), user, policy({ Effect: "Allow", Action: "iam:*", Resource: "*" }));
    await groupPolicyFor(iam(), user, policy({ Sid: "NoDelete", Effect: "Deny", Action: "iam:DeleteGroup", Resource: "*" }));
    const out = await iam().send(
      new SimulatePrincipalPolicyCommand({
        PolicySourceArn: `arn:aws:iam::${ACCOUNT}:user/${user}`,
        ActionNames: ["iam:GetGroup", "iam:DeleteGroup", "kms:ListKeys"],
      }),
    );
    const byAction = Object.fromEntries(out.EvaluationResults!.map((r) => [r.EvalActionName, r]));
    assert.equal(byAction["iam:GetGroup"].EvalDecision, "allowed");
    assert.deepEqual(byAction["iam:GetGroup"].MatchedStatements, [{ SourcePolicyId: "inline", SourcePolicyType: "user" }]);
    assert.equal(byAction["iam:DeleteGroup"].EvalDecision, "explicitDeny");
    assert.equal(byAction["iam:DeleteGroup"].MatchedStatements![0].SourcePolicyType, "group");
    assert.equal(byAction["kms:ListKeys"].EvalDecision, "implicitDeny");
    assert.equal(byAction["kms:ListKeys"].EvalResourceName, "*");
    await expectCode(
      iam().send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: `arn:aws:iam::${ACCOUNT}:user/ghost`, ActionNames: ["iam:GetUser"] })),
      "NoSuchEntityException",
      404,
    );
  });

  it("SimulateCustomPolicy: resources, context entries, missing context values, pages", async () => {
    const doc = policy({
      Effect: "Allow",
      Action: "iam:GetGroup",
      Resource: `arn:aws:iam::${ACCOUNT}:group/dev-*`,
      Condition: { IpAddress: { "aws:SourceIp": "192.0.2.0/24" } },
    });
    const simulate = (ip: string | undefined, MaxItems?: number, Marker?: string) =>
      iam().send(
        new SimulateCustomPolicyCommand({
          PolicyInputList: [doc],
          ActionNames: ["iam:GetGroup"],
          ResourceArns: [`arn:aws:iam::${ACCOUNT}:group/dev-a`, `arn:aws:iam::${ACCOUNT}:group/prod-a`],
          ...(ip ? { ContextEntries: [{ ContextKeyName: "aws:SourceIp", ContextKeyType: "ip", ContextKeyValues: [ip] }] } : {}),
          MaxItems,
          Marker,
        }),
      );
    const inside = await simulate("192.0.2.7");
    assert.deepEqual(inside.EvaluationResults!.map((r) => r.EvalDecision), ["allowed", "implicitDeny"]);
    assert.deepEqual(inside.EvaluationResults![0].MatchedStatements, [{ SourcePolicyId: "PolicyInputList.1", SourcePolicyType: "none" }]);
    const outside = await simulate("198.51.100.1");
    assert.deepEqual(outside.EvaluationResults!.map((r) => r.EvalDecision), ["implicitDeny", "implicitDeny"]);
    const missing = await simulate(undefined);
    assert.deepEqual(missing.EvaluationResults![0].MissingContextValues, ["aws:SourceIp"]);
    const first = await simulate("192.0.2.7", 1);
    assert.equal(first.IsTruncated, true);
    const second = await simulate("192.0.2.7", 1, first.Marker);
    assert.equal(second.IsTruncated, false);
    assert.equal(second.EvaluationResults![0].EvalResourceName, `arn:aws:iam::${ACCOUNT}:group/prod-a`);
    await expectCode(iam().send(new SimulateCustomPolicyCommand({ PolicyInputList: ["nope"], ActionNames: ["iam:GetUser"] })), "MalformedPolicyDocumentException", 400);
  });

  it("multivalued context keys: ForAnyValue / ForAllValues (an absent key satisfies ForAllValues)", async () => {
    const doc = (operator: string) =>
      policy({ Effect: "Allow", Action: "s3:GetObject", Resource: "*", Condition: { [operator]: { "aws:TagKeys": ["team", "env"] } } });
    const decide = async (operator: string, values?: string[]) =>
      (
        await iam().send(
          new SimulateCustomPolicyCommand({
            PolicyInputList: [doc(operator)],
            ActionNames: ["s3:GetObject"],
            ...(values ? { ContextEntries: [{ ContextKeyName: "aws:TagKeys", ContextKeyType: "stringList", ContextKeyValues: values }] } : {}),
          }),
        )
      ).EvaluationResults![0].EvalDecision;
    assert.equal(await decide("ForAnyValue:StringEquals", ["team", "cost"]), "allowed");
    assert.equal(await decide("ForAnyValue:StringEquals", ["cost"]), "implicitDeny");
    assert.equal(await decide("ForAllValues:StringEquals", ["team", "env"]), "allowed");
    assert.equal(await decide("ForAllValues:StringEquals", ["team", "cost"]), "implicitDeny");
    assert.equal(await decide("ForAllValues:StringEquals"), "allowed");
    assert.equal(await decide("ForAnyValue:StringEquals"), "implicitDeny");
  });

  it("through boto3: simulate_custom_policy", { skip: boto3Missing }, async () => {
    const out = await boto3(
      endpoint(),
      `
import boto3, json, os
iam = boto3.client("iam", endpoint_url=os.environ["ENDPOINT"], region_name="us-east-1")
doc = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "NotAction": "iam:Delete*", "Resource": "*"}]})
r = iam.simulate_custom_policy(PolicyInputList=[doc], ActionNames=["iam:GetUser", "iam:DeleteUser"])
print(json.dumps([e["EvalDecision"] for e in r["EvaluationResults"]]))
`,
    );
    assert.deepEqual(out, ["allowed", "implicitDeny"]);
  });
});

describe("--auth iam: an operation without a declaration", () => {
  it("is denied to a user even under Allow *, and still allowed to root", async () => {
    // The same services, with KMS's declarations taken away.
    const config = { ...defaultConfig(), port: 0, host: "127.0.0.1", auth: "iam" as const };
    const stripped = services.map((s) =>
      s.name === "kms" ? { ...s, handlers: {}, load: async () => ({ handlers: (await withBehaviour(s)).handlers, authorization: {} }) } : s,
    );
    const http = await new Nubis(config, new MemoryStore(), stripped).listen();
    const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    try {
      const admin = new IAMClient(clientConfig(url, "us-east-1", ROOT));
      const creds = await userWithKey(admin, "admin", policy({ Effect: "Allow", Action: "*", Resource: "*" }));
      const e = await failure(new KMSClient(clientConfig(url, "eu-west-1", creds)).send(new ListKeysCommand({})));
      assert.equal(e.name, "AccessDeniedException");
      assert.match(e.message, /is not authorized to perform: kms:ListKeys because nubis has no authorization declaration for KMS ListKeys/);
      assert.ok((await new KMSClient(clientConfig(url, "eu-west-1", ROOT)).send(new ListKeysCommand({}))).Keys);
    } finally {
      await new Promise((resolve) => http.close(resolve));
    }
  });

  it("every implemented operation of every service declares its action", async () => {
    for (const def of services) {
      const s = await withBehaviour(def);
      assert.ok(Object.keys(s.handlers).length > 0, `${s.title}: no handlers loaded`);
      const missing = Object.keys(s.handlers).filter((op) => !s.authorization?.[op]);
      assert.deepEqual(missing, [], `${s.title}: add these operations to src/services/${s.name}/authorization.ts`);
    }
  });
});
