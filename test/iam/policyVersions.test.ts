import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  AttachUserPolicyCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateUserCommand,
  DeletePolicyCommand,
  DeletePolicyVersionCommand,
  DetachUserPolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  type IAMClient,
  ListPolicyVersionsCommand,
  SetDefaultPolicyVersionCommand,
  SimulatePrincipalPolicyCommand,
} from "@aws-sdk/client-iam";
import { useServer } from "../harness.js";
import { ACCOUNT, expectError, iamClient, policyDoc, unique, validation } from "./helpers.js";

const server = useServer();
let client: IAMClient | undefined;
const iam = () => (client ??= iamClient(server().endpoint));

const newPolicy = async () =>
  (await iam().send(new CreatePolicyCommand({ PolicyName: unique("versioned"), PolicyDocument: policyDoc("s3:GetObject") }))).Policy!;

const versions = async (PolicyArn: string) =>
  (await iam().send(new ListPolicyVersionsCommand({ PolicyArn }))).Versions!.map((v) => [v.VersionId, v.IsDefaultVersion]);

describe("policy versions", () => {
  it("creates versions (default unchanged unless SetAsDefault), lists newest first, gets the URL-encoded document", async () => {
    const policy = await newPolicy();
    const v2 = await iam().send(new CreatePolicyVersionCommand({ PolicyArn: policy.Arn, PolicyDocument: policyDoc("s3:PutObject") }));
    assert.equal(v2.PolicyVersion!.VersionId, "v2");
    assert.equal(v2.PolicyVersion!.IsDefaultVersion, false);
    assert.equal(v2.PolicyVersion!.Document, undefined);
    assert.equal((await iam().send(new GetPolicyCommand({ PolicyArn: policy.Arn }))).Policy!.DefaultVersionId, "v1");
    const doc3 = policyDoc("s3:DeleteObject");
    const v3 = await iam().send(new CreatePolicyVersionCommand({ PolicyArn: policy.Arn, PolicyDocument: doc3, SetAsDefault: true }));
    assert.equal(v3.PolicyVersion!.IsDefaultVersion, true);
    assert.deepEqual(await versions(policy.Arn!), [["v3", true], ["v2", false], ["v1", false]]);
    const got = (await iam().send(new GetPolicyVersionCommand({ PolicyArn: policy.Arn, VersionId: "v3" }))).PolicyVersion!;
    assert.equal(decodeURIComponent(got.Document!), doc3);
    assert.match(got.Document!, /^%7B%22Version%22/);
    assert.equal((await iam().send(new GetPolicyCommand({ PolicyArn: policy.Arn }))).Policy!.DefaultVersionId, "v3");
    const page = await iam().send(new ListPolicyVersionsCommand({ PolicyArn: policy.Arn, MaxItems: 2 }));
    assert.equal(page.IsTruncated, true);
    const rest = await iam().send(new ListPolicyVersionsCommand({ PolicyArn: policy.Arn, Marker: page.Marker }));
    assert.deepEqual(rest.Versions!.map((v) => v.VersionId), ["v1"]);
  });

  it("the default version is what evaluation reads", async () => {
    const policy = await newPolicy();
    const user = unique("reader");
    await iam().send(new CreateUserCommand({ UserName: user }));
    await iam().send(new AttachUserPolicyCommand({ UserName: user, PolicyArn: policy.Arn }));
    const decide = async () =>
      (await iam().send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: `arn:aws:iam::${ACCOUNT}:user/${user}`, ActionNames: ["s3:PutObject"] }))).EvaluationResults![0].EvalDecision;
    assert.equal(await decide(), "implicitDeny");
    await iam().send(new CreatePolicyVersionCommand({ PolicyArn: policy.Arn, PolicyDocument: policyDoc("s3:PutObject"), SetAsDefault: true }));
    assert.equal(await decide(), "allowed");
    await iam().send(new SetDefaultPolicyVersionCommand({ PolicyArn: policy.Arn, VersionId: "v1" }));
    assert.equal(await decide(), "implicitDeny");
    await iam().send(new DetachUserPolicyCommand({ UserName: user, PolicyArn: policy.Arn }));
  });

  it("refuses a sixth version (LimitExceeded 409); deleting the oldest makes room and ids are not reused", async () => {
    const policy = await newPolicy();
    for (let i = 2; i <= 5; i++) await iam().send(new CreatePolicyVersionCommand({ PolicyArn: policy.Arn, PolicyDocument: policyDoc(`s3:Get${i}`) }));
    await expectError(iam().send(new CreatePolicyVersionCommand({ PolicyArn: policy.Arn, PolicyDocument: policyDoc("s3:Get6") })), "LimitExceeded", 409,
      "A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.");
    assert.equal((await versions(policy.Arn!)).length, 5);
    await iam().send(new DeletePolicyVersionCommand({ PolicyArn: policy.Arn, VersionId: "v2" }));
    const next = await iam().send(new CreatePolicyVersionCommand({ PolicyArn: policy.Arn, PolicyDocument: policyDoc("s3:Get6") }));
    assert.equal(next.PolicyVersion!.VersionId, "v6");
    assert.deepEqual((await versions(policy.Arn!)).map(([id]) => id), ["v6", "v5", "v4", "v3", "v1"]);
  });

  it("refuses deleting the default version and unknown versions; DeletePolicy needs the other versions gone", async () => {
    const policy = await newPolicy();
    await iam().send(new CreatePolicyVersionCommand({ PolicyArn: policy.Arn, PolicyDocument: policyDoc("s3:PutObject") }));
    const before = await versions(policy.Arn!);
    await expectError(iam().send(new DeletePolicyVersionCommand({ PolicyArn: policy.Arn, VersionId: "v1" })), "DeleteConflict", 409, "Cannot delete the default version of a policy.");
    await expectError(iam().send(new DeletePolicyVersionCommand({ PolicyArn: policy.Arn, VersionId: "v9" })), "NoSuchEntity", 404, `Policy ${policy.Arn} version v9 does not exist or is not attachable.`);
    await expectError(iam().send(new SetDefaultPolicyVersionCommand({ PolicyArn: policy.Arn, VersionId: "v9" })), "NoSuchEntity", 404, `Policy ${policy.Arn} version v9 does not exist or is not attachable.`);
    await expectError(iam().send(new GetPolicyVersionCommand({ PolicyArn: policy.Arn, VersionId: "v9" })), "NoSuchEntity", 404);
    await expectError(iam().send(new GetPolicyVersionCommand({ PolicyArn: policy.Arn, VersionId: "x1" })), "ValidationError", 400,
      validation("x1", "versionId", "Member must satisfy regular expression pattern: v[1-9][0-9]*(\\.[A-Za-z0-9-]*)?"));
    await expectError(iam().send(new CreatePolicyVersionCommand({ PolicyArn: policy.Arn, PolicyDocument: "{" })), "MalformedPolicyDocument", 400, "Syntax errors in policy.");
    const big = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: Array.from({ length: 300 }, (_, i) => `arn:aws:s3:::bucket-${i}/*`) }] });
    await expectError(iam().send(new CreatePolicyVersionCommand({ PolicyArn: policy.Arn, PolicyDocument: big })), "LimitExceeded", 409, "Cannot exceed quota for PolicySize: 6144");
    await expectError(iam().send(new DeletePolicyCommand({ PolicyArn: policy.Arn })), "DeleteConflict", 409,
      "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.");
    assert.deepEqual(await versions(policy.Arn!), before);
    await iam().send(new DeletePolicyVersionCommand({ PolicyArn: policy.Arn, VersionId: "v2" }));
    await iam().send(new DeletePolicyCommand({ PolicyArn: policy.Arn }));
    await expectError(iam().send(new ListPolicyVersionsCommand({ PolicyArn: policy.Arn })), "NoSuchEntity", 404);
  });

  it("reads an AWS managed policy's default version, and refuses to version it", async () => {
    const arn = "arn:aws:iam::aws:policy/AdministratorAccess";
    const { Policy } = await iam().send(new GetPolicyCommand({ PolicyArn: arn }));
    const got = (await iam().send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: Policy!.DefaultVersionId }))).PolicyVersion!;
    assert.equal(got.IsDefaultVersion, true);
    assert.deepEqual(JSON.parse(decodeURIComponent(got.Document!)).Statement, [{ Effect: "Allow", Action: "*", Resource: "*" }]);
    await expectError(iam().send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: policyDoc() })), "InvalidInput", 400);
  });
});
