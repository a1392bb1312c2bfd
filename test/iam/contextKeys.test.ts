import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  AddUserToGroupCommand,
  CreateGroupCommand,
  CreateRoleCommand,
  CreateUserCommand,
  GetContextKeysForCustomPolicyCommand,
  GetContextKeysForPrincipalPolicyCommand,
  type IAMClient,
  PutGroupPolicyCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
} from "@aws-sdk/client-iam";
import { useServer } from "../harness.js";
import { ACCOUNT, expectError, iamClient, unique } from "./helpers.js";
import { trust } from "./roleFixtures.js";

const server = useServer();
let client: IAMClient | undefined;
const iam = () => (client ??= iamClient(server().endpoint));

const withKeys = (resource: string, condition: Record<string, unknown>) =>
  JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "iam:GetUser", Resource: resource, Condition: condition }] });

describe("GetContextKeysForCustomPolicy / GetContextKeysForPrincipalPolicy", () => {
  it("lists policy variables and condition keys in order, each once whatever its case", async () => {
    const doc = withKeys(`arn:aws:iam::${ACCOUNT}:user/\${aws:username}`, {
      DateGreaterThan: { "aws:CurrentTime": "2020-01-01T00:00:00Z" },
      StringEquals: { "AWS:Username": "x", "s3:prefix": "a" },
    });
    const { ContextKeyNames } = await iam().send(new GetContextKeysForCustomPolicyCommand({ PolicyInputList: [doc] }));
    assert.deepEqual(ContextKeyNames, ["aws:username", "aws:CurrentTime", "s3:prefix"]);
    await expectError(iam().send(new GetContextKeysForCustomPolicyCommand({ PolicyInputList: ["not json"] })), "InvalidInput", 400, "Syntax errors in policy.");
  });

  it("reads a user's policies, its groups', a role's, and the ones given inline", async () => {
    const user = unique("ck");
    const group = unique("ckg");
    await iam().send(new CreateUserCommand({ UserName: user }));
    await iam().send(new CreateGroupCommand({ GroupName: group }));
    await iam().send(new AddUserToGroupCommand({ GroupName: group, UserName: user }));
    await iam().send(new PutUserPolicyCommand({ UserName: user, PolicyName: "u", PolicyDocument: withKeys("*", { Bool: { "aws:MultiFactorAuthPresent": "true" } }) }));
    await iam().send(new PutGroupPolicyCommand({ GroupName: group, PolicyName: "g", PolicyDocument: withKeys("*", { IpAddress: { "aws:SourceIp": "10.0.0.0/8" } }) }));
    const extra = withKeys("*", { StringLike: { "ec2:ResourceTag/team": "a*" } });
    const keys = await iam().send(new GetContextKeysForPrincipalPolicyCommand({ PolicySourceArn: `arn:aws:iam::${ACCOUNT}:user/${user}`, PolicyInputList: [extra] }));
    assert.deepEqual(keys.ContextKeyNames, ["aws:MultiFactorAuthPresent", "aws:SourceIp", "ec2:ResourceTag/team"]);

    const role = unique("ckr");
    await iam().send(new CreateRoleCommand({ RoleName: role, AssumeRolePolicyDocument: trust() }));
    await iam().send(new PutRolePolicyCommand({ RoleName: role, PolicyName: "r", PolicyDocument: withKeys("*", { StringEquals: { "aws:RequestedRegion": "eu-west-1" } }) }));
    const roleKeys = await iam().send(new GetContextKeysForPrincipalPolicyCommand({ PolicySourceArn: `arn:aws:iam::${ACCOUNT}:role/${role}` }));
    assert.deepEqual(roleKeys.ContextKeyNames, ["aws:RequestedRegion"]);
    await expectError(iam().send(new GetContextKeysForPrincipalPolicyCommand({ PolicySourceArn: `arn:aws:iam::${ACCOUNT}:user/ghost` })), "NoSuchEntity", 404, "The user with name ghost cannot be found.");
  });
});
