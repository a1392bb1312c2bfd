import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  CreatePolicyCommand,
  CreateRoleCommand,
  CreateUserCommand,
  IAMClient,
  PutRolePermissionsBoundaryCommand,
  PutRolePolicyCommand,
  PutUserPermissionsBoundaryCommand,
  PutUserPolicyCommand,
  SimulateCustomPolicyCommand,
  SimulatePrincipalPolicyCommand,
} from "@aws-sdk/client-iam";
import { clientConfig, useServer } from "../harness.js";
import { policy, ROOT, unique } from "./helpers.js";

/** The simulator runs the engine `--auth iam` enforces with: roles, boundaries, resource policies. */
const server = useServer();
const ACCOUNT = "000000000000";
const iam = () => new IAMClient(clientConfig(server().endpoint, "us-east-1", ROOT));
const allow = (Action: string | string[], extra: object = {}) => ({ Effect: "Allow", Action, Resource: "*", ...extra });
const trust = policy({ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "sts:AssumeRole" });

const decisions = (out: { EvaluationResults?: Array<{ EvalActionName?: string; EvalDecision?: string }> }) =>
  Object.fromEntries(out.EvaluationResults!.map((r) => [r.EvalActionName, r.EvalDecision]));

describe("SimulatePrincipalPolicy for roles and with boundaries", () => {
  it("a role's policies, capped by its permissions boundary", async () => {
    const RoleName = unique("sim");
    const { Role } = await iam().send(new CreateRoleCommand({ RoleName, AssumeRolePolicyDocument: trust }));
    await iam().send(new PutRolePolicyCommand({ RoleName, PolicyName: "p", PolicyDocument: policy(allow(["iam:ListUsers", "iam:GetUser"])) }));
    const before = await iam().send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: Role!.Arn!, ActionNames: ["iam:ListUsers", "iam:CreateUser"] }));
    assert.deepEqual(decisions(before), { "iam:ListUsers": "allowed", "iam:CreateUser": "implicitDeny" });
    assert.deepEqual(before.EvaluationResults![0].MatchedStatements!.map((m) => [m.SourcePolicyId, m.SourcePolicyType]), [["p", "role"]]);
    const { Policy } = await iam().send(new CreatePolicyCommand({ PolicyName: unique("b"), PolicyDocument: policy(allow("iam:GetUser")) }));
    await iam().send(new PutRolePermissionsBoundaryCommand({ RoleName, PermissionsBoundary: Policy!.Arn! }));
    const after = await iam().send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: Role!.Arn!, ActionNames: ["iam:ListUsers", "iam:GetUser"] }));
    assert.deepEqual(decisions(after), { "iam:ListUsers": "implicitDeny", "iam:GetUser": "allowed" });
    assert.equal(after.EvaluationResults![0].PermissionsBoundaryDecisionDetail?.AllowedByPermissionsBoundary, false);
    assert.equal(after.EvaluationResults![1].PermissionsBoundaryDecisionDetail?.AllowedByPermissionsBoundary, true);
  });

  it("a user's stored boundary, or the boundaries given in PermissionsBoundaryPolicyInputList", async () => {
    const UserName = unique("simu");
    await iam().send(new CreateUserCommand({ UserName }));
    await iam().send(new PutUserPolicyCommand({ UserName, PolicyName: "p", PolicyDocument: policy(allow("iam:*")) }));
    const arn = `arn:aws:iam::${ACCOUNT}:user/${UserName}`;
    const given = await iam().send(
      new SimulatePrincipalPolicyCommand({ PolicySourceArn: arn, ActionNames: ["iam:ListUsers", "iam:GetUser"], PermissionsBoundaryPolicyInputList: [policy(allow("iam:GetUser"))] }),
    );
    assert.deepEqual(decisions(given), { "iam:ListUsers": "implicitDeny", "iam:GetUser": "allowed" });
    const { Policy } = await iam().send(new CreatePolicyCommand({ PolicyName: unique("ub"), PolicyDocument: policy(allow("iam:ListUsers")) }));
    await iam().send(new PutUserPermissionsBoundaryCommand({ UserName, PermissionsBoundary: Policy!.Arn! }));
    const stored = await iam().send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: arn, ActionNames: ["iam:ListUsers", "iam:GetUser"] }));
    assert.deepEqual(decisions(stored), { "iam:ListUsers": "allowed", "iam:GetUser": "implicitDeny" });
  });
});

describe("SimulateCustomPolicy with a resource policy", () => {
  const resourcePolicy = (principal: string) =>
    policy({ Effect: "Allow", Principal: { AWS: principal }, Action: "kms:Decrypt", Resource: "*" });
  const caller = `arn:aws:iam::${ACCOUNT}:user/alice`;

  it("same account: naming the caller allows without identity policy; naming the account delegates to it", async () => {
    const direct = await iam().send(
      new SimulateCustomPolicyCommand({ PolicyInputList: [policy(allow("s3:GetObject"))], ActionNames: ["kms:Decrypt"], ResourcePolicy: resourcePolicy(caller), CallerArn: caller }),
    );
    assert.equal(direct.EvaluationResults![0].EvalDecision, "allowed");
    const delegated = await iam().send(
      new SimulateCustomPolicyCommand({ PolicyInputList: [policy(allow("s3:GetObject"))], ActionNames: ["kms:Decrypt"], ResourcePolicy: resourcePolicy(ACCOUNT), CallerArn: caller }),
    );
    assert.equal(delegated.EvaluationResults![0].EvalDecision, "implicitDeny");
  });

  it("cross account: both the resource policy and the caller's identity policy must allow", async () => {
    const owner = "arn:aws:iam::999999999999:root";
    const only = await iam().send(
      new SimulateCustomPolicyCommand({ PolicyInputList: [policy(allow("s3:GetObject"))], ActionNames: ["kms:Decrypt"], ResourcePolicy: resourcePolicy(caller), CallerArn: caller, ResourceOwner: owner }),
    );
    assert.equal(only.EvaluationResults![0].EvalDecision, "implicitDeny");
    const both = await iam().send(
      new SimulateCustomPolicyCommand({ PolicyInputList: [policy(allow("kms:Decrypt"))], ActionNames: ["kms:Decrypt"], ResourcePolicy: resourcePolicy(ACCOUNT), CallerArn: caller, ResourceOwner: owner }),
    );
    assert.equal(both.EvaluationResults![0].EvalDecision, "allowed");
    const denied = await iam().send(
      new SimulateCustomPolicyCommand({
        PolicyInputList: [policy(allow("kms:Decrypt"))],
        ActionNames: ["kms:Decrypt"],
        ResourcePolicy: policy({ Effect: "Deny", Principal: "*", Action: "kms:*", Resource: "*" }),
        CallerArn: caller,
      }),
    );
    assert.equal(denied.EvaluationResults![0].EvalDecision, "explicitDeny");
  });
});
