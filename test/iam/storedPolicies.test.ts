/**
 * Documents stored before a check was added (here: without Version, as an older SQLite state or
 * snapshot may hold them) still evaluate under --auth iam and in the simulator.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  AddUserToGroupCommand,
  AttachGroupPolicyCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  CreateUserCommand,
  GetGroupCommand,
  GetUserCommand,
  ListUsersCommand,
  PutUserPolicyCommand,
  SimulatePrincipalPolicyCommand,
} from "@aws-sdk/client-iam";
import { useServer } from "../harness.js";
import { ACCOUNT, expectError, iamClient, policyDoc, unique } from "./helpers.js";

const ADMIN = "stored-policies-admin";
const server = useServer({ auth: "iam", adminToken: ADMIN });
const headers = { "x-nubis-admin-token": ADMIN };

type Row = [string, Record<string, unknown>];
type State = { tables: Record<string, Row[]> };

async function rewriteState(edit: (state: State) => void) {
  const endpoint = server().endpoint;
  const state = (await (await fetch(`${endpoint}/_nubis/state`, { headers })).json()) as State;
  edit(state);
  const loaded = await fetch(`${endpoint}/_nubis/state`, { method: "POST", body: JSON.stringify(state), headers });
  assert.equal(loaded.status, 200, await loaded.text());
}

/** A document IAM would refuse today (no Version), as an older state may hold it. */
const legacy = (action: string, extra: object[] = []) => JSON.stringify({ Statement: [{ Effect: "Allow", Action: action, Resource: "*" }, ...extra] });

describe("stored policies read leniently for evaluation", () => {
  it("evaluates a Version-less inline policy and a Version-less managed policy loaded through POST /_nubis/state", async () => {
    const root = iamClient(server().endpoint);
    const name = unique("legacy");
    const group = unique("legacy-group");
    await root.send(new CreateUserCommand({ UserName: name }));
    await root.send(new PutUserPolicyCommand({ UserName: name, PolicyName: "inline", PolicyDocument: policyDoc("iam:GetUser") }));
    const policy = (await root.send(new CreatePolicyCommand({ PolicyName: unique("legacy-managed"), PolicyDocument: policyDoc("iam:GetGroup") }))).Policy!;
    await root.send(new CreateGroupCommand({ GroupName: group }));
    await root.send(new AddUserToGroupCommand({ GroupName: group, UserName: name }));
    await root.send(new AttachGroupPolicyCommand({ GroupName: group, PolicyArn: policy.Arn! }));
    const key = (await root.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;

    // A statement the grammar cannot read at all (no Effect) is left out, not a reason to fail the request.
    const broken = { Action: "iam:ListUsers", Resource: "*" };
    await rewriteState((state) => {
      for (const [, row] of state.tables["iam.userPolicies"]) if (row.PolicyName === "inline") row.PolicyDocument = legacy("iam:GetUser", [broken]);
      for (const [, row] of state.tables["iam.policies"]) {
        if (row.Arn !== policy.Arn) continue;
        row.PolicyDocument = legacy("iam:GetGroup");
        for (const v of (row.Versions as Array<{ Document: string }> | undefined) ?? []) v.Document = legacy("iam:GetGroup");
      }
    });

    const user = iamClient(server().endpoint, key.AccessKeyId!, key.SecretAccessKey!);
    assert.equal((await user.send(new GetUserCommand({ UserName: name }))).User!.UserName, name);
    assert.equal((await user.send(new GetGroupCommand({ GroupName: group }))).Group!.GroupName, group);
    await expectError(user.send(new ListUsersCommand({})), "AccessDenied", 403);

    const simulated = await root.send(
      new SimulatePrincipalPolicyCommand({ PolicySourceArn: `arn:aws:iam::${ACCOUNT}:user/${name}`, ActionNames: ["iam:GetUser", "iam:GetGroup", "iam:ListUsers"] }),
    );
    assert.deepEqual(
      simulated.EvaluationResults!.map((r) => [r.EvalActionName, r.EvalDecision]),
      [
        ["iam:GetUser", "allowed"],
        ["iam:GetGroup", "allowed"],
        ["iam:ListUsers", "implicitDeny"],
      ],
    );
  });

  it("still refuses a Version-less document given in a request", async () => {
    const root = iamClient(server().endpoint);
    const name = unique("strict");
    await root.send(new CreateUserCommand({ UserName: name }));
    await expectError(
      root.send(new PutUserPolicyCommand({ UserName: name, PolicyName: "p", PolicyDocument: legacy("iam:GetUser") })),
      "MalformedPolicyDocument",
      400,
      "Policy document must be version 2012-10-17 or greater.",
    );
  });
});
